"""Run the real program for one stack under Pulumi mocks and record what it registers.

Config is read from `Pulumi.yaml` (project defaults) and `Pulumi.<stack>.yaml` the way the engine
hands it to a program: `<namespace>:<key>` keys, scalars as strings, objects and lists as JSON.
One implementation, used by the tests, the offline plan and the benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import runpy
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import wait_for_rpcs

from offline.mocks import AwsMocks, RecordedResource, RecordingMonitor

PROJECT_DIR = Path(__file__).resolve().parent.parent


class ConfigFileError(Exception):
    """A stack or project file the engine itself would refuse."""


class SynthesisError(Exception):
    """The program raised; `cause` is its exception, `resources` what it registered before."""

    def __init__(self, cause: BaseException, resources: list[RecordedResource]) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.resources = resources


@dataclass
class Synthesis:
    stack: str
    resources: list[RecordedResource]
    outputs: dict[str, Any]
    invokes: list[tuple[str, dict[str, Any]]]
    secret_outputs: list[str] = field(default_factory=list)

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> RecordedResource:
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_)]
            raise LookupError(f"expected one {type_} named {name!r}, found {names}")
        return found[0]

    def by_urn(self, urn: str) -> RecordedResource | None:
        return next((r for r in self.resources if r.urn == urn), None)

    def ancestors(self, resource: RecordedResource) -> Iterator[RecordedResource]:
        current = self.by_urn(resource.parent)
        while current is not None:
            yield current
            current = self.by_urn(current.parent)

    def top_component(self, resource: RecordedResource) -> RecordedResource | None:
        """The outermost component a resource belongs to (itself, for a top-level component)."""
        chain = [resource, *self.ancestors(resource)]
        components = [r for r in chain if r.is_component]
        return components[-1] if components else None

    def count_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for resource in self.resources:
            counts[resource.type] = counts.get(resource.type, 0) + 1
        return dict(sorted(counts.items()))


SECRET_PLACEHOLDER = "[secret]"


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


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise ConfigFileError(f"{path.name}: no such stack file in {path.parent}") from None
    except yaml.YAMLError as error:
        raise ConfigFileError(f"{path.name}: not valid YAML: {error}") from None
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


def run_program(
    stack: str,
    *,
    project_dir: Path = PROJECT_DIR,
    stack_config: Mapping[str, Any] | None = None,
    mock_seed: str | None = None,
) -> Synthesis:
    """Run `__main__.py` for `stack` under mocks; raise SynthesisError if the program raises.

    `mock_seed` (default `<project>/<stack>`) seeds the mock ids: two stacks run with one seed
    get the same ids for the same logical resources, so they can be compared."""
    project, config = load_config(stack, project_dir, stack_config)
    region = config.get("aws:region") or "us-east-1"
    mocks = AwsMocks(region=region, seed=mock_seed or f"{project}/{stack}")
    monitor = RecordingMonitor(mocks)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    runtime_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(
        monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor
    )
    pulumi.runtime.set_all_config(config)
    sys.path.insert(0, str(project_dir))
    try:
        try:
            runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")
            loop.run_until_complete(wait_for_rpcs())
            root = runtime_settings.get_root_resource()
            exported = getattr(root, "outputs", {})
            outputs = loop.run_until_complete(pulumi.Output.from_input(exported).future())
            secret_outputs = loop.run_until_complete(_secret_keys(exported))
        except Exception as error:  # re-raised with what was registered
            _drain(loop)
            raise SynthesisError(error, list(monitor.recorded)) from error
    finally:
        sys.path.remove(str(project_dir))
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        monitor.close()
    return Synthesis(
        stack=stack,
        resources=list(monitor.recorded),
        outputs=dict(outputs or {}),
        invokes=list(mocks.invokes),
        secret_outputs=secret_outputs,
    )


async def _secret_keys(exported: Mapping[str, Any]) -> list[str]:
    """Stack outputs exported as secrets (their values must never be printed)."""
    return [
        key
        for key, value in exported.items()
        if isinstance(value, pulumi.Output) and await value.is_secret()
    ]


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    """Let the SDK's outstanding work finish (or fail) so no task outlives its loop."""
    with contextlib.suppress(Exception):  # the program's own error is the one reported
        loop.run_until_complete(wait_for_rpcs())
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
