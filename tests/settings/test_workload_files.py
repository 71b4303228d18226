"""Workload files (services/<name>.yaml): merge rules, interpolation, problems named by file and
key as written, and the shipped example in both forms giving the same resources."""

from __future__ import annotations

import dataclasses

import pytest
from workload_helpers import SHIPPED, edit, lines, shipped_copy, synthesize, write

from harness.records import RecordedResource
from settings.interpolation import interpolate
from settings.loader import load_stack
from settings.merge import merge
from settings.stack_files import read_stack_config


# -- merge and interpolation rules ---------------------------------------------------------
def test_maps_merge_key_by_key_lists_and_scalars_replace_and_null_removes() -> None:
    base = {
        "cpu": 256,
        "environment": {"A": "1", "B": "2"},
        "writablePaths": ["/tmp", "/cache"],
        "scaling": {"minCount": 1, "maxCount": 4, "schedules": [{"name": "night"}]},
        "execEnabled": True,
    }
    override = {
        "cpu": 512,
        "environment": {"B": "3", "C": "4"},
        "writablePaths": ["/data"],
        "scaling": {"maxCount": 20, "schedules": None},
        "execEnabled": None,
    }
    merged = merge(base, override)
    assert merged.value == {
        "cpu": 512,
        "environment": {"A": "1", "B": "3", "C": "4"},
        "writablePaths": ["/data"],
        "scaling": {"minCount": 1, "maxCount": 20},
    }
    assert base["environment"] == {"A": "1", "B": "2"}  # the base is not changed
    assert merged.origin("cpu") == "override"
    assert merged.origin("environment.A") == "base"
    assert merged.origin("environment") == "mixed"
    assert merged.origin("writablePaths[0]") == "override"
    assert merged.origin("scaling.schedules") == "override"
    assert merged.origin("scaling.minCount") == "base"


def test_variables_are_replaced_in_values_not_keys_and_double_dollar_escapes() -> None:
    variables = {"stack": "prod", "region": "eu-west-1", "project": "p", "service": "api"}
    result = interpolate(
        {"${stack}": "${project}-${stack}-${service}", "list": ["${region}", "$${stack}", 3]},
        variables,
    )
    assert result.value == {"${stack}": "p-prod-api", "list": ["eu-west-1", "${stack}", 3]}
    assert result.problems == []
    assert result.changed == {"${stack}", "list[0]", "list[1]"}


def test_unknown_and_unclosed_variables_are_problems_at_their_key() -> None:
    result = interpolate({"a": {"b": "x-${env}"}, "c": ["${stack"]}, {"stack": "dev"})
    assert [(p.path, p.message.split(" (")[0]) for p in result.problems] == [
        ("a.b", "unknown variable ${env}"),
        ("c[0]", "'${stack' is not closed: a variable is ${name}"),
    ]


def _ordered(resources: list[RecordedResource]) -> list[RecordedResource]:
    return [dataclasses.replace(r, dependencies=sorted(r.dependencies)) for r in resources]


# -- the shipped example -------------------------------------------------------------------
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_shipped_example_gives_the_same_resources_in_both_forms(stack, synthesized) -> None:
    old = synthesized(stack)  # tests/fixtures/Pulumi.<stack>.yaml: every service in the file
    new = synthesize(SHIPPED, stack)  # services/api.yaml and services/worker.yaml
    assert "ecs-platform:services" not in read_stack_config(stack, SHIPPED)
    assert [r.urn for r in new.resources] == [r.urn for r in old.resources]
    # inputs, outputs, parents, options: everything (dependencies arrive in any order)
    assert _ordered(new.resources) == _ordered(old.resources)
    assert new.outputs == old.outputs


