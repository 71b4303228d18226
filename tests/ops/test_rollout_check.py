"""The post-deploy rollout check on DescribeServices responses written from the ECS API docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.app import main
from ops.rollout_check import Verdict, evaluate, expected_by_service_name, wait_for_rollout

SAMPLES = Path(__file__).parent / "samples"
SERVICE = "ecs-platform-dev-api"
TASK_DEFINITION = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ecs-platform-dev-api"


def sample(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def test_a_completed_single_deployment_is_done():
    assert evaluate(sample("completed")) == Verdict("done")


def test_a_rollout_in_progress_is_still_rolling():
    assert evaluate(sample("in_progress")) == Verdict("rolling")


def test_a_circuit_breaker_failure_fails_and_names_the_service_and_reason():
    verdict = evaluate(sample("rollback_in_progress"))
    assert verdict.state == "failed"
    assert len(verdict.problems) == 1
    assert SERVICE in verdict.problems[0]
    assert "circuit breaker" in verdict.problems[0]


def test_a_finished_rollback_fails_only_when_the_deployed_task_definition_is_known():
    # Once the rollback completes, the response looks healthy: one COMPLETED deployment.
    assert evaluate(sample("rolled_back")).state == "done"
    verdict = evaluate(sample("rolled_back"), {SERVICE: f"{TASK_DEFINITION}:42"})
    assert verdict.state == "failed"
    assert f"{TASK_DEFINITION}:41" in verdict.problems[0]


def test_the_deployed_task_definition_running_is_done():
    assert evaluate(sample("completed"), {SERVICE: f"{TASK_DEFINITION}:42"}).state == "done"


def test_a_missing_service_fails():
    verdict = evaluate(sample("missing"))
    assert verdict.state == "failed"
    assert "MISSING" in verdict.problems[0]


def test_expected_task_definitions_may_be_keyed_by_service_key_or_ecs_name():
    names = {"api": SERVICE}
    expected = {"api": "arn:1", "ecs-platform-dev-other": "arn:2"}
    assert expected_by_service_name(expected, names) == {
        SERVICE: "arn:1",
        "ecs-platform-dev-other": "arn:2",
    }


def _poller(*names: str):
    responses = [sample(name) for name in names]
    calls = []

    def describe() -> dict:
        calls.append(1)
        return responses[min(len(calls), len(responses)) - 1]

    return describe, calls


def test_waiting_ends_done_when_the_rollout_completes():
    describe, calls = _poller("in_progress", "in_progress", "completed")
    sleeps: list[float] = []
    verdict = wait_for_rollout(describe, {}, 600, 15, sleeps.append)
    assert verdict.state == "done"
    assert len(calls) == 3
    assert sleeps == [15, 15]


def test_waiting_fails_as_soon_as_the_circuit_breaker_trips():
    describe, calls = _poller("in_progress", "rollback_in_progress", "rolled_back")
    verdict = wait_for_rollout(describe, {}, 600, 15, lambda _: None)
    assert verdict.state == "failed"
    assert len(calls) == 2


def test_waiting_past_the_timeout_fails():
    describe, calls = _poller("in_progress")
    verdict = wait_for_rollout(describe, {}, 60, 15, lambda _: None)
    assert verdict.state == "failed"
    assert "still rolling out" in verdict.problems[0]
    assert len(calls) == 60 // 15 + 1


@pytest.mark.parametrize(
    ("name", "status"), [("completed", 0), ("in_progress", 3), ("rollback_in_progress", 1)]
)
def test_the_command_judges_a_saved_response_by_exit_status(name, status, capsys):
    assert main(["rollout-check", "--response", str(SAMPLES / f"{name}.json")]) == status


def test_the_command_reads_expected_task_definitions_by_service_key(tmp_path, capsys):
    (tmp_path / "names.json").write_text(json.dumps({"api": SERVICE}))
    (tmp_path / "expected.json").write_text(json.dumps({"api": f"{TASK_DEFINITION}:42"}))
    status = main(
        [
            "rollout-check",
            "--response",
            str(SAMPLES / "rolled_back.json"),
            "--services-file",
            str(tmp_path / "names.json"),
            "--expect-file",
            str(tmp_path / "expected.json"),
        ]
    )
    assert status == 1
    assert "rolled the deployment back" in capsys.readouterr().err
