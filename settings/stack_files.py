"""The stack files as the Pulumi engine reads them: `Pulumi.yaml` (project defaults) and
`Pulumi.<stack>.yaml`, flattened to `<namespace>:<key>` keys with scalars as strings and objects
and lists as JSON (what a program receives in PULUMI_CONFIG). `{secure: ...}` values stay masked:
only the engine decrypts them.

Used by the mock harness, the offline review and the commands that read a stack's names; it
creates no resources and needs no Pulumi runtime.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
SECRET_PLACEHOLDER = "[secret]"
# PyYAML's libyaml parser when the wheel has it (about 6 times faster; the same documents).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ConfigFileError(Exception):
    """A stack or project file the engine itself would refuse."""


def _mask_secure(value: Any) -> Any:
    """`{secure: <ciphertext>}` anywhere in a value becomes "[secret]": only the engine decrypts."""
    if isinstance(value, Mapping) and set(value) == {"secure"}:
        return SECRET_PLACEHOLDER
    if isinstance(value, Mapping):
        return {key: _mask_secure(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask_secure(item) for item in value]
    return value


def _engine_value(value: Any) -> str:
    masked = _mask_secure(value)
    return masked if isinstance(masked, str) else json.dumps(masked)


def yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's error in one line with its position: `expected ',' or '}', but got ':' (line 2,
    column 4)`, not its multi-line text about a "<unicode string>"."""
    mark = getattr(error, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
    problem = getattr(error, "problem", None) or " ".join(str(error).split())
    return f"{problem}{where}"


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(), Loader=_SAFE_LOADER) or {}
    except FileNotFoundError:
        raise ConfigFileError(f"{path.name}: no such stack file in {path.parent}") from None
    except yaml.YAMLError as error:
        raise ConfigFileError(f"{path.name}: not valid YAML: {yaml_problem(error)}") from None
    if not isinstance(data, dict):
        raise ConfigFileError(f"{path.name}: expected a mapping at the top level")
    return data


def read_stack_config(stack: str, project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    """The `config:` mapping of `Pulumi.<stack>.yaml`, freshly parsed (callers may change it)."""
    return read_yaml(project_dir / f"Pulumi.{stack}.yaml").get("config") or {}


def load_config(
    stack: str,
    project_dir: Path = PROJECT_DIR,
    stack_config: Mapping[str, Any] | None = None,
) -> tuple[str, dict[str, str]]:
    """(project name, flat engine config) for a stack; `stack_config` replaces the file's config."""
    project_file = read_yaml(project_dir / "Pulumi.yaml")
    project = str(project_file["name"])
    if stack_config is None:
        stack_config = read_stack_config(stack, project_dir)

    config: dict[str, str] = {}
    required: list[str] = []
    for key, declaration in (project_file.get("config") or {}).items():
        full_key = key if ":" in key else f"{project}:{key}"
        if isinstance(declaration, Mapping) and ("type" in declaration or "value" in declaration):
            if "value" in declaration:
                config[full_key] = _engine_value(declaration["value"])
            elif "default" in declaration:
                config[full_key] = _engine_value(declaration["default"])
            else:
                required.append(full_key)
        else:
            config[full_key] = _engine_value(declaration)
    for key, value in stack_config.items():
        config[str(key)] = _engine_value(value)

    missing = [key for key in required if key not in config]
    if missing:
        raise ConfigFileError(
            f"Pulumi.{stack}.yaml: missing required configuration value(s): {', '.join(missing)}"
        )
    return project, config


def stack_names(project_dir: Path = PROJECT_DIR) -> list[str]:
    """The stacks of a project: one per `Pulumi.<stack>.yaml` beside `Pulumi.yaml`."""
    return sorted(
        path.name.removeprefix("Pulumi.").removesuffix(".yaml")
        for path in project_dir.glob("Pulumi.*.yaml")
    )
