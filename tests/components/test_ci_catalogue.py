"""The CI roles cover what the program registers: every resource type (and data source) of every
fixture has a catalogue entry, and the synthesized roles grant each of its actions on its ARNs
(preview and drift: reads; deploy: reads and writes). A new type without an entry fails here
with its name."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

import pytest
from ci_fixtures import FIXTURE_NAMES, role_statements, synthesized

from components.common import ci_catalogue
from components.common.ci_catalogue import (
    CATALOGUE,
    DATA_CLASSES,
    INVOKES,
    REMOTE_COMPONENT_CHILDREN,
    REMOTE_COMPONENT_INVOKES,
    Entry,
    Holds,
)
from components.common.ci_policies import render
from components.common.naming import Naming
from harness.records import Synthesis
from review.iam_reference import decide
from settings.stack_files import PROJECT_DIR

ACCOUNT = "123456789012"
OWN_COMPONENTS = "ecs-platform:"  # the program's own components: their children are checked


def registered(synthesis: Synthesis) -> tuple[set[str], set[str]]:
    """(resource types, invoke tokens) the stack uses, remote components expanded to what
    they create (awsx's VPC: its subnets, route tables, routes, gateways, EIPs)."""
    types: set[str] = set()
    invokes = {token for token, _ in synthesis.invokes}
    for resource in synthesis.resources:
        if resource.type.startswith(OWN_COMPONENTS):
            continue
        if resource.type in REMOTE_COMPONENT_CHILDREN:
            types.update(REMOTE_COMPONENT_CHILDREN[resource.type])
            invokes.update(REMOTE_COMPONENT_INVOKES.get(resource.type, ()))
            continue
        types.add(resource.type)
    return types, invokes


def missing_entries(
    types: Iterable[str], catalogue: dict[str, Entry] | dict[str, Holds]
) -> list[str]:
    return sorted(t for t in types if t not in catalogue)


def planned_types(synthesis: Synthesis) -> set[str]:
    """What the plan diff sees: the registered types and the remote components as themselves."""
    types, _ = registered(synthesis)
    return types | {r.type for r in synthesis.resources if r.type in REMOTE_COMPONENT_CHILDREN}


def naming_of(synthesis: Synthesis) -> Naming:
    role = synthesis.one("aws:iam/role:Role", "ci-preview").inputs["name"]
    prefix = role.removesuffix("-ci-preview")
    project, stack = "ecs-platform", prefix.removeprefix("ecs-platform-")
    naming = Naming(project=project, stack=stack)
    assert naming.prefix == prefix
    return naming


def ungranted(
    synthesis: Synthesis, part: str, entries: dict[str, Entry], *, writes: bool
) -> list[str]:
    statements = role_statements(synthesis, part)
    naming = naming_of(synthesis)
    region = synthesis.outputs["region"]
    gaps = []
    for token, entry in sorted(entries.items()):
        for grant in [*entry.read, *(entry.write if writes else ())]:
            for template in grant.resources:
                resource = render(template, ACCOUNT, region, naming)
                gaps += [
                    f"{token}: {action} on {resource}"
                    for action in grant.actions
                    if not decide(statements, action, resource)
                ]
    return gaps


@pytest.fixture(params=FIXTURE_NAMES)
def fixture(request: pytest.FixtureRequest) -> Synthesis:
    return synthesized(request.param)


def test_every_registered_type_and_data_source_has_a_catalogue_entry(fixture):
    types, invokes = registered(fixture)
    assert types and invokes
    unknown_components = [t for t in types if not t.startswith("aws:")]
    assert unknown_components == [], "a component type: expand it in REMOTE_COMPONENT_CHILDREN"
    assert missing_entries(types, CATALOGUE) == []
    assert missing_entries(invokes, INVOKES) == []


def test_every_registered_type_has_its_data_classification(fixture):
    assert missing_entries(planned_types(fixture), DATA_CLASSES) == []


def test_a_removed_classification_fails_naming_its_type(fixture):
    without = {k: v for k, v in DATA_CLASSES.items() if k != "aws:sqs/queue:Queue"}
    missing = missing_entries(planned_types(fixture), without)
    has_queues = any(r.type == "aws:sqs/queue:Queue" for r in fixture.resources)
    assert missing == (["aws:sqs/queue:Queue"] if has_queues else [])
    without = {k: v for k, v in DATA_CLASSES.items() if k != "aws:kms/alias:Alias"}
    assert missing_entries(planned_types(fixture), without) == ["aws:kms/alias:Alias"]


def test_the_classification_covers_every_catalogue_entry_and_what_later_features_add():
    later = {"aws:efs/fileSystem:FileSystem", "aws:secretsmanager/secret:Secret"}
    assert missing_entries([*CATALOGUE, *later, *REMOTE_COMPONENT_CHILDREN], DATA_CLASSES) == []
    assert {DATA_CLASSES[t].kind for t in later} == {"data"}
    kinds = {t: h.kind for t, h in DATA_CLASSES.items()}
    assert kinds["aws:sqs/queue:Queue"] == "data"
    assert kinds["aws:iam/role:Role"] == "identity"
    assert all(h.what for h in DATA_CLASSES.values() if h.kind != "neither")


def test_a_removed_entry_fails_naming_its_type(fixture):
    types, _ = registered(fixture)
    without = {k: v for k, v in CATALOGUE.items() if k != "aws:kms/alias:Alias"}
    assert missing_entries(types, without) == ["aws:kms/alias:Alias"]


@pytest.mark.parametrize("part", ["preview", "drift"])
def test_the_read_only_roles_can_refresh_every_type(fixture, part):
    types, invokes = registered(fixture)
    used = {t: CATALOGUE[t] for t in types} | {t: INVOKES[t] for t in invokes}
    assert ungranted(fixture, part, used, writes=False) == []


def test_the_deploy_role_can_create_update_and_delete_every_type(fixture):
    types, invokes = registered(fixture)
    used = {t: CATALOGUE[t] for t in types} | {t: INVOKES[t] for t in invokes}
    assert ungranted(fixture, "deploy", used, writes=True) == []


def test_the_roles_cover_the_whole_catalogue_including_types_other_features_add(fixture):
    everything = {**CATALOGUE, **INVOKES}
    assert ungranted(fixture, "preview", everything, writes=False) == []
    assert ungranted(fixture, "deploy", everything, writes=True) == []


def test_a_grant_missing_from_the_role_is_found(fixture):
    extra = {"x": Entry("test", (ci_catalogue.Grant(("kms:GetParametersForImport",)),))}
    assert ungranted(fixture, "preview", extra, writes=False) == [
        "x: kms:GetParametersForImport on *"
    ]


def test_the_failures_named_in_the_review_are_granted(fixture):
    naming = naming_of(fixture)
    region = fixture.outputs["region"]
    groups = render(ci_catalogue.base.AUTO_SCALING_GROUPS, ACCOUNT, region, naming)
    group = groups.replace(":*:", ":0b1c:").replace(f"{naming.prefix}-*", f"{naming.prefix}-g")
    preview = role_statements(fixture, "preview")
    deploy = role_statements(fixture, "deploy")
    assert decide(preview, "kms:ListAliases", "*")
    for action in ("StartInstanceRefresh", "CancelInstanceRefresh", "EnableMetricsCollection"):
        assert decide(deploy, f"autoscaling:{action}", group), action
    assert not decide(preview, "autoscaling:StartInstanceRefresh", group)


def constructed_types() -> set[str]:
    """Every `aws.<module>.<Class>(...)` the program's source constructs, as a type token."""
    found: set[str] = set()
    for path in [PROJECT_DIR / "__main__.py", *(PROJECT_DIR / "components").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            func = node.func if isinstance(node, ast.Call) else None
            if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Attribute):
                continue
            module = func.value
            if isinstance(module.value, ast.Name) and module.value.id == "aws":
                name = func.attr
                if re.fullmatch(r"[A-Z]\w*", name) and not name.endswith("Args"):
                    found.add(f"aws:{module.attr}/{name[0].lower()}{name[1:]}:{name}")
    return found


def test_every_resource_class_in_the_source_has_an_entry_even_if_no_fixture_uses_it():
    constructed = constructed_types()
    assert "aws:ecr/repositoryPolicy:RepositoryPolicy" in constructed
    assert missing_entries(constructed, CATALOGUE) == []
