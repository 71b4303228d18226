"""Set or promote a service's image digest in a stack file, keeping its comments and layout.

    ecs-platform release api --stack dev --digest sha256:<64 hex>
    ecs-platform promote api --from dev --to prod

Edits `ecs-platform:services.<service>.image` in `Pulumi.<stack>.yaml`: the digest replaces the
tag (the settings accept exactly one of them). A service declared in its own file,
`services/<service>.yaml`, gets the digest for that stack only: `environments.<stack>.image`
with `digest:` and `tag: null` (null removes the file's tag for that stack). Refuses unknown
services, malformed digests and images given as a full `uri` from another registry. Exit
status 2 on a refused input.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

PROJECT = "ecs-platform"
DIGEST_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
PROJECT_DIR = Path(__file__).resolve().parent.parent


class ReleaseError(Exception):
    """An input the release refuses; the message says which and why."""


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, key order, flow style and quotes survive
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long lines such as ARNs
    yaml.indent(mapping=2, sequence=4, offset=2)
    # `null` as written (ruamel writes an empty value): null removes a key in environments.
    yaml.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def check_name(kind: str, value: str) -> str:
    if not NAME_PATTERN.fullmatch(value):
        raise ReleaseError(f"{kind} {value!r} is not a valid name (lowercase letters, digits, -)")
    return value


def check_digest(digest: str) -> str:
    if not DIGEST_PATTERN.fullmatch(digest):
        raise ReleaseError(f"digest {digest!r} is not sha256: followed by 64 lowercase hex digits")
    return digest


def stack_file(stack: str, project_dir: Path = PROJECT_DIR) -> Path:
    path = project_dir / f"Pulumi.{check_name('stack', stack)}.yaml"
    if not path.is_file():
        raise ReleaseError(f"no stack file {path.name} in {project_dir}")
    return path


def _image(document: Any, service: str, file_name: str) -> CommentedMap:
    services = (document.get("config") or {}).get(f"{PROJECT}:services") or {}
    if service not in services:
        known = ", ".join(services) or "none"
        raise ReleaseError(f"{file_name}: unknown service {service!r} (declared: {known})")
    image = services[service].get("image")
    if not isinstance(image, CommentedMap):
        raise ReleaseError(f"{file_name}: services.{service}.image is not a mapping")
    if image.get("uri") is not None:
        raise ReleaseError(
            f"{file_name}: services.{service}.image is a full uri from another registry;"
            " releases set digests of this stack's own repositories only"
        )
    if image.get("repository") is None:
        raise ReleaseError(f"{file_name}: services.{service}.image has no repository")
    return image


def _load(text: str) -> Any:
    return _yaml().load(text)


def _dump(document: Any) -> str:
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue()


def read_image(text: str, service: str, file_name: str) -> dict[str, Any]:
    """The service's image settings (repository, tag, digest) from a stack file's text."""
    return dict(_image(_load(text), service, file_name))


def set_digest(text: str, service: str, digest: str, file_name: str) -> str:
    """The stack file's text with the service's image pinned to `digest` (the tag removed)."""
    check_digest(digest)
    document = _load(text)
    image = _image(document, service, file_name)
    keys = list(image)
    position = keys.index("tag") if "tag" in image else len(keys)
    image.pop("tag", None)
    image.pop("digest", None)
    image.insert(min(position, len(image)), "digest", digest)
    return _dump(document)


def promoted(from_text: str, to_text: str, service: str, names: tuple[str, str]) -> str:
    """`to_text` with the service pinned to the digest it has in `from_text`."""
    source = read_image(from_text, service, names[0])
    target = read_image(to_text, service, names[1])
    if source.get("digest") is None:
        raise ReleaseError(
            f"{names[0]}: services.{service}.image has no digest to promote (it deploys a tag);"
            " release a digest there first"
        )
    if source["repository"] != target["repository"]:
        raise ReleaseError(
            f"services.{service}.image.repository differs: {source['repository']!r} in"
            f" {names[0]}, {target['repository']!r} in {names[1]}"
        )
    return set_digest(to_text, service, str(source["digest"]), names[1])


def _service_file(stack_path: Path, service: str, project_dir: Path) -> Path | None:
    """`services/<service>.yaml` when the service is declared there (not in the stack file)."""
    services = (_load(stack_path.read_text()).get("config") or {}).get(f"{PROJECT}:services")
    path = project_dir / "services" / f"{service}.yaml"
    return path if path.is_file() and service not in (services or {}) else None


def workload_image(text: str, stack: str, file_name: str) -> dict[str, Any]:
    """A service file's image for `stack`: its `image` with `environments.<stack>.image`
    merged in (a null removes a key)."""
    document = _load(text)
    base = document.get("image")
    if not isinstance(base, CommentedMap):
        raise ReleaseError(f"{file_name}: image is not a mapping")
    stacks = document.get("stacks")
    if isinstance(stacks, list) and stack not in stacks:
        raise ReleaseError(f"{file_name}: the service does not run in {stack} (stacks)")
    override = ((document.get("environments") or {}).get(stack) or {}).get("image") or {}
    merged = {**base, **override}
    return {key: value for key, value in merged.items() if value is not None}


def set_workload_digest(text: str, stack: str, digest: str, file_name: str) -> str:
    """The service file's text with `environments.<stack>.image` pinned to `digest`."""
    check_digest(digest)
    image = workload_image(text, stack, file_name)
    if image.get("uri") is not None or image.get("repository") is None:
        raise ReleaseError(
            f"{file_name}: image has no repository of this stack (a full uri from another"
            " registry?); releases set digests of this stack's own repositories only"
        )
    document = _load(text)
    environments = document.setdefault("environments", CommentedMap())
    if environments.get(stack) is None:
        environments[stack] = CommentedMap()
    override = environments[stack].setdefault("image", CommentedMap())
    override["digest"] = digest
    if "tag" in document["image"] or "tag" in override:
        override["tag"] = None
    return _dump(document)


