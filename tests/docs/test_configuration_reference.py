"""The configuration reference is navigable: one page per section, an anchor per key, and the one
anchor rule (reference/configuration.py `anchor`) takes any key path a problem names to a heading
that exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from reference import configuration as ref
from reference.pages import GENERATED, REFERENCE_DIR
from settings.loader import SettingsError, parse_settings
from settings.platform import PlatformConfig
from settings.stack_files import load_config, read_stack_config

from conftest import FIXTURES

HEADING_ID = re.compile(r"^#{1,6} .*\{#([\w-]+)\}$", re.M)
DOCS = REFERENCE_DIR.parent


def ids_on(page: str) -> list[str]:
    """The explicit heading anchors of a page under docs/."""
    return HEADING_ID.findall((DOCS / page).read_text())


def target_exists(link: str) -> bool:
    page, _, fragment = link.partition("#")
    if not (DOCS / page).is_file():
        return False
    return not fragment or fragment in ids_on(page)


def test_every_top_level_section_has_its_page() -> None:
    models = [
        field.alias or name
        for name, field in PlatformConfig.model_fields.items()
        if ref.model_in(field.annotation) is not None
    ]
    assert ref.sections() == models
    assert {"network", "services", "loadBalancer", "alarms", "quotas"} <= set(models)
    for section in models:
        assert (DOCS / ref.page_of(section)).is_file()


def test_every_key_has_one_anchor_on_its_page() -> None:
    every = list(ref.all_keys())
    assert len(every) > 250  # the whole tree, not the top level
    for page in {ref.page_of(key.path[0]) for key in every}:
        ids = ids_on(page)
        assert len(ids) == len(set(ids)), f"{page}: an anchor twice"
    for key in every:
        link = ref.anchor(key.dotted)
        assert target_exists(link), link


@pytest.mark.parametrize(
    ("path", "link"),
    [
        (
            "services.api.deployment.canary.percent",
            "reference/configuration/services.md#services-deployment-canary-percent",
        ),
        (
            "ecs-platform:network.availabilityZones[1]",
            "reference/configuration/network.md#network-availabilityzones",
        ),
        (
            "cluster.ec2Pools[0].minSize",
            "reference/configuration/cluster.md#cluster-ec2pools-minsize",
        ),
        ("alarms.custom.orders-errors", "reference/configuration/alarms.md#alarms-custom"),
        ("tags.CostCenter", "reference/configuration.md#tags"),
        ("tier", "reference/configuration.md#tier"),
        ("aws:region", "reference/configuration.md#aws-region"),
        ("network", "reference/configuration/network.md"),
        # a typo links to the key around it; an unknown section to the overview
        ("network.cidrr", "reference/configuration/network.md"),
        (
            "services.api.deployment.canery",
            "reference/configuration/services.md#services-deployment",
        ),
        ("netwerk.cidr", "reference/configuration.md"),
        ("(stack name)", "reference/configuration.md"),
    ],
)
def test_the_anchor_rule(path: str, link: str) -> None:
    assert ref.anchor(path) == link
    assert target_exists(link)


def _leaves(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, f"{path}[{index}]")
    else:
        yield path


@pytest.mark.parametrize("stack", ["dev", "prod", "maximal"])
def test_every_key_a_fixture_sets_links_to_its_own_heading(stack: str) -> None:
    config = read_stack_config(stack, FIXTURES)
    paths = [
        leaf
        for key, value in config.items()
        if key.startswith(ref.NAMESPACE)
        for leaf in _leaves(value, key)
    ]
    assert paths
    for path in paths:
        documented, complete = ref.documented_key(path)
        # free-form maps (tags, environment, secrets) end at the map's own key
        assert complete or ref.is_mapping_field(_field(documented).annotation), path
        assert target_exists(ref.anchor(path)), path


def _field(path: tuple[str, ...]) -> Any:
    field = None
    for key in ref.all_keys():
        if key.path == path:
            field = key.field
    assert field is not None, path
    return field


def test_every_problem_of_a_bad_stack_file_links_to_its_key() -> None:
    config = read_stack_config("prod", FIXTURES)
    network = config["ecs-platform:network"]
    network["natGateways"] = "two"
    network["availabilityZones"] = ["eu-west-1a", 5]
    config["ecs-platform:services"]["api"]["deployment"] = {"strategy": "canary", "canery": {}}
    config["ecs-platform:services"]["api"]["cpu"] = "lots"
    project, flat = load_config("prod", stack_config=config)
    with pytest.raises(SettingsError) as refused:
        parse_settings(flat, project=project, stack="prod")
    problems = refused.value.problems
    assert len(problems) >= 4
    for problem in problems:
        link = ref.anchor(problem.path)
        assert "#" in link and target_exists(link), (problem.path, link)


def test_section_pages_have_an_example_and_a_contents_entry_per_key() -> None:
    for section in ref.sections():
        text = (DOCS / ref.page_of(section)).read_text()
        assert text.startswith(f"# {section}\n\n{GENERATED}")
        assert "<!-- example: " in text and "```yaml\nconfig:\n" in text
        assert len(ids_on(ref.page_of(section))) == len(
            [k for k in ref.all_keys() if k.path[0] == section and k.depth > 0]
        )
