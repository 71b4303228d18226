"""The configuration reference, generated from the settings models (one source of truth):
docs/reference/configuration.md (the overview: sections, top-level keys) and one page per
top-level section, docs/reference/configuration/<section>.md, with a heading and an anchor per
key, written by `ecs-platform reference --write`.

`anchor(key_path)` is the one rule from a key path, as the settings' problems name it
(`services.api.deployment.canary.percent`, `network.availabilityZones[1]`), to the place that
documents it (`reference/configuration/services.md#services-deployment-canary-percent`), for
error messages and `config --explain` to link to.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from settings.platform import PlatformConfig
from settings.stack_files import read_stack_config
from settings.types import is_mapping_field, model_in

PROJECT_DIR = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_DIR / "tests" / "fixtures"
OVERVIEW = "reference/configuration.md"
NAMESPACE = "ecs-platform:"
NAME = "<name>"  # a user's name in a map of settings (`services.<name>`)
# Keys outside the namespace that the program reads (documented on the overview page).
OUTSIDE = {
    "aws:region": "The stack's AWS region (required), e.g. `eu-west-1`.",
    "aws:defaultTags": "Tags the AWS provider puts on every resource, besides the platform's.",
}
# Where a section's example comes from: the first of these fixtures that sets it.
EXAMPLE_FIXTURES = ("maximal", "prod", "dev", "jobs")


@dataclass(frozen=True)
class Key:
    """One key of the stack file: its path (`<name>` for a user's name) and its field."""

    path: tuple[str, ...]
    field: FieldInfo

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    @property
    def depth(self) -> int:
        """Levels below its section (0: the section itself)."""
        return len([part for part in self.path if part != NAME]) - 1

    @property
    def anchor_id(self) -> str:
        return anchor_id(self.path)


def anchor_id(path: tuple[str, ...] | list[str]) -> str:
    """("services", "<name>", "deployment") -> "services-deployment"."""
    return "-".join(part.lower() for part in path if part != NAME)


def _name(name: str, field: FieldInfo) -> str:
    return field.alias or name


def all_keys(
    model: type[BaseModel] = PlatformConfig, prefix: tuple[str, ...] = ()
) -> Iterator[Key]:
    """Every key, depth first: a key, then the keys inside it."""
    for name, field in model.model_fields.items():
        key = Key((*prefix, _name(name, field)), field)
        yield key
        inner = model_in(field.annotation)
        if inner is not None:
            inner_prefix = (*key.path, NAME) if is_mapping_field(field.annotation) else key.path
            yield from all_keys(inner, inner_prefix)


def sections() -> list[str]:
    """The top-level keys that hold settings of their own: one page each, in the model's order."""
    return [
        _name(name, field)
        for name, field in PlatformConfig.model_fields.items()
        if model_in(field.annotation) is not None
    ]


def page_of(section: str) -> str:
    return f"reference/configuration/{section}.md" if section in sections() else OVERVIEW


def documented_key(key_path: str) -> tuple[tuple[str, ...], bool]:
    """(the documented key a path names, whether every part of the path was known). User names
    become `<name>`, list indexes go, and an unknown part ends the key at its parent (a typo
    links to the key around it)."""
    parts = [re.sub(r"\[[^\]]*\]", "", p) for p in key_path.removeprefix(NAMESPACE).split(".")]
    parts = [p for p in parts if p]
    found: list[str] = []
    model: type[BaseModel] | None = PlatformConfig
    names_next = False
    for part in parts:
        if names_next:
            found.append(NAME)
            names_next = False
            continue
        fields = {_name(n, f): f for n, f in model.model_fields.items()} if model else {}
        field = fields.get(part)
        if field is None:
            break
        found.append(part)
        names_next = is_mapping_field(field.annotation)
        model = model_in(field.annotation)
    complete = len(found) == len(parts)
    if found and found[-1] == NAME:
        found.pop()
    return tuple(found), complete


def anchor(key_path: str) -> str:
    """Where a key is documented: `<page>.md#<anchor>`, relative to docs/.

    `key_path` as a problem names it, with or without the `ecs-platform:` prefix: list indexes
    (`[1]`) are dropped and a user's name (`services.api`) stands for `<name>`, so
    `services.api.deployment.canary.percent` gives
    `reference/configuration/services.md#services-deployment-canary-percent`. A section gives
    its page; `aws:region` and `aws:defaultTags` are on the overview page. An unknown key gives
    its nearest documented parent; an unknown section gives the overview page."""
    if key_path in OUTSIDE:
        return f"{OVERVIEW}#{anchor_id(re.split(r'[:.]', key_path))}"
    path, _ = documented_key(key_path)
    if not path:
        return OVERVIEW
    page = page_of(path[0])
    return page if len(path) == 1 and page != OVERVIEW else f"{page}#{anchor_id(path)}"


# -- rendering ----------------------------------------------------------------------------
def type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in arguments)
    if origin is typing.Annotated:
        return type_name(arguments[0])
    if origin in (list, tuple):
        return f"list of {type_name(arguments[0])}"
    if origin is dict:
        return f"map of {type_name(arguments[1])}"
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return " or ".join(type_name(a) for a in arguments if a is not type(None))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "object"
    return getattr(annotation, "__name__", str(annotation))


