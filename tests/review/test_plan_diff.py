"""Plan diff and risk flags on real recorded resource sets: the stack file changed in the test."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from harness.engine import run_program
from harness.records import SECRET_SIG, SECRET_SIG_KEY, RecordedResource, Synthesis, as_document
from review.diff import Change, Diff, compare, diff_resources
from review.risks import Risk, assess, cost_risk
from settings.stack_files import read_stack_config

from conftest import FIXTURES

Edit = Callable[[dict[str, Any]], Any]


def changed(stack: str, edit: Edit) -> Synthesis:
    config = copy.deepcopy(read_stack_config(stack, FIXTURES))
    edit(config)
    return run_program(stack, stack_config=config)


def diff_of(synthesized, stack: str, edit: Edit) -> Diff:
    return diff_resources(synthesized(stack).resources, changed(stack, edit).resources)


def change_named(diff: Diff, type_suffix: str, name: str) -> Change:
    found = [c for c in diff.changes if c.type.endswith(type_suffix) and c.name == name]
    assert len(found) == 1, [(c.type, c.name) for c in diff.changes]
    return found[0]


def risks_of(diff: Diff, tier: str) -> list[Risk]:
    return assess(diff.changes, tier)


def codes(risks: list[Risk]) -> set[str]:
    return {risk.code for risk in risks}


def resource(type_: str, name: str, inputs: dict[str, Any]) -> RecordedResource:
    urn = f"urn:pulumi:s::p::{type_}::{name}"
    return RecordedResource(urn, type_, name, "", True, False, None, inputs, {})


def test_same_stack_twice_is_no_change(synthesized) -> None:
    first = synthesized("dev")
    diff = diff_resources(
        first.resources,
        run_program("dev", stack_config=read_stack_config("dev", FIXTURES)).resources,
    )
    assert diff.changes == []
    assert diff.same == sum(1 for r in first.resources if r.custom or r.remote)


def test_update_names_the_changed_path_and_does_not_replace(synthesized) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["ecs-platform:services"]["api"]["logRetentionDays"] = 30

    diff = diff_of(synthesized, "dev", edit)
    logs = change_named(diff, "LogGroup", "api-logs")
    assert logs.action == "update"
    assert [(p.path, p.old, p.new, p.replaces) for p in logs.properties] == [
        ("retentionInDays", 14, 30, False)
    ]
    assert not {"stateful-replace", "stateful-delete"} & codes(risks_of(diff, "development"))


def test_image_change_replaces_the_task_definition_with_a_nested_path(synthesized) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["ecs-platform:services"]["api"]["image"]["tag"] = "v2"

    diff = diff_of(synthesized, "dev", edit)
    task = change_named(diff, "TaskDefinition", "api-task")
    assert task.action == "replace"
    image = next(p for p in task.properties if p.path == "containerDefinitions[0].image")
    assert image.old.endswith("/api:latest") and image.new.endswith("/api:v2")
    assert image.replaces


def test_vpc_cidr_change_replaces_the_vpc_and_flags_it(synthesized) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["ecs-platform:network"]["cidr"] = "10.11.0.0/16"

    diff = diff_of(synthesized, "dev", edit)
    vpc = change_named(diff, "Vpc", "network-vpc")
    assert vpc.action == "replace"
    assert ("cidrBlock", "10.10.0.0/16", "10.11.0.0/16", True) in [
        (p.path, p.old, p.new, p.replaces) for p in vpc.properties
    ]
    risks = risks_of(diff, "development")
    assert any(r.code == "stateful-replace" and r.urn == vpc.urn for r in risks)
    alb_sg = change_named(diff, "SecurityGroup", "alb-sg")
    assert alb_sg.action == "update"  # only its egress CIDR moved: not a replacement


def test_add_and_delete_with_stateful_delete(synthesized) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["ecs-platform:registry"]["repositories"] = ["api", "billing"]
        del config["ecs-platform:services"]["worker"]

    diff = diff_of(synthesized, "dev", edit)
    assert change_named(diff, "Repository", "registry-billing").action == "add"
    deleted_repo = change_named(diff, "Repository", "registry-worker")
    deleted_logs = change_named(diff, "LogGroup", "worker-logs")
    assert deleted_repo.action == deleted_logs.action == "delete"
    risks = risks_of(diff, "development")
    flagged = {r.urn for r in risks if r.code == "stateful-delete"}
    assert {deleted_repo.urn, deleted_logs.urn} <= flagged
    policy = change_named(diff, "Policy", "worker-step-out")
    assert policy.action == "delete" and policy.urn not in flagged  # not stateful
    assert diff.summary()["add"] == diff.count("add") > 0


def test_json_documents_compare_as_parsed_json(synthesized) -> None:
    task = synthesized("dev").one("aws:ecs/taskDefinition:TaskDefinition", "api-task")
    containers = json.loads(task.inputs["containerDefinitions"])
    reordered = json.dumps([dict(reversed(list(c.items()))) for c in containers])
    assert reordered != task.inputs["containerDefinitions"]
    same = dataclasses.replace(task, inputs={**task.inputs, "containerDefinitions": reordered})
    assert diff_resources([task], [same]).changes == []

    policy = synthesized("dev").one("aws:iam/rolePolicy:RolePolicy", "api-task")
    document = json.loads(policy.inputs["policy"])
    document["Statement"][0]["Action"] = ["sqs:SendMessage", "sqs:DeleteQueue"]
    wider = dataclasses.replace(policy, inputs={**policy.inputs, "policy": json.dumps(document)})
    diff = diff_resources([policy], [wider])
    assert [p.path for p in diff.changes[0].properties] == ["policy.Statement[0].Action"]
    assert diff.changes[0].action == "update"
    assert codes(assess(diff.changes, "development")) == {"iam-widened"}


def test_compare_gives_index_paths_into_lists_of_objects() -> None:
    old = {"ingress": [{"cidrBlocks": ["10.0.0.0/8"]}, {"cidrBlocks": ["10.1.0.0/16"]}]}
    new = {"ingress": [{"cidrBlocks": ["10.0.0.0/8"]}, {"cidrBlocks": ["0.0.0.0/0"]}]}
    assert list(compare(old, new)) == [("ingress[1].cidrBlocks", ["10.1.0.0/16"], ["0.0.0.0/0"])]
    assert as_document('{"b": 1, "a": [2]}') == {"a": [2], "b": 1}


@pytest.mark.parametrize(
    ("old_cidrs", "new_cidrs", "fires"),
    [
        (["10.0.0.0/8"], ["0.0.0.0/0"], True),  # open to the internet
        (["10.0.0.0/8"], ["10.0.0.0/8", "192.168.0.0/16"], True),  # a new CIDR
        (["0.0.0.0/0"], ["10.0.0.0/8"], False),  # narrowed
    ],
)
def test_ingress_widened(old_cidrs: list[str], new_cidrs: list[str], fires: bool) -> None:
    def with_cidrs(cidrs: list[str]) -> Edit:
        return lambda config: config["ecs-platform:loadBalancer"].update(ingressCidrs=cidrs)

    old = changed("dev", with_cidrs(old_cidrs))
    new = changed("dev", with_cidrs(new_cidrs))
    risks = assess(diff_resources(old.resources, new.resources).changes, "development")
    widened = [r for r in risks if r.code == "ingress-widened"]
    assert bool(widened) is fires
    if "0.0.0.0/0" in new_cidrs and fires:
        assert "whole internet" in widened[0].message


def test_ingress_port_range_widening() -> None:
    def group(from_port: int, to_port: int) -> RecordedResource:
        rule = {"protocol": "tcp", "fromPort": from_port, "toPort": to_port}
        rule["cidrBlocks"] = ["10.0.0.0/8"]
        return resource("aws:ec2/securityGroup:SecurityGroup", "sg", {"ingress": [rule]})

    wider = assess(diff_resources([group(443, 443)], [group(0, 1024)]).changes, "production")
    assert [r.message for r in wider] == [
        "sg: ingress tcp/0-1024 from 10.0.0.0/8 widens the port range."
    ]
    narrower = assess(diff_resources([group(0, 1024)], [group(443, 443)]).changes, "production")
    assert narrower == []


def test_public_ip_on_tasks_is_public_exposure() -> None:
    def service(public: bool) -> RecordedResource:
        network = {"networkConfiguration": {"assignPublicIp": public}}
        return resource("aws:ecs/service:Service", "api", network)

    exposed = assess(diff_resources([service(False)], [service(True)]).changes, "development")
    assert codes(exposed) == {"public-exposure"}
    assert assess(diff_resources([service(True)], [service(False)]).changes, "development") == []


def _add_permission(config: dict[str, Any]) -> None:
    permissions = config["ecs-platform:services"]["api"]["permissions"]
    permissions.append({"actions": ["s3:GetObject"], "resources": ["*"]})


def test_iam_widened_fires_on_new_actions_and_star_resources(synthesized) -> None:
    diff = diff_of(synthesized, "dev", _add_permission)
    risks = [r for r in risks_of(diff, "development") if r.code == "iam-widened"]
    messages = " ".join(r.message for r in risks)
    assert "s3:GetObject" in messages and "s3:GetObject on every resource (*)" in messages
    reverse = diff_resources(
        changed("dev", _add_permission).resources, synthesized("dev").resources
    )
    assert "iam-widened" not in codes(assess(reverse.changes, "development"))


def test_new_trusted_principal_is_iam_widened(synthesized) -> None:
    role = synthesized("dev").one("aws:iam/role:Role", "api-task")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    trust["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::210987654321:root"}
    trusting = dataclasses.replace(
        role, inputs={**role.inputs, "assumeRolePolicy": json.dumps(trust)}
    )
    risks = assess(diff_resources([role], [trusting]).changes, "development")
    assert any("210987654321" in r.message for r in risks if r.code == "iam-widened")


def test_cross_account_pull_is_public_exposure(synthesized) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["ecs-platform:registry"]["pullAccountIds"] = ["210987654321"]

    risks = risks_of(diff_of(synthesized, "prod", edit), "production")
    exposure = [r for r in risks if r.code == "public-exposure"]
    assert exposure and all("210987654321" in r.message for r in exposure)


def test_internal_alb_made_public_is_public_exposure(synthesized) -> None:
    public = synthesized("dev").resources
    internal = changed("dev", lambda c: c["ecs-platform:loadBalancer"].update(internal=True))
    risks = assess(diff_resources(internal.resources, public).changes, "development")
    assert any(r.code == "public-exposure" and "internet-facing" in r.message for r in risks)
    back = assess(diff_resources(public, internal.resources).changes, "development")
    assert "public-exposure" not in codes(back)


def _lower_api_minimum(config: dict[str, Any]) -> None:
    config["ecs-platform:services"]["api"]["scaling"]["minCount"] -= 1


def test_capacity_reduced_only_in_production(synthesized) -> None:
    prod = risks_of(diff_of(synthesized, "prod", _lower_api_minimum), "production")
    minimum = read_stack_config("prod", FIXTURES)["ecs-platform:services"]["api"]["scaling"][
        "minCount"
    ]
    assert [r.message for r in prod if r.code == "capacity-reduced"] == [
        f"api-scaling: minCapacity lowered from {minimum} to {minimum - 1} in a production stack."
    ]
    dev = risks_of(diff_of(synthesized, "dev", _lower_api_minimum), "development")
    assert "capacity-reduced" not in codes(dev)


def test_protect_removed(synthesized) -> None:
    repository = synthesized("prod").one("aws:ecr/repository:Repository", "registry-api")
    assert repository.protect
    unprotected = dataclasses.replace(repository, protect=False)
    risks = assess(diff_resources([repository], [unprotected]).changes, "production")
    assert codes(risks) == {"protect-removed"}
    assert assess(diff_resources([unprotected], [repository]).changes, "production") == []


def test_cost_up_threshold() -> None:
    assert cost_risk(111.0, 100.0) is not None
    assert cost_risk(110.0, 100.0) is None
    assert cost_risk(90.0, 100.0) is None
    assert cost_risk(None, 100.0) is None


def test_secret_inputs_are_masked_in_the_diff() -> None:
    def database(secret: str) -> RecordedResource:
        inputs = {"password": {SECRET_SIG_KEY: SECRET_SIG, "value": secret}, "size": 1}
        return resource("aws:rds/instance:Instance", "db", inputs)

    old, new = database("hunter2"), database("correct horse")
    assert diff_resources([old], [new]).changes == []  # both are just "[secret]"
    grown = dataclasses.replace(new, inputs={**new.inputs, "size": 2})
    (change,) = diff_resources([old], [grown]).changes
    assert [(p.path, p.old, p.new) for p in change.properties] == [("size", 1, 2)]
    assert "correct horse" not in repr(as_document(grown.inputs))
