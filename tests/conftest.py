"""Shared fixtures: the real program for each stack, run once under the mock harness."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from offline.harness import Synthesis, SynthesisError, read_stack_config, run_program

STACKS = ("dev", "prod")
# Stack files the platform is proven on. The root Pulumi.<stack>.yaml belong to the user.
FIXTURES = Path(__file__).resolve().parent / "fixtures"


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


def refused(stack: str, change: Callable[[dict[str, Any]], Any]) -> SynthesisError:
    """Run the stack with `change` applied to its stack file; the program must refuse it."""
    config = read_stack_config(stack)
    change(config)
    with pytest.raises(SynthesisError) as failure:
        run_program(stack, stack_config=config)
    return failure.value


def problems(stack: str, change: Callable[[dict[str, Any]], Any]) -> list[str]:
    """The problem lines of a refused change, after asserting nothing was registered."""
    failure = refused(stack, change)
    assert failure.resources == []
    return str(failure.cause).splitlines()[1:]
