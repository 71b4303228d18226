"""Changes that lose data, end to end through `ecs-platform plan` on the production `queues`
fixture (a worker that creates its queue and dead-letter queue): blocked with the safe sequence
(`--against` an edited copy), let through by an acknowledgement, and a rename that keeps
everything (`--base` on a git copy, as a pull request is reviewed)."""

from __future__ import annotations

import copy
import datetime
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.app import main
from harness.records import stack_free_urn
from review import plan
from review.diff import diff_resources, matched_by_alias
from review.risks import assess
from review.risks.data_loss import AcknowledgementError, Acknowledgements, data_loss
from settings.acknowledgements import ACKNOWLEDGEMENT_DAYS, LossAcknowledgement
from settings.stack_files import PROJECT_DIR

from conftest import FIXTURES, fixture_config, project_copy, synthesize_fixture

Edit = Callable[[dict[str, Any]], Any]
STACK = "changed"  # the edited copy of the queues fixture, diffed --against queues


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(tmp_path_factory.mktemp("data-loss"))


def plan_against_queues(project: Path, edit: Edit, capsys, fmt: str = "json") -> tuple[int, str]:
    config = fixture_config("queues")
    edit(config)
    (project / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": config}))
    argv = ["plan", STACK, "--against", "queues", "--project-dir", str(project)]
    status = main([*argv, "--format", fmt])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def fifo(config: dict[str, Any]) -> None:
    """FIFO on the worker's created queue (and its topic: SNS delivers FIFO topics to FIFO
    queues only, so the subscription moves to the topic's FIFO twin)."""
    create = config["ecs-platform:services"]["worker"]["queue"]["create"]
    create["fifo"] = True
    for subscription in create["subscribe"]:
        subscription["topicArn"] += ".fifo"


def rename_worker(config: dict[str, Any], renamed_from: bool = False) -> None:
    services = config["ecs-platform:services"]
    services["consumer"] = services.pop("worker")
    if renamed_from:
        services["consumer"]["renamedFrom"] = "worker"


def acknowledge(*entries: tuple[str, datetime.date]) -> Edit:
    def edit(config: dict[str, Any]) -> None:
        fifo(config)
        config["ecs-platform:acknowledgedLosses"] = [
            {"resource": name, "date": day.isoformat(), "reason": "the queues are empty"}
            for name, day in entries
        ]

    return edit


def blocking(report: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Resource name -> (code, message) of each blocking risk."""
    return {
        r["urn"].rsplit("::", 1)[-1]: (r["code"], r["message"])
        for r in report["risks"]
        if r["blocking"]
    }


def test_the_fifo_toggle_blocks_in_production_with_the_queue_recipes(project, capsys) -> None:
    status, out = plan_against_queues(project, fifo, capsys)
    assert status == plan.BLOCKED
    found = blocking(json.loads(out))
    assert set(found) == {"worker-queue", "worker-dlq"}
    code, queue = found["worker-queue"]
    assert code == "protected-replace"
    assert queue.startswith(
        "`worker-queue` (aws:sqs/queue:Queue) holds the messages waiting in it and would be"
        " replaced (deleted, then created anew: name): it is `protect`ed, so the engine refuses"
        " the change (unable to replace a protected resource). Safe sequence: create the new"
        " queue beside the old one"
    )
    assert "`ecs-platform svc status <service>` shows its depth" in queue
    assert "redrive the messages processing gave up on" in found["worker-dlq"][1]


def test_a_rename_without_renamed_from_blocks_and_says_the_line_to_add(project, capsys) -> None:
    status, out = plan_against_queues(project, rename_worker, capsys)
    assert status == plan.BLOCKED
    report = json.loads(out)
    found = blocking(report)
    assert {name: code for name, (code, _) in found.items()} == {
        "worker-queue": "protected-delete",
        "worker-dlq": "protected-delete",
        "worker-logs": "protected-delete",
    }
    line = "`services.consumer.renamedFrom: worker`"
    assert all(f"add {line} instead: then nothing is deleted." in m for _, m in found.values())
    assert "export the log events you need first" in found["worker-logs"][1]
    renames = [r["message"] for r in report["risks"] if r["code"] == "probable-rename"]
    assert renames == [
        f"`worker` is removed and `consumer` added with the same resources: if this is a rename,"
        f" add {line} to Pulumi.{STACK}.yaml, and its resources keep their AWS names and URNs"
        " (nothing deleted, nothing created)."
    ]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed git copy of the project (code and the fixture stack files), for --base."""
    copy_dir = tmp_path_factory.mktemp("data-loss-repo") / "project"
    ignored = shutil.ignore_patterns(".git", ".venv", "tests", "docs", "node_modules", ".*")
    shutil.copytree(PROJECT_DIR, copy_dir, ignore=ignored)
    for stack_file in FIXTURES.glob("Pulumi.*.yaml"):
        shutil.copy2(stack_file, copy_dir / stack_file.name)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(
            [
                "git",
                "-C",
                str(copy_dir),
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                *args,
            ],
            check=True,
            capture_output=True,
        )
    return copy_dir


def test_the_same_rename_with_renamed_from_replaces_and_deletes_nothing(repo, capsys) -> None:
    """Through --base, as a pull request is reviewed: the worker renamed to consumer with
    `renamedFrom: worker`, and its pool general renamed to compute the same way."""
    config = fixture_config("queues")
    rename_worker(config, renamed_from=True)
    pool = config["ecs-platform:cluster"]["ec2Pools"][0]
    pool["renamedFrom"], pool["name"] = pool["name"], "compute"
    config["ecs-platform:services"]["consumer"]["capacity"] = "compute"
    (repo / "Pulumi.queues.yaml").write_text(yaml.safe_dump({"config": config}))
    argv = ["plan", "queues", "--base", "HEAD", "--project-dir", str(repo), "--format", "json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["same"] > 100
    assert report["summary"] == {**report["summary"], "add": 0, "update": 0, "replace": 0}
    assert report["summary"]["delete"] == 0
    assert report["changes"] == [] and report["risks"] == []


def test_an_acknowledgement_of_today_lets_the_loss_through_and_the_comment_shows_it(
    project, capsys
) -> None:
    today = datetime.date.today()
    edit = acknowledge(("worker-queue", today), ("worker-dlq", today))
    status, out = plan_against_queues(project, edit, capsys, fmt="markdown")
    assert status == 0
    assert "> [!IMPORTANT]\n> **2 acknowledged loss(es) of data**" in out
    assert "[!CAUTION]" not in out
    line = next(line for line in out.splitlines() if "`worker-queue` (aws:sqs" in line)
    assert line.startswith("> - `loss-acknowledged` `worker-queue` (aws:sqs/queue:Queue)")
    assert (
        f"Acknowledged in Pulumi.{STACK}.yaml acknowledgedLosses on {today.isoformat()}:"
        " the queues are empty It is `protect`ed: run `pulumi state unprotect"
        f" 'urn:pulumi:{STACK}::ecs-platform::"
    ) in line
    assert line.endswith("before `pulumi up`, or the engine refuses.")


def test_a_stale_acknowledgement_keeps_the_loss_blocking(project, capsys) -> None:
    today = datetime.date.today()
    old = today - datetime.timedelta(days=ACKNOWLEDGEMENT_DAYS + 1)
    status, out = plan_against_queues(
        project, acknowledge(("worker-queue", today), ("worker-dlq", old)), capsys
    )
    assert status == plan.BLOCKED
    report = json.loads(out)
    assert set(blocking(report)) == {"worker-dlq"}
    assert blocking(report)["worker-dlq"][1].endswith(
        f"The acknowledgement dated {old.isoformat()} is more than {ACKNOWLEDGEMENT_DAYS} days"
        " old and no longer counts: renew its date if the loss is still intended."
    )
    statuses = {a["resource"]: a["status"] for a in report["acknowledgements"]}
    assert statuses == {"worker-queue": "applied", "worker-dlq": "stale"}


def test_an_acknowledgement_of_an_unknown_resource_is_refused_in_one_line(project, capsys):
    edit = acknowledge(("wroker-queue", datetime.date.today()))
    status, out = plan_against_queues(project, edit, capsys, fmt="text")
    assert status == plan.CONFIG_ERROR
    assert out.strip() == (
        f"error: Pulumi.{STACK}.yaml: acknowledgedLosses[0].resource: no resource named"
        " wroker-queue in this stack or its base"
    )


def test_a_development_stack_keeps_the_losses_as_flags(synthesized) -> None:
    config = fixture_config("maximal")
    create = config["ecs-platform:services"]["jobs"]["queue"]["create"]
    create["fifo"] = True
    create["subscribe"][0]["topicArn"] += ".fifo"
    before, after = synthesized("maximal"), synthesize_fixture("maximal", config)
    changes = diff_resources(before.resources, after.resources).changes
    assert data_loss(changes, "development", before.resources, after.resources) == []
    flagged = {r.urn.rsplit("::", 1)[-1] for r in assess(changes, "development")}
    assert {"jobs-queue", "jobs-dlq"} <= flagged
    codes = {r.code for r in assess(changes, "development") if "jobs-queue" in str(r.urn)}
    assert codes == {"stateful-replace"}
    blocked = data_loss(changes, "production", before.resources, after.resources)
    assert {(r.code, r.urn.rsplit("::", 1)[-1]) for r in blocked} == {
        ("data-loss-replace", "jobs-queue"),
        ("data-loss-replace", "jobs-dlq"),
    }


def test_acknowledgements_name_resources_and_report_what_became_of_them(synthesized) -> None:
    resources = synthesized("maximal").resources
    entry = LossAcknowledgement(resource="jobs-queue", date=datetime.date.today(), reason="x")
    acks = Acknowledgements([entry], "Pulumi.maximal.yaml")
    acks.check_names(resources)
    assert acks.report() == [
        {
            "resource": "jobs-queue",
            "date": entry.date.isoformat(),
            "reason": "x",
            "status": "unused",
        }
    ]
    typo = LossAcknowledgement(resource="jobs-queeu", date=entry.date, reason="x")
    with pytest.raises(AcknowledgementError, match=r"acknowledgedLosses\[1\]\.resource"):
        Acknowledgements([entry, typo], "Pulumi.maximal.yaml").check_names(resources)
    assert copy.deepcopy(acks.report()) == acks.report()


def test_a_managed_instance_pool_renamed_with_renamed_from_changes_nothing(synthesized) -> None:
    config = fixture_config("managed")
    pool = config["ecs-platform:cluster"]["managedInstancePools"][0]
    pool["renamedFrom"], pool["name"] = pool["name"], "spare"
    for service in config["ecs-platform:services"].values():
        if service.get("capacity") == "batch":
            service["capacity"] = "spare"
    before, after = synthesized("managed"), synthesize_fixture("managed", config)
    diff = diff_resources(before.resources, after.resources)
    assert diff.changes == []
    component = next(r for r in after.resources if r.type.endswith("ManagedInstancePool"))
    assert (component.name, component.aliases) == ("cluster-spare", [{"name": "cluster-batch"}])
    assert matched_by_alias(before.resources, after.resources) == {
        stack_free_urn(component.urn): stack_free_urn(
            next(r.urn for r in before.resources if r.name == "cluster-batch")
        )
    }


def test_a_job_renamed_with_renamed_from_changes_nothing(synthesized) -> None:
    """A job uses the same rename mechanism: its state machine, schedule, roles and log group
    keep their URNs and AWS names; the component takes its new name with an alias. Only the
    dashboard is updated in place (its widgets are titled with the job's new name)."""
    config = fixture_config("jobs")
    jobs = config["ecs-platform:jobs"]
    jobs["daily-report"] = {**jobs.pop("nightly-report"), "renamedFrom": "nightly-report"}
    before, after = synthesized("jobs"), synthesize_fixture("jobs", config)
    changes = diff_resources(before.resources, after.resources).changes
    assert [(c.action, c.key.rsplit("::", 1)[-1]) for c in changes] == [
        ("update", "alarms-dashboard")
    ]
    component = next(r for r in after.resources if r.name == "daily-report")
    assert component.aliases == [{"name": "nightly-report"}]
    assert (
        after.outputs["jobStateMachineArns"]["daily-report"]
        == (before.outputs["jobStateMachineArns"]["nightly-report"])
    )
