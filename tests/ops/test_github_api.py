"""PR comments and drift issues are found by marker across every page, then edited in place."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from ops.github_api import (
    GitHub,
    GitHubError,
    GitHubSetupError,
    Response,
    open_release_pr,
    upsert_comment,
    upsert_issue,
)

API = "https://api.example.test"
REPO = f"{API}/repos/acme/platform"
MARKER = "<!-- ecs-platform-plan:dev -->"


class FakeGitHub:
    """Serves list endpoints in pages of `page_size` with Link headers; records writes."""

    def __init__(self, items: list[dict[str, Any]], page_size: int = 30) -> None:
        self.items = items
        self.page_size = page_size
        self.writes: list[tuple[str, str, dict[str, Any] | None]] = []
        self.pages_read = 0

    def __call__(self, method: str, url: str, payload: dict[str, Any] | None) -> Response:
        if method != "GET":
            self.writes.append((method, url, payload))
            return Response(201, {"id": 999, "number": 77}, {})
        found = re.search(r"[?&]page=(\d+)", url)
        page = int(found.group(1)) if found else 1
        self.pages_read += 1
        start = (page - 1) * self.page_size
        chunk = self.items[start : start + self.page_size]
        headers = {}
        if start + self.page_size < len(self.items):
            base = url.split("&page=")[0]
            headers["Link"] = f'<{base}&page={page + 1}>; rel="next", <{base}&page=9>; rel="last"'
        return Response(200, chunk, headers)


def comments(count: int, marked_at: int | None) -> list[dict[str, Any]]:
    return [
        {"id": i, "body": (f"{MARKER}\nold plan" if i == marked_at else f"comment {i}")}
        for i in range(count)
    ]


def test_the_marked_comment_on_a_later_page_is_edited_not_duplicated():
    fake = FakeGitHub(comments(75, marked_at=64))
    result = upsert_comment(GitHub("acme/platform", fake, API), 12, f"{MARKER}\nnew plan")
    assert result == "updated comment 64"
    assert fake.pages_read == 3
    assert fake.writes == [("PATCH", f"{REPO}/issues/comments/64", {"body": f"{MARKER}\nnew plan"})]


def test_without_a_marked_comment_one_is_created():
    fake = FakeGitHub(comments(31, marked_at=None))
    upsert_comment(GitHub("acme/platform", fake, API), 12, f"{MARKER}\nplan")
    assert fake.writes == [("POST", f"{REPO}/issues/12/comments", {"body": f"{MARKER}\nplan"})]


def test_another_stacks_marker_does_not_match():
    fake = FakeGitHub([{"id": 1, "body": "<!-- ecs-platform-plan:dev-eu -->\nplan"}])
    upsert_comment(GitHub("acme/platform", fake, API), 12, f"{MARKER}\nplan")
    assert fake.writes[0][0] == "POST"


def test_a_body_without_a_marker_is_refused():
    with pytest.raises(GitHubSetupError, match="hidden marker"):
        upsert_comment(GitHub("acme/platform", FakeGitHub([]), API), 12, "## Plan\n")


def test_an_overlong_body_is_trimmed_below_githubs_limit():
    fake = FakeGitHub([])
    upsert_comment(GitHub("acme/platform", fake, API), 12, MARKER + "\n" + "x" * 70_000)
    body = fake.writes[0][2]["body"]
    assert body.startswith(MARKER)
    assert len(body) < 65_536


def test_the_drift_issue_is_updated_skipping_pull_requests():
    marker = "<!-- ecs-platform-drift:prod -->"
    items = [
        {"number": 5, "body": f"{marker}\nold", "pull_request": {}},
        {"number": 9, "body": f"{marker}\nold"},
    ]
    fake = FakeGitHub(items)
    result = upsert_issue(GitHub("acme/platform", fake, API), "Drift", f"{marker}\nnew", "drift")
    assert result == "updated issue #9"
    assert fake.writes[0][:2] == ("PATCH", f"{REPO}/issues/9")


def test_a_new_drift_issue_carries_the_label():
    fake = FakeGitHub([])
    upsert_issue(GitHub("acme/platform", fake, API), "Drift", f"{MARKER}\nnew", "drift")
    assert fake.writes[0][2]["labels"] == ["drift"]


def test_api_errors_raise_with_the_status():
    def refuse(method: str, url: str, payload: dict[str, Any] | None) -> Response:
        return Response(403, {"message": "Resource not accessible by integration"}, {})

    with pytest.raises(GitHubError, match="403"):
        upsert_comment(GitHub("acme/platform", refuse, API), 12, f"{MARKER}\nplan")


class FakeRepository:
    """Answers the calls of a release pull request; `branch_exists` makes ref creation 422."""

    def __init__(self, branch_exists: bool, open_pulls: list[dict[str, Any]]) -> None:
        self.branch_exists = branch_exists
        self.open_pulls = open_pulls
        self.calls: list[tuple[str, str, dict[str, Any] | None]] = []

    def __call__(self, method: str, url: str, payload: dict[str, Any] | None) -> Response:
        self.calls.append((method, url.removeprefix(REPO), payload))
        path = url.removeprefix(REPO)
        answers = {
            ("GET", ""): {"default_branch": "main"},
            ("GET", "/git/ref/heads/main"): {"object": {"sha": "b" * 40}},
            ("GET", "/contents/Pulumi.dev.yaml?ref=release/dev/api/abc"): {"sha": "c" * 40},
            ("GET", "/pulls?state=open&head=acme:release/dev/api/abc"): self.open_pulls,
            ("POST", "/pulls"): {"number": 41},
        }
        if (method, path) == ("POST", "/git/refs") and self.branch_exists:
            return Response(422, {"message": "Reference already exists"}, {})
        return Response(200, answers.get((method, path), {}), {})


@pytest.mark.parametrize(
    ("branch_exists", "open_pulls", "result"),
    [(False, [], "opened pull request #41"), (True, [{"number": 40}], "updated pull request #40")],
)
def test_a_release_commits_the_file_on_its_branch_and_opens_one_pull_request(
    tmp_path, monkeypatch, branch_exists, open_pulls, result
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    fake = FakeRepository(branch_exists, open_pulls)
    github = GitHub("acme/platform", fake, API)
    branch = "release/dev/api/abc"
    assert open_release_pr(github, "Pulumi.dev.yaml", branch, "Release api", "body") == result
    put = next(payload for method, _, payload in fake.calls if method == "PUT")
    assert put is not None
    assert base64.b64decode(put["content"]) == b"config: {}\n"
    assert (put["branch"], put["sha"]) == (branch, "c" * 40)
    created_ref = next(p for m, path, p in fake.calls if (m, path) == ("POST", "/git/refs"))
    assert created_ref == {"ref": f"refs/heads/{branch}", "sha": "b" * 40}
    assert [m for m, path, _ in fake.calls if path == "/pulls"] == ([] if open_pulls else ["POST"])
