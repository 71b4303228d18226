"""`ecs-platform github comment|issue|release-pr`: what is missing (repository, token, a body's
marker line) is a usage error before any call; no network is one line, exit 1; no traceback."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from cli.app import main

MARKER = "<!-- ecs-platform-plan:dev -->"


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """urlopen failing as it does without network; the URLs it was asked for."""
    asked: list[str] = []

    def urlopen(request: urllib.request.Request, timeout: float = 0) -> Any:
        asked.append(request.full_url)
        raise urllib.error.URLError(OSError(-2, "Name or service not known"))

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    monkeypatch.chdir(tmp_path)  # release-pr commits a file of the current folder
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return asked


def body_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "body.md"
    path.write_text(text)
    return str(path)


def commands(tmp_path: Path, text: str = f"{MARKER}\nplan") -> list[list[str]]:
    body = body_file(tmp_path, text)
    return [
        ["github", "comment", "--pr", "12", "--body-file", body],
        ["github", "issue", "--title", "Drift", "--label", "drift", "--body-file", body],
        ["github", "release-pr", "--path", "Pulumi.dev.yaml", "--branch", "b", "--title", "t"],
    ]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["comment", "issue", "release-pr"])
def test_without_repository_or_token_the_command_says_which_and_exits_2(
    index: int, tmp_path: Path, offline: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    assert main(commands(tmp_path)[index]) == 2
    err = capsys.readouterr().err
    assert "GITHUB_REPOSITORY (OWNER/REPO) and GITHUB_TOKEN (or GH_TOKEN) not set" in err
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    assert main(commands(tmp_path)[index]) == 2
    err = capsys.readouterr().err
    assert "GITHUB_TOKEN (or GH_TOKEN) not set" in err and "GITHUB_REPOSITORY" not in err
    assert offline == []


@pytest.mark.parametrize("index", [0, 1, 2], ids=["comment", "issue", "release-pr"])
def test_no_network_is_one_line_and_exit_1(
    index: int, tmp_path: Path, offline: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.setenv("GITHUB_TOKEN", "x")
    assert main(commands(tmp_path)[index]) == 1
    err = capsys.readouterr().err
    assert err == "github: cannot reach api.github.com: [Errno -2] Name or service not known\n"
    assert offline and offline[0].startswith("https://api.github.com/repos/o/r")


@pytest.mark.parametrize("index", [0, 1], ids=["comment", "issue"])
def test_a_body_without_its_marker_line_is_refused_before_any_call(
    index: int, tmp_path: Path, offline: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.setenv("GITHUB_TOKEN", "x")
    assert main(commands(tmp_path, "hello\n")[index]) == 2
    err = capsys.readouterr().err
    assert "the body must start with a hidden marker line" in err and "'hello'" in err
    assert "Traceback" not in err and offline == []


def test_release_pr_refuses_a_file_that_is_not_there(
    tmp_path: Path, offline: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.setenv("GITHUB_TOKEN", "x")
    argv = ["github", "release-pr", "--path", "nonexist.yaml", "--branch", "b", "--title", "t"]
    assert main(argv) == 2
    assert "'nonexist.yaml' does not exist" in capsys.readouterr().err
    assert offline == []