def declared_services(stack: str, project_dir: Path = PROJECT_DIR) -> list[str]:
    """The services of `stack`: its stack file's and those of services/<name>.yaml that run in
    it (a file's `stacks`, when it has one, lists the stacks it runs in)."""
    path = stack_file(stack, project_dir)
    found = set((_load(path.read_text()).get("config") or {}).get(f"{PROJECT}:services") or {})
    for workload in sorted((project_dir / "services").glob("*.yaml")):
        document = _load(workload.read_text())
        stacks = document.get("stacks") if isinstance(document, dict) else None
        if not isinstance(stacks, list) or stack in stacks:
            found.add(workload.stem)
    return sorted(found)


def _check_declared(stack: str, service: str, project_dir: Path) -> None:
    known = declared_services(stack, project_dir)
    if service not in known:
        raise ReleaseError(
            f"stack {stack}: unknown service {service!r} (declared in Pulumi.{stack}.yaml or"
            f" services/: {', '.join(known) or 'none'})"
        )


def pinned_key(path: Path, service: str, stack: str) -> str:
    """The key a release wrote in `path`: the stack file's `services.<service>.image`, or the
    service file's `environments.<stack>.image`."""
    if path.name.startswith("Pulumi."):
        return f"services.{service}.image"
    return f"environments.{stack}.image"


def released_text(
    stack: str, service: str, digest: str, project_dir: Path = PROJECT_DIR
) -> tuple[Path, str]:
    """(the file to change, its new text) pinning `service` to `digest` in `stack`; nothing is
    written (ReleaseError on a refused input)."""
    path = stack_file(stack, project_dir)
    check_name("service", service)
    check_digest(digest)
    _check_declared(stack, service, project_dir)
    workload = _service_file(path, service, project_dir)
    if workload is not None:
        name = f"services/{workload.name}"
        return workload, set_workload_digest(workload.read_text(), stack, digest, name)
    return path, set_digest(path.read_text(), service, digest, path.name)


def release(stack: str, service: str, digest: str, project_dir: Path = PROJECT_DIR) -> Path:
    """Pin `service` to `digest` in `stack`; returns the file it changed."""
    path, text = released_text(stack, service, digest, project_dir)
    path.write_text(text)
    return path


def promote(service: str, source: str, target: str, project_dir: Path = PROJECT_DIR) -> Path:
    """Copy `service`'s digest in `source` to `target`; returns the file it changed."""
    if source == target:
        raise ReleaseError("promote needs two different stacks")
    source_path, target_path = stack_file(source, project_dir), stack_file(target, project_dir)
    check_name("service", service)
    _check_declared(source, service, project_dir)
    _check_declared(target, service, project_dir)
    workload = _service_file(target_path, service, project_dir)
    if workload is None:
        names = (source_path.name, target_path.name)
        text = promoted(source_path.read_text(), target_path.read_text(), service, names)
        target_path.write_text(text)
        return target_path
    name = f"services/{workload.name}"
    text = workload.read_text()
    image = workload_image(text, source, name)
    if image.get("digest") is None:
        raise ReleaseError(
            f"{name}: the image of {source} has no digest to promote (it deploys a tag);"
            " release a digest there first"
        )
    if image.get("repository") != workload_image(text, target, name).get("repository"):
        raise ReleaseError(f"{name}: image.repository differs between {source} and {target}")
    workload.write_text(set_workload_digest(text, target, str(image["digest"]), name))
    return workload
