"""Runs kept on disk for the test suite (harness/run_cache.py): filed under the code and the
inputs that decide them, read back instead of synthesizing again, pruned when the code changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import engine, run_cache

from conftest import fixture_config


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(run_cache.ENV, str(tmp_path / "runs"))
    return tmp_path / "runs"


def test_a_run_is_stored_once_and_read_back(kept: Path) -> None:
    with run_cache.claimed("code", "key") as stored:
        assert stored is None
        run_cache.store("code", "key", b"a run")
    with run_cache.claimed("code", "key") as stored:
        assert stored == b"a run"


def test_nothing_is_kept_without_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(run_cache.ENV, raising=False)
    run_cache.store("code", "key", b"a run")
    with run_cache.claimed("code", "key") as stored:
        assert stored is None


def test_the_code_digest_follows_every_source_file(tmp_path: Path) -> None:
    package = tmp_path / "components"
    (package / "service").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "service" / "alarms.py").write_text("THRESHOLD = 5\n")
    before = run_cache._digest_of((package,))
    (package / "service" / "alarms.py").write_text("THRESHOLD = 6\n")
    run_cache._digest_of.cache_clear()
    assert run_cache._digest_of((package,)) != before


def test_prune_keeps_only_the_current_code(kept: Path) -> None:
    for code in ("old", "new"):
        run_cache.store(code, "key", b"run")
    run_cache.prune(kept, keep="new")
    assert sorted(p.name for p in kept.iterdir()) == ["new"]


def test_the_engine_reads_a_kept_run_instead_of_synthesizing(
    kept: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = fixture_config("minimal")
    monkeypatch.setattr(engine, "_RUNS", {})
    first = engine.run_program("minimal", stack_config=config)
    assert list(kept.rglob("*.pickle.z"))

    def refuse(*_args: object) -> None:
        raise AssertionError("synthesized again")

    monkeypatch.setattr(engine, "_RUNS", {})  # a new process: only the disk holds the run
    monkeypatch.setattr(engine, "_synthesize", refuse)
    again = engine.run_program("minimal", stack_config=config)
    assert again == first and again is not first
