"""Validate a changed stack file at the settings level only (no program run): fast enough to
try thousands of variants."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from settings.loader import SettingsError, parse_settings
from settings.stack_files import load_config

from conftest import fixture_config


def _copy(value: Any) -> Any:
    """A deep copy of YAML data (mappings, lists, scalars): copy.deepcopy, without its memo."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def settings_problems(
    stack: str,
    change: Callable[[dict[str, Any]], Any],
    *,
    stack_name: str | None = None,
    base: Mapping[str, Any] | None = None,
) -> list[str]:
    """The problem lines for `change` applied to tests/fixtures/Pulumi.<stack>.yaml ([] when
    it is accepted).
    `base`: the file's config already read (a copy is changed; reading YAML is the slow part)."""
    config = fixture_config(stack) if base is None else _copy(dict(base))
    change(config)
    name = stack_name or stack
    project, flat = load_config(name, stack_config=config)
    try:
        parse_settings(flat, project=project, stack=name)
    except SettingsError as error:
        return error.lines
    return []