def default_text(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "see the keys inside"
    if value in (None, PydanticUndefined):
        return "none"
    return f"`{value}`".replace("'", '"')


def key_block(key: Key, level: int) -> list[str]:
    """A key's heading (its own anchor), its facts line and its description."""
    heading = "#" * min(level, 6)
    facts = f"`{key.dotted}` · {type_name(key.field.annotation)} · {default_text(key.field)}"
    lines = [f"{heading} {key.path[-1]} {{#{key.anchor_id}}}", "", facts, "{: .key-facts }", ""]
    if key.field.description:
        lines += [" ".join(key.field.description.split()), ""]
    return lines


def _example_config(section: str) -> tuple[str, dict[str, Any]]:
    """(fixture, `config:` holding the section) from the first fixture that sets it; for a map
    of settings its first entry. A section no fixture sets shows its defaults, written out."""
    key = f"{NAMESPACE}{section}"
    for fixture in EXAMPLE_FIXTURES:
        value = read_stack_config(fixture, FIXTURES).get(key)
        if value:
            if isinstance(value, dict) and is_mapping_field(_field(section).annotation):
                first = next(iter(value))
                value = {first: value[first]}
            return fixture, {key: value}
    if _field(section).examples:  # a section no fixture can carry (e.g. dated entries)
        return EXAMPLE_FIXTURES[0], {key: _field(section).examples[0]}
    model = model_in(_field(section).annotation)
    assert model is not None
    return EXAMPLE_FIXTURES[0], {key: model().model_dump(by_alias=True, mode="json")}


def _field(section: str) -> FieldInfo:
    return next(f for n, f in PlatformConfig.model_fields.items() if _name(n, f) == section)


class _ExampleDumper(yaml.SafeDumper):
    """Mappings as blocks, a list of plain values on one line (`[a, b]`), as stack files do."""

    def represent_list(self, data: list[Any]) -> yaml.Node:  # type: ignore[override]
        flat = all(not isinstance(item, dict | list) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key


_ExampleDumper.add_representer(list, _ExampleDumper.represent_list)


def example_block(fixture: str, config: dict[str, Any]) -> list[str]:
    body = yaml.dump(
        {"config": config},
        Dumper=_ExampleDumper,
        sort_keys=False,
        default_flow_style=False,
        width=1000,
    )
    return [f"<!-- example: {fixture} -->", "```yaml", body.rstrip(), "```", ""]


def section_page(section: str, generated: str) -> str:
    section_keys = [k for k in all_keys() if k.path[0] == section]
    top = section_keys[0]
    fixture, config = _example_config(section)
    if read_stack_config(fixture, FIXTURES).get(f"{NAMESPACE}{section}"):
        source = f"from the `{fixture}` fixture (`tests/fixtures/Pulumi.{fixture}.yaml`)"
    elif _field(section).examples:
        source = f"an example (no fixture sets `{section}`), checked on the `{fixture}` fixture"
    else:
        source = f"every key at its default (no fixture sets `{section}`)"
    inside = f"{section}.{NAME}" if is_mapping_field(top.field.annotation) else section
    lines = [
        f"# {section}",
        "",
        generated,
        "",
        " ".join((top.field.description or "").split()),
        f"Type: {type_name(top.field.annotation)}; default: {default_text(top.field)}.",
        f"Every key below sits under `{inside}` in the `{NAMESPACE}` namespace of a stack file.",
        "",
        f"Example, {source}:",
        "",
        *example_block(fixture, config),
    ]
    for key in section_keys[1:]:
        lines += key_block(key, key.depth + 1)
    return "\n".join(lines)


def overview_page(generated: str) -> str:
    """The overview: each section (its page, its description, a link per key directly inside
    it), then the top-level keys and the keys outside the namespace, each with its anchor."""
    top_keys = [k for k in all_keys() if len(k.path) == 1]
    lines = [
        "# Configuration reference",
        "",
        generated,
        "",
        "Every key a stack file may set under the `ecs-platform:` namespace, generated from the",
        "settings models in `settings/`: one page per section below, with a heading and an",
        "anchor per key (the page's contents list them all), and the top-level keys on this",
        "page. A problem the settings report names the key path; its anchor is the path's parts",
        "joined by `-` without the names you chose: `services.api.deployment.canary.percent` is",
        "[`services-deployment-canary-percent`](configuration/services.md#services-deployment-canary-percent).",
        "",
    ]
    for key in top_keys:
        name = key.path[0]
        if name not in sections():
            continue
        inner = [k for k in all_keys() if k.path[0] == name and k.depth == 1]
        links = ", ".join(f"[{k.path[-1]}](configuration/{name}.md#{k.anchor_id})" for k in inner)
        lines += [
            f"## [{name}](configuration/{name}.md) {{#{key.anchor_id}}}",
            "",
            f"{_cell(key)} Keys: {links}.",
            "",
        ]
    lines += [
        "## Top-level keys {#top-level-keys}",
        "",
        "Example, from the `maximal` fixture:",
        "",
        *example_block(EXAMPLE_FIXTURES[0], _top_level_example()),
    ]
    for key in top_keys:
        if key.path[0] not in sections():
            lines += key_block(key, 3)
    lines += ["## Outside the namespace {#outside-the-namespace}", ""]
    for name, text in OUTSIDE.items():
        lines += [f"### {name} {{#{anchor_id(re.split(r'[:.]', name))}}}", "", text, ""]
    return "\n".join(lines)


def _top_level_example() -> dict[str, Any]:
    config = read_stack_config(EXAMPLE_FIXTURES[0], FIXTURES)
    names = ["aws:region", *(f"{NAMESPACE}{k.path[0]}" for k in all_keys() if len(k.path) == 1)]
    return {
        name: config[name]
        for name in names
        if name in config and name.removeprefix(NAMESPACE) not in sections()
    }


def _cell(key: Key) -> str:
    return " ".join((key.field.description or "").split()).replace("|", "\\|")


def pages(generated: str) -> dict[str, Callable[[], str]]:
    """Page name under docs/reference/ -> its renderer."""
    found: dict[str, Callable[[], str]] = {"configuration.md": lambda: overview_page(generated)}
    for section in sections():
        found[f"configuration/{section}.md"] = lambda s=section: section_page(s, generated)
    return found
