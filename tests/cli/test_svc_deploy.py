"""`ecs-platform svc deploy` before any AWS call: inputs checked first (digest, service, then
GitHub's repository and token), the real file and key reported, and nothing left changed when
the pull request cannot be opened."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from cli.app import main
from ops import github_api

from conftest import PROJECTS

DIGEST = "sha256:" + hashlib.sha256(b"api image").hexdigest()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped example (services in services/<name>.yaml), offline, no GitHub variables."""
    folder = tmp_path / "project"
    shutil.copytree(PROJECTS / "shipped", folder)
    (folder / "Pulumi.yaml").write_text("name: ecs-platform\nruntime: python\n")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no Pulumi CLI: no stack-output cross-check
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)

    def offline(request: urllib.request.Request, timeout: float = 0) -> Any:
        raise urllib.error.URLError(OSError(-2, "Name or service not known"))

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    return folder


def deploy(project: Path, *words: str) -> list[str]:
    return ["svc", "deploy", *words, "--stack", "dev", "--project-dir", str(project)]


def files(project: Path) -> dict[Path, str]:
    return {path: path.read_text() for path in project.rglob("*.yaml")}


def test_without_a_token_it_exits_2_and_changes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    before = files(project)
    assert main(deploy(project, "api", "--digest", DIGEST)) == 2
    assert "GITHUB_TOKEN (or GH_TOKEN) not set (or give --no-pr)" in capsys.readouterr().err
    assert files(project) == before


def test_github_out_of_reach_exits_5_and_puts_the_file_back(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.setenv("GITHUB_TOKEN", "x")
    before = files(project)
    assert main(deploy(project, "api", "--digest", DIGEST)) == 5
    err = capsys.readouterr().err
    assert err == (
        "deploy: GitHub: cannot reach api.github.com: [Errno -2] Name or service not known;"
        " no file was changed\n"
    )
    assert files(project) == before


def test_an_unknown_service_is_refused_input(project: Path, capsys) -> None:
    assert main(deploy(project, "nope", "--digest", DIGEST, "--no-pr")) == 2
    assert "no service 'nope' (declared: api, worker)" in capsys.readouterr().err


def test_a_bad_digest_is_said_before_the_missing_repository(project: Path, capsys) -> None:
    assert main(deploy(project, "api", "--digest", "bad")) == 2
    err = capsys.readouterr().err
    assert "digest 'bad' is not sha256:" in err and "GITHUB" not in err


def test_the_real_file_and_key_are_reported(project: Path, capsys) -> None:
    assert main(deploy(project, "api", "--digest", DIGEST, "--no-pr")) == 0
    assert capsys.readouterr().out == (
        f"services/api.yaml: environments.dev.image pinned to {DIGEST}\n"
    )
    assert main(deploy(project, "worker", "--digest", DIGEST, "--no-pr", "--json")) == 0
    assert json.loads(capsys.readouterr().out) == {
        "service": "worker",
        "digest": DIGEST,
        "stackFile": "services/worker.yaml",
        "key": "environments.dev.image",
        "pullRequest": None,
    }


def test_the_pull_request_commits_the_file_at_its_path(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    calls: list[tuple[str, str, dict[str, Any] | None]] = []

    def transport(method: str, url: str, payload: dict[str, Any] | None) -> Any:
        calls.append((method, url, payload))
        path = url.split("/repos/o/r", 1)[1]
        replies: dict[tuple[str, str], Any] = {
            ("GET", ""): {"default_branch": "main"},
            ("GET", "/git/ref/heads/main"): {"object": {"sha": "c0ffee"}},
            ("POST", "/pulls"): {"number": 12},
        }
        body = replies.get((method, path), [] if path.startswith("/pulls?") else {"sha": "f1"})
        return github_api.Response(200, body, {})

    monkeypatch.setattr(
        github_api, "from_environment", lambda: github_api.GitHub("o/r", transport, "https://x")
    )
    assert main(deploy(project, "api", "--digest", DIGEST)) == 0
    assert "deploy: opened pull request #12" in capsys.readouterr().out
    (put,) = [(url, payload) for method, url, payload in calls if method == "PUT"]
    assert put[0] == "https://x/repos/o/r/contents/services/api.yaml"
    assert put[1] is not None
    assert DIGEST in base64.b64decode(put[1]["content"]).decode()
    (opened,) = [payload for method, url, payload in calls if url.endswith("/pulls")]
    assert opened is not None
    assert "`environments.dev.image.digest`" in opened["body"]
    assert "`services/api.yaml`" in opened["body"]
