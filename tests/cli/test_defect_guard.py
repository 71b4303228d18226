"""The last resort of `cli.app.main`: an exception no command foresaw is one line on stderr and
exit 70 (EX_SOFTWARE), documented in docs/reference/exit-codes.md; ECS_PLATFORM_DEBUG=1 raises
it with its traceback."""

from __future__ import annotations

import pytest

import cli.delivery
from cli.app import DEFECT_EXIT, main
from settings.stack_files import PROJECT_DIR

DIGEST = "sha256:" + "a" * 64
WORDS = ["release", "api", "--stack", "dev", "--digest", DIGEST]


def broken(*_: object, **__: object) -> object:
    raise RuntimeError("the first line\nand a second")


def test_an_unforeseen_error_is_one_line_and_exit_70(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("ECS_PLATFORM_DEBUG", raising=False)
    monkeypatch.setattr(cli.delivery, "release", broken)
    assert main(WORDS) == DEFECT_EXIT == 70
    captured = capsys.readouterr()
    assert captured.err == (
        "error: RuntimeError: the first line (a defect of ecs-platform: run with"
        " ECS_PLATFORM_DEBUG=1 for the traceback)\n"
    )
    assert captured.out == ""


def test_ecs_platform_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECS_PLATFORM_DEBUG", "1")
    monkeypatch.setattr(cli.delivery, "release", broken)
    with pytest.raises(RuntimeError, match="the first line"):
        main(WORDS)


def test_the_exit_codes_page_documents_70() -> None:
    page = (PROJECT_DIR / "docs" / "reference" / "exit-codes.md").read_text()
    assert "| every command | 70 | a defect of ecs-platform" in page
