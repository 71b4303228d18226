"""Shared fixtures: the real program for each stack, run once under the mock harness."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from offline.harness import Synthesis, run_program

STACKS = ("dev", "prod")


@pytest.fixture(scope="session")
def synthesized() -> Callable[[str], Synthesis]:
    cache: dict[str, Synthesis] = {}

    def get(stack: str) -> Synthesis:
        if stack not in cache:
            cache[stack] = run_program(stack)
        return cache[stack]

    return get


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def synthesis(stack: str, synthesized: Callable[[str], Synthesis]) -> Synthesis:
    return synthesized(stack)
