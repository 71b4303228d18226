"""A job's Step Functions state machine (Amazon States Language, JSONPath): a pure builder.

    CheckOverlap -> AnotherRunIsGoing? -> Run --(timeout)--> FindTimedOutTask -> ... -> TimedOut
    (without allowOverlap)                 |  \\--(a failed run, `retries` times)--> Run again
                                           \\--> done

Facts it rests on (Step Functions Developer Guide, awsdocs/aws-step-functions-developer-guide,
doc_source/, archived 2023-06, commit 3d6752c):
- `arn:aws:states:::ecs:runTask.sync` "waits for the job to complete" (connect-to-resource.md,
  "Run a Job (.sync)"); a RunTask answered with a non-empty `Failures` (the task never started)
  fails the state with `AmazonECS.Unknown` (connect-ecs.md). No AWS page names the error of an
  essential container that exits non-zero, so the retrier matches `States.TaskFailed`, which
  "matches any known error name except for States.Timeout" (concepts-error-handling.md).
- Retry: `IntervalSeconds` before the first retry, `MaxAttempts` retries (0: none, at most
  99999999), `BackoffRate` multiplies the interval each time; "Retries are treated as state
  transitions" (billed) (concepts-error-handling.md).
- A Task state's `TimeoutSeconds`: "If the task runs longer than the specified seconds, this state
  fails with a States.Timeout error name" (amazon-states-language-task-state.md). The guide says
  Step Functions tries to cancel a .sync task only when the state is aborted (execution stopped,
  a failed Parallel branch or Map iteration: connect-to-resource.md), not on a timeout, so the
  timeout path stops the run's task itself (ecs:ListTasks, DescribeTasks, StopTask through the
  AWS SDK integrations, `arn:aws:states:::aws-sdk:ecs:<action>`, supported-services-awssdk.md).
  A run that timed out is not tried again: its next attempt would most likely time out too (as in
  Copilot, whose timeout bounds the whole execution, retries included).
- The top-level `TimeoutSeconds` ends the execution as TIMED_OUT (ExecutionsTimedOut metric,
  amazon-states-language-state-machine-structure.md, procedure-cw-metrics.md): a backstop above
  every attempt's timeout, the retry waits and the stop path.
- `CapacityProviderStrategy` in the runTask parameters is not in the guide's 2023 parameter list
  but is what RunTask takes to pick Fargate Spot or a pool (ECS API RunTask: with it,
  `launchType` must be omitted); aws-cdk's integration test deploys it in `ecs:runTask`
  parameters (aws/aws-cdk packages/@aws-cdk-testing/framework-integ/test/aws-stepfunctions-tasks/
  test/ecs/integ.fargate-run-task-capacity-provider.js.snapshot/
  aws-sfn-tasks-ecs-fargate-run-task-capacity-provider.template.json). With capacity `default`
  neither is sent and RunTask uses the cluster's default strategy.
- The guide describes no way to cap the concurrent executions of one state machine (Map's
  MaxConcurrency bounds only a Map state's iterations, amazon-states-language-map-state.md), and
  EventBridge Scheduler starts one whenever the schedule fires. So without allowOverlap the first
  state lists the machine's running executions (`aws-sdk:sfn:listExecutions`, StatusFilter
  RUNNING; this one is among them) and ends the run when there is another. Two runs started in
  the same instant can both see each other and both end: a missed run, never an overlap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

RUN_TASK = "arn:aws:states:::ecs:runTask.sync"
SDK = "arn:aws:states:::aws-sdk:"
RETRY_INTERVAL_SECONDS = 60
RETRY_BACKOFF_RATE = 2.0
STOP_ALLOWANCE_SECONDS = 600  # finding and stopping a timed-out task, and its stopTimeout
RUN_STATE = "Run"
TIMED_OUT_ERROR = "Job.TimedOut"


@dataclass(frozen=True)
class RunTarget:
    """Where and how the task runs (resolved values: ARNs, ids)."""

    cluster_arn: str
    task_definition_arn: str
    family: str
    subnet_ids: Sequence[str]
    security_group_id: str
    capacity_provider_strategy: Sequence[Mapping[str, Any]] = ()  # [] = cluster default
    fargate: bool = True
    # jobs.<name>.securityGroups: groups the task joins besides its own (a database's, ...)
    extra_security_group_ids: Sequence[str] = ()


def retry_waits(retries: int) -> int:
    """Seconds spent waiting between attempts: 60, 120, 240, ... for `retries` retries."""
    return sum(int(RETRY_INTERVAL_SECONDS * RETRY_BACKOFF_RATE**n) for n in range(retries))


def execution_timeout(retries: int, timeout_seconds: int) -> int:
    """The execution's bound: every attempt at its limit, the waits, and the stop path."""
    return (retries + 1) * timeout_seconds + retry_waits(retries) + STOP_ALLOWANCE_SECONDS


