"""The progressive fixture (canary `api`, blue/green `web`), synthesized once per test process."""

from __future__ import annotations

from functools import cache
from typing import Any

from harness.engine import run_program
from harness.records import Synthesis
from settings.stack_files import read_stack_config

from conftest import FIXTURES


def config() -> dict[str, Any]:
    """A fresh copy of the progressive fixture's config (callers may change it)."""
    return read_stack_config("progressive", FIXTURES)


@cache
def progressive() -> Synthesis:
    return run_program("progressive", stack_config=config())
