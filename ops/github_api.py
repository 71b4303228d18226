"""The few GitHub REST calls the workflows make: comments, drift issues and release PRs.

    ecs-platform github comment --pr 12 --body-file .plan-out/dev.md
    ecs-platform github issue --title "Drift in dev" --label drift --body-file f.md
    ecs-platform github release-pr --path Pulumi.dev.yaml --branch B --title T

Every body starts with a hidden marker (`<!-- ... -->`, its first line): the comment or open
issue carrying it is edited in place, found among ALL comments or issues (paginated: a busy pull
request has more than one page of 30). Needs GITHUB_TOKEN (or GH_TOKEN) and GITHUB_REPOSITORY.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MARKER_PATTERN = re.compile(r"^<!-- [A-Za-z0-9:._/-]+ -->$")
REPOSITORY_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="next"')
BODY_LIMIT = 65_000  # GitHub refuses comment and issue bodies over 65,536 characters


class GitHubError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"GitHub API {status}: {message}")
        self.status = status


class GitHubUnreachableError(Exception):
    """The call was not answered: no network, DNS or TLS failure, a timeout."""


class GitHubSetupError(Exception):
    """What the calls need is missing: GITHUB_REPOSITORY, a token, a body's marker line."""


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str]


Transport = Callable[[str, str, dict[str, Any] | None], Response]


def urllib_transport(token: str) -> Transport:
    def send(method: str, url: str, payload: dict[str, Any] | None) -> Response:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                text = reply.read().decode()
                return Response(reply.status, json.loads(text or "null"), dict(reply.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, {"message": error.read().decode()}, dict(error.headers))
        except (urllib.error.URLError, OSError) as error:  # URLError: no network, DNS, TLS
            reason = getattr(error, "reason", None) or error
            host = urllib.parse.urlsplit(url).netloc
            raise GitHubUnreachableError(f"cannot reach {host}: {reason}") from None
        except json.JSONDecodeError:
            raise GitHubUnreachableError(f"{method} {url}: the answer is not JSON") from None

    return send


class GitHub:
    def __init__(self, repository: str, transport: Transport, api: str) -> None:
        self.base = f"{api.rstrip('/')}/repos/{repository}"
        self.transport = transport

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        reply = self.transport(method, self._url(path), payload)
        if reply.status >= 400:
            raise GitHubError(reply.status, str((reply.body or {}).get("message")))
        return reply.body

    def paginate(self, path: str) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, following the Link header's rel="next"."""
        url: str | None = self._url(path)
        while url:
            reply = self.transport("GET", url, None)
            if reply.status >= 400:
                raise GitHubError(reply.status, str((reply.body or {}).get("message")))
            yield from reply.body
            found = NEXT_LINK.search(reply.headers.get("Link") or reply.headers.get("link") or "")
            url = found.group(1) if found else None

    def _url(self, path: str) -> str:
        if path.startswith("http"):
            return path
        return f"{self.base}/{path.lstrip('/')}" if path else self.base


def marker_of(body: str) -> str:
    marker = body.splitlines()[0].strip() if body.strip() else ""
    if not MARKER_PATTERN.fullmatch(marker):
        raise GitHubSetupError(
            "the body must start with a hidden marker line (like <!-- plan:dev -->),"
            f" not {marker!r}"
        )
    return marker


def _trimmed(body: str) -> str:
    if len(body) <= BODY_LIMIT:
        return body
    return body[:BODY_LIMIT] + "\n\n… trimmed: the full text is in the workflow run's summary.\n"


def upsert_comment(github: GitHub, pull_request: int, body: str) -> str:
    """Edit the pull request's comment carrying the body's marker, or create it."""
    marker = marker_of(body)
    comments = github.paginate(f"issues/{pull_request}/comments?per_page=100")
    for comment in comments:
        if str(comment.get("body", "")).startswith(marker):
            github.call("PATCH", f"issues/comments/{comment['id']}", {"body": _trimmed(body)})
            return f"updated comment {comment['id']}"
    created = github.call("POST", f"issues/{pull_request}/comments", {"body": _trimmed(body)})
    return f"created comment {created['id']}"


def upsert_issue(github: GitHub, title: str, body: str, label: str) -> str:
    """Edit the open issue carrying the body's marker, or open one with the label."""
    marker = marker_of(body)
    # Found by marker, not label: a label the token may not set is dropped silently.
    for issue in github.paginate("issues?state=open&per_page=100"):
        if "pull_request" not in issue and str(issue.get("body", "")).startswith(marker):
            payload = {"title": title, "body": _trimmed(body)}
            github.call("PATCH", f"issues/{issue['number']}", payload)
            return f"updated issue #{issue['number']}"
    payload = {"title": title, "body": _trimmed(body), "labels": [label]}
    return f"opened issue #{github.call('POST', 'issues', payload)['number']}"


def open_release_pr(
    github: GitHub, path: str, branch: str, title: str, body: str, source: Path | None = None
) -> str:
    """Commit the local `path` (or the file `source`, committed as `path`) to a new branch off
    the default branch and open a pull request."""
    base = github.call("GET", "")["default_branch"]
    base_sha = github.call("GET", f"git/ref/heads/{base}")["object"]["sha"]
    try:
        github.call("POST", "git/refs", {"ref": f"refs/heads/{branch}", "sha": base_sha})
    except GitHubError as error:
        if error.status != 422:  # 422: the branch exists (a re-run): commit onto it
            raise
    current = github.call("GET", f"contents/{path}?ref={branch}")
    content = base64.b64encode((source or Path(path)).read_bytes()).decode()
    change = {"message": title, "content": content, "sha": current["sha"], "branch": branch}
    github.call("PUT", f"contents/{path}", change)
    pulls = github.call("GET", f"pulls?state=open&head={_owner(github)}:{branch}")
    if pulls:
        return f"updated pull request #{pulls[0]['number']}"
    payload = {"title": title, "head": branch, "base": base, "body": body}
    created = github.call("POST", "pulls", payload)
    return f"opened pull request #{created['number']}"


def _owner(github: GitHub) -> str:
    return github.base.rsplit("/", 2)[-2]


def from_environment() -> GitHub:
    """The repository of GITHUB_REPOSITORY with GITHUB_TOKEN (or GH_TOKEN), as in a workflow;
    GitHubSetupError naming what is missing."""
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or ""
    missing = [
        *([] if REPOSITORY_PATTERN.fullmatch(repository) else ["GITHUB_REPOSITORY (OWNER/REPO)"]),
        *([] if token else ["GITHUB_TOKEN (or GH_TOKEN)"]),
    ]
    if missing:
        raise GitHubSetupError(f"{' and '.join(missing)} not set")
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com")
    return GitHub(repository, urllib_transport(token), api)