def run_parameters(target: RunTarget) -> dict[str, Any]:
    """The RunTask call (Parameters are PascalCase, connect-ecs.md)."""
    parameters: dict[str, Any] = {
        "Cluster": target.cluster_arn,
        "TaskDefinition": target.task_definition_arn,
        "NetworkConfiguration": {
            "AwsvpcConfiguration": {
                "Subnets": list(target.subnet_ids),
                "SecurityGroups": [target.security_group_id, *target.extra_security_group_ids],
                "AssignPublicIp": "DISABLED",  # private subnets, through NAT or endpoints
            }
        },
        "PropagateTags": "TASK_DEFINITION",
        # The task's group names the execution, so the timeout path finds this run's task.
        "Group.$": "$$.Execution.Name",
    }
    if target.capacity_provider_strategy:
        parameters["CapacityProviderStrategy"] = [
            {
                "CapacityProvider": item["capacity_provider"],
                "Weight": item["weight"],
                "Base": item["base"],
            }
            for item in target.capacity_provider_strategy
        ]
    if target.fargate:
        parameters["PlatformVersion"] = "LATEST"
    return parameters


def _run_state(target: RunTarget, retries: int, timeout_seconds: int) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Comment": "Start the task and wait until it stops; a non-zero exit fails the run",
        "Resource": RUN_TASK,
        "Parameters": run_parameters(target),
        "TimeoutSeconds": timeout_seconds,
        "ResultPath": None,
        "Retry": [
            {
                "ErrorEquals": ["States.TaskFailed"],
                "IntervalSeconds": RETRY_INTERVAL_SECONDS,
                "MaxAttempts": retries,
                "BackoffRate": RETRY_BACKOFF_RATE,
            }
        ],
        "Catch": [
            {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.timeout", "Next": "FindTask"}
        ],
        "End": True,
    }


def _timeout_states(target: RunTarget) -> dict[str, Any]:
    """Find the task this execution started (group = execution name) and stop it, then fail."""
    stop = {
        "StartAt": "OfThisRun",
        "States": {
            "OfThisRun": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.Group", "StringEqualsPath": "$.Execution", "Next": "StopTask"}
                ],
                "Default": "NotThisRun",
            },
            "NotThisRun": {"Type": "Succeed"},
            "StopTask": {
                "Type": "Task",
                "Resource": f"{SDK}ecs:stopTask",
                "Parameters": {
                    "Cluster": target.cluster_arn,
                    "Task.$": "$.TaskArn",
                    "Reason": "ecs-platform: the job ran longer than its timeoutSeconds",
                },
                "End": True,
            },
        },
    }
    return {
        "FindTask": {
            "Type": "Task",
            "Resource": f"{SDK}ecs:listTasks",
            "Parameters": {
                "Cluster": target.cluster_arn,
                "Family": target.family,
                "DesiredStatus": "RUNNING",
            },
            "ResultPath": "$.running",
            "Next": "AnyTaskRunning",
        },
        "AnyTaskRunning": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.running.TaskArns[0]", "IsPresent": True, "Next": "DescribeTasks"}
            ],
            "Default": "TimedOut",
        },
        "DescribeTasks": {
            "Type": "Task",
            "Resource": f"{SDK}ecs:describeTasks",
            "Parameters": {"Cluster": target.cluster_arn, "Tasks.$": "$.running.TaskArns"},
            "ResultSelector": {"Tasks.$": "$.Tasks"},
            "ResultPath": "$.described",
            "Next": "StopThisRunsTask",
        },
        "StopThisRunsTask": {
            "Type": "Map",
            "ItemsPath": "$.described.Tasks",
            "ItemSelector": {
                "TaskArn.$": "$$.Map.Item.Value.TaskArn",
                "Group.$": "$$.Map.Item.Value.Group",
                "Execution.$": "$$.Execution.Name",
            },
            "ItemProcessor": stop,
            "ResultPath": None,
            "Next": "TimedOut",
        },
        "TimedOut": {
            "Type": "Fail",
            "Error": TIMED_OUT_ERROR,
            "Cause": "The run took longer than the job's timeoutSeconds; its task was stopped.",
        },
    }


def _overlap_states() -> dict[str, Any]:
    return {
        "CheckOverlap": {
            "Type": "Task",
            "Resource": f"{SDK}sfn:listExecutions",
            "Parameters": {
                "StateMachineArn.$": "$$.StateMachine.Id",
                "StatusFilter": "RUNNING",
                "MaxResults": 2,
            },
            "ResultSelector": {"Running.$": "$.Executions"},
            "ResultPath": "$.overlap",
            "Next": "AnotherRunIsGoing",
        },
        "AnotherRunIsGoing": {
            "Type": "Choice",
            "Comment": "This execution is one of the running ones: a second means overlap",
            "Choices": [{"Variable": "$.overlap.Running[1]", "IsPresent": True, "Next": "Skipped"}],
            "Default": RUN_STATE,
        },
        "Skipped": {
            "Type": "Succeed",
            "Comment": "Another run is still going (allowOverlap is false): no task started",
        },
    }


def state_machine_definition(
    job: str, target: RunTarget, *, retries: int, timeout_seconds: int, allow_overlap: bool
) -> dict[str, Any]:
    """The whole definition; `json.dumps` it for the state machine."""
    states: dict[str, Any] = {} if allow_overlap else _overlap_states()
    states[RUN_STATE] = _run_state(target, retries, timeout_seconds)
    states.update(_timeout_states(target))
    return {
        "Comment": f"ecs-platform job {job}: run its task to completion (docs/jobs.md)",
        "StartAt": RUN_STATE if allow_overlap else "CheckOverlap",
        "TimeoutSeconds": execution_timeout(retries, timeout_seconds),
        "States": states,
    }
