"""Reads a Copilot workspace: `copilot/.workspace` (the application's name), each workload's
`copilot/<name>/manifest.yml`, each environment's `copilot/environments/<env>/manifest.yml`,
and what lies beside them (`addons/`, `overrides/`, `pipelines/`). Layout as Copilot writes it:
aws/copilot-cli internal/pkg/workspace/workspace.go."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML 1.2 booleans, as Copilot's parser (gopkg.in/yaml.v3) reads them: only true and
    false. PyYAML's YAML 1.1 would read a Scheduled Job's `on:` key as the boolean true. A key
    written twice in one mapping is refused, as yaml.v3 refuses it ("mapping key ... already
    defined"); PyYAML would keep the last silently."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"mapping key {key!r} already defined", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _TextLoader(_Loader):  # type: ignore[misc]
    """Every scalar as the text written, a null as None: what gopkg.in/yaml.v3 decodes into a
    Go string (a null leaves it ""). Copilot's variables are strings (aws/copilot-cli
    internal/pkg/manifest/workload_ecs.go `Variable`: a StringOrFromCFN, svc.go, whose Plain is
    a *string), so `1.10` stays 1.10 and `0755` stays 0755."""


def _scalar_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


for _tag in ("bool", "int", "float", "timestamp"):
    _TextLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _scalar_text)
LBWS, BACKEND, WORKER, JOB = (
    "Load Balanced Web Service",
    "Backend Service",
    "Worker Service",
    "Scheduled Job",
)
WORKLOAD_TYPES = (LBWS, BACKEND, WORKER, JOB)
# Copilot types this project has no counterpart for (App Runner, CloudFront + S3): reported.
OUT_OF_SCOPE = {
    "Request-Driven Web Service": "an App Runner service: this project runs ECS only; declare"
    " it as a routed service (services/<name>.yaml with port and routing)",
    "Static Site": "a CloudFront and S3 site: this project runs ECS only; keep the site in"
    " another tool or serve the files from a routed service",
}
MANIFEST = "manifest.yml"


class CopilotError(Exception):
    """A workspace that cannot be read: the message is one line naming the file."""


@dataclass(frozen=True)
class Manifest:
    """One manifest: its `name` (the folder's), Copilot `type`, `file` relative to the
    workspace root, parsed `body`, and the addon templates and overrides found beside it."""

    name: str
    type: str
    file: str
    body: dict[str, Any]
    addons: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()


@dataclass
class Workspace:
    """A whole workspace: `root` holds the `copilot/` folder."""

    root: Path
    app: str
    workloads: list[Manifest] = field(default_factory=list)
    environments: list[Manifest] = field(default_factory=list)
    environment_addons: tuple[str, ...] = ()
    environment_overrides: tuple[str, ...] = ()
    pipelines: tuple[str, ...] = ()


def read_workspace(path: Path) -> Workspace:
    """The workspace at `path` (the folder holding `copilot/`, or `copilot/` itself). Raises
    CopilotError naming the file: no workspace, invalid YAML, a manifest that is not a mapping,
    an unknown workload type."""
    copilot = path / "copilot" if (path / "copilot").is_dir() else path
    marker = copilot / ".workspace"
    root = copilot.parent
    if not marker.is_file():
        raise CopilotError(f"{marker}: no Copilot workspace here (copilot/.workspace is missing)")
    summary = _read(marker, root)
    app = summary.get("application")
    if not isinstance(app, str) or not app:
        raise CopilotError(f"{_rel(marker, root)}: application: expected the application's name")
    found = Workspace(root=root, app=app)
    for folder in sorted(p for p in copilot.iterdir() if p.is_dir()):
        if folder.name == "environments":
            _environments(folder, root, found)
        elif folder.name == "pipelines":
            found.pipelines = _files(folder, root, recursive=True)
        elif (folder / MANIFEST).is_file():
            found.workloads.append(_workload(folder, root))
    # The legacy pipeline and its buildspec (workspace.go `pipelineManifestLegacyPath`).
    legacy = [copilot / name for name in ("buildspec.yml", "pipeline.yml")]
    found.pipelines = (*(_rel(p, root) for p in legacy if p.is_file()), *found.pipelines)
    return found


def _environments(folder: Path, root: Path, found: Workspace) -> None:
    found.environment_addons = _files(folder / "addons", root)
    found.environment_overrides = _files(folder / "overrides", root, recursive=True)
    for env in sorted(p for p in folder.iterdir() if (p / MANIFEST).is_file()):
        body = _read(env / MANIFEST, root)
        kind = body.get("type", "Environment")
        if kind != "Environment":
            raise CopilotError(
                f"{_rel(env / MANIFEST, root)}: type: {kind!r} where an environment manifest"
                " has type Environment"
            )
        found.environments.append(
            Manifest(env.name, "Environment", _rel(env / MANIFEST, root), body)
        )


def _workload(folder: Path, root: Path) -> Manifest:
    file = folder / MANIFEST
    body = _read(file, root)
    texts = _read(file, root, _TextLoader)
    body = _variables_from(body, texts)
    if isinstance(body.get("environments"), dict) and isinstance(texts.get("environments"), dict):
        body["environments"] = {
            env: _variables_from(override, text)
            for env, override, text in _pairs(body["environments"], texts["environments"])
        }
    kind = body.get("type")
    if kind not in WORKLOAD_TYPES and kind not in OUT_OF_SCOPE:
        known = ", ".join([*WORKLOAD_TYPES, *OUT_OF_SCOPE])
        raise CopilotError(
            f"{_rel(file, root)}: type: unknown workload type {kind!r} (known: {known})"
        )
    return Manifest(
        folder.name,
        str(kind),
        _rel(file, root),
        body,
        _files(folder / "addons", root),
        _files(folder / "overrides", root, recursive=True),
    )


def _variables_from(body: Any, texts: Any) -> Any:
    """`body` (a workload's or an environment's override) with its `variables` and each
    sidecar's as `texts` reads them (values that are mappings, `from_cfn`, are the same)."""
    if not isinstance(body, dict) or not isinstance(texts, dict):
        return body
    out = dict(body)
    if isinstance(body.get("variables"), dict) and isinstance(texts.get("variables"), dict):
        out["variables"] = texts["variables"]
    if isinstance(body.get("sidecars"), dict) and isinstance(texts.get("sidecars"), dict):
        out["sidecars"] = {
            name: _variables_from(sidecar, text)
            for name, sidecar, text in _pairs(body["sidecars"], texts["sidecars"])
        }
    return out


def _pairs(typed: dict[Any, Any], texts: dict[Any, Any]) -> list[tuple[Any, Any, Any]]:
    """The entries of one mapping as both loaders read it: (key, value, text)."""
    if len(typed) == len(texts):  # the same nodes in the same order
        return [(k, v, t) for (k, v), t in zip(typed.items(), texts.values(), strict=True)]
    return [(k, v, texts.get(str(k))) for k, v in typed.items()]


def read_manifest(file: Path, root: Path) -> dict[str, Any]:
    """`file` parsed as Copilot parses it (YAML 1.2 booleans); CopilotError naming it (relative
    to `root`) when it is not a readable YAML mapping."""
    return _read(file, root)


def _read(file: Path, root: Path, loader: type[yaml.SafeLoader] = _Loader) -> dict[str, Any]:
    try:
        data = yaml.load(file.read_text(), Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise CopilotError(f"{_rel(file, root)}: not valid YAML: {problem}{where}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CopilotError(f"{_rel(file, root)}: cannot be read: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CopilotError(f"{_rel(file, root)}: expected a mapping at the top level")
    return data


def _files(folder: Path, root: Path, recursive: bool = False) -> tuple[str, ...]:
    if not folder.is_dir():
        return ()
    found = folder.rglob("*") if recursive else folder.iterdir()
    return tuple(sorted(_rel(p, root) for p in found if p.is_file()))


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
