"""The examples on docs/operations/*.md are real runs against the emulator (tests/emulator/
examples.py): a page that differs from a fresh run fails here. `make operations-examples`
(ECS_PLATFORM_WRITE_EXAMPLES=1) rewrites them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from emulator import examples


@pytest.mark.parametrize("page", sorted(examples.EXAMPLES))
def test_the_page_shows_what_the_commands_print(
    page: str, emulator: str, fixture_project: Path, monkeypatch, tmp_path: Path
) -> None:
    path = examples.PAGES / page
    text = path.read_text()
    names = [m.group("name") for m in examples.BLOCK.finditer(text)]
    assert sorted(names) == sorted(examples.EXAMPLES[page]), "a block per example, no other"
    context = examples.Context(emulator, fixture_project, monkeypatch, tmp_path)
    fresh = examples.rendered(text, examples.record(page, context))
    if os.environ.get("ECS_PLATFORM_WRITE_EXAMPLES") == "1":
        path.write_text(fresh)
        return
    assert text == fresh, f"docs/operations/{page} is stale: make operations-examples"