# -- files, stacks and the account ----------------------------------------------------------
def test_a_service_runs_in_the_stacks_it_lists_only(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    edit(project, "services/worker.yaml", lambda d: d.update(stacks=["dev"], environments=None))
    assert "worker" in load_stack("dev", project).services
    assert "worker" not in load_stack("prod", project).services
    edit(project, "services/api.yaml", lambda d: d.update(stacks=["dev"]))  # keeps its prod part
    assert lines(project, "dev") == [
        "services/api.yaml: environments.prod: prod is not in stacks (dev): it never runs there"
    ]


def test_account_id_comes_from_the_one_pinned_account(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    arn = "arn:aws:sqs:${region}:${accountId}:${project}-${stack}-orders"
    edit(project, "services/api.yaml", lambda d: d["permissions"][0].update(resources=[arn]))
    edit(
        project,
        "Pulumi.prod.yaml",
        lambda d: d["config"].update({"aws:allowedAccountIds": ["210987654321"]}),
    )
    api = load_stack("prod", project).services["api"]
    assert api.permissions[0].resources == [
        "arn:aws:sqs:eu-west-1:210987654321:ecs-platform-prod-orders"
    ]
    assert lines(project, "dev") == [
        "services/api.yaml: permissions[0].resources[0]: ${accountId} needs the stack to pin its"
        " account: aws:allowedAccountIds with exactly one account id in Pulumi.dev.yaml"
    ]


def test_files_that_are_not_workloads_of_this_version_are_refused(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    write(project, "services/cache.yml", {"port": 6379})
    write(project, "jobs/nightly.yml", {"schedule": "cron(0 3 * * ? *)"})
    write(project, "services/Billing_API.yaml", {"port": 8080})
    write(project, "services/empty.yaml", "")
    found = lines(project, "dev")
    assert "services/cache.yml: not read: workload files end in .yaml" in found
    assert (
        "services/Billing_API.yaml: 'Billing_API' is not a service name (the file name: a"
        " lowercase letter, then up to 27 letters, digits or -)" in found
    )
    empty = "services/empty.yaml: the file is empty: a service needs its settings (at least image)"
    assert empty in found
    assert "jobs/nightly.yml: not read: workload files end in .yaml" in found


def test_a_job_file_merges_into_the_jobs_of_each_stack(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    job = {
        "image": {"repository": "reports", "tag": "1.4.2"},
        "command": ["python", "-m", "reports.nightly"],
        "environment": {"REPORT_BUCKET": "${project}-${stack}-reports"},
        "writablePaths": ["/tmp"],
        "environments": {"prod": {"cpu": 512, "memory": 1024}},
    }
    write(project, "jobs/nightly-report.yaml", job)
    dev, prod = (
        load_stack(stack, project).config.jobs["nightly-report"] for stack in ("dev", "prod")
    )
    assert dev.environment == {"REPORT_BUCKET": "ecs-platform-dev-reports"}
    assert (dev.cpu, prod.cpu, prod.memory) == (256, 512, 1024)
    write(project, "jobs/nightly-report.yaml", {**job, "port": 8080})
    assert lines(project, "dev")[0].startswith("jobs/nightly-report.yaml: port: port is a service")


def test_a_misspelt_environments_key_suggests_environments(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    edit(project, "services/worker.yaml", lambda d: d.update(enviroments=d.pop("environments")))
    line = lines(project, "prod")[0]  # then what prod's overrides would have fixed
    assert line.startswith(
        "services/worker.yaml: enviroments: unknown key (did you mean 'environments'? allowed:"
    )


def test_a_typo_in_another_stacks_override_fails_this_stacks_plan_too(tmp_path) -> None:
    project = shipped_copy(tmp_path)

    def misspell(data: dict) -> None:
        data["environments"]["prod"]["memroy"] = data["environments"]["prod"].pop("memory")

    edit(project, "services/api.yaml", misspell)
    assert lines(project, "dev") == [
        "services/api.yaml: environments.prod.memroy: unknown key in the override for stack prod:"
        " did you mean 'memory'?"
    ]
    assert lines(project, "prod")[0].startswith(
        "services/api.yaml: environments.prod.memroy: unknown key (did you mean 'memory'? allowed:"
    )  # its own stack reports it the usual way, once
