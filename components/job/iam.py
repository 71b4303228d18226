"""What a job's state machine and its schedule may do: pure statement builders.

The state machine's role (Step Functions Developer Guide, ecs-iam.md, "Run a Job (.sync)"):
`ecs:RunTask` on the task definition, `ecs:StopTask` and `ecs:DescribeTasks` on the tasks, and
`events:PutTargets`, `events:PutRule`, `events:DescribeRule` on the rule
`StepFunctionsGetEventsForECSTaskRule` that Step Functions manages to learn when the task stops.
AWS's template puts the task actions on `*` because task ids are not known in advance; here they
are bounded to the cluster's tasks (`task/<cluster>/*`, the ARN format of the IAM reference).
Passing the task's two roles needs `iam:PassRole` (ECS Developer Guide, task-iam-roles.md:
"users also require iam:PassRole permissions to use IAM roles for tasks"). `propagateTags` tags
the task when it is created, which ECS authorizes as `ecs:TagResource` with `ecs:CreateAction`
RunTask (the same grant as AWS's AmazonEC2ContainerServiceEventsRole, ECS Developer Guide,
CWE_IAM_role.md). The timeout path lists, describes and stops the run's task; without
allowOverlap the first state lists the machine's own running executions.

The schedule's role: EventBridge Scheduler starts the machine with `states:StartExecution`
("you must also grant permissions to the schedule's execution role to perform the targeted API
operation", Scheduler User Guide, managing-targets-templated.html), and only that machine.
"""

from __future__ import annotations

import pulumi

from components.common import policies
from components.common.policies import Statement

ECS_EVENTS_RULE = "StepFunctionsGetEventsForECSTaskRule"


def state_machine_arn(region: str, account_id: pulumi.Input[str], name: str) -> pulumi.Output[str]:
    """arn:aws:states:<region>:<account>:stateMachine:<name> (known before the machine is)."""
    return pulumi.Output.concat("arn:aws:states:", region, ":", account_id, ":stateMachine:", name)


def state_machine_trust(
    account_id: pulumi.Input[str], machine_arn: pulumi.Input[str]
) -> pulumi.Output[str]:
    """Step Functions may assume the role for this machine only (Step Functions Developer
    Guide, procedure-create-iam-role.md: aws:SourceArn and aws:SourceAccount)."""
    return policies.assume_role(
        "states.amazonaws.com",
        conditions={
            "ArnLike": {"aws:SourceArn": machine_arn},
            **policies.same_account(account_id),
        },
    )


def scheduler_trust(account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    return policies.assume_role(
        "scheduler.amazonaws.com", conditions=policies.same_account(account_id)
    )


def state_machine_statements(
    *,
    region: str,
    account_id: pulumi.Input[str],
    cluster_arn: pulumi.Input[str],
    cluster_name: pulumi.Input[str],
    family: str,
    task_roles: list[pulumi.Input[str]],
    machine_arn: pulumi.Input[str],
    allow_overlap: bool,
) -> list[Statement]:
    ecs = pulumi.Output.concat("arn:aws:ecs:", region, ":", account_id)
    on_cluster = {"ArnEquals": {"ecs:cluster": cluster_arn}}
    tasks = pulumi.Output.concat(ecs, ":task/", cluster_name, "/*")
    statements = [
        policies.statement(
            ["ecs:RunTask"],
            [pulumi.Output.concat(ecs, ":task-definition/", family, ":*")],
            conditions=on_cluster,
            sid="RunOwnTask",
        ),
        policies.statement(
            ["ecs:TagResource"],
            [tasks],
            conditions={"StringEquals": {"ecs:CreateAction": "RunTask"}},
            sid="TagTaskAtRun",
        ),
        policies.statement(["ecs:DescribeTasks", "ecs:StopTask"], [tasks], sid="WatchAndStopTask"),
        # ListTasks has no resource for Fargate tasks (its resource is a container instance).
        policies.statement(["ecs:ListTasks"], ["*"], conditions=on_cluster, sid="FindTimedOutTask"),
        policies.statement(
            ["iam:PassRole"],
            task_roles,
            conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
            sid="PassTaskRoles",
        ),
        policies.statement(
            ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
            [
                pulumi.Output.concat(
                    "arn:aws:events:", region, ":", account_id, ":rule/", ECS_EVENTS_RULE
                )
            ],
            sid="LearnWhenTaskStops",
        ),
    ]
    if not allow_overlap:
        statements.append(
            policies.statement(["states:ListExecutions"], [machine_arn], sid="SeeOwnRuns")
        )
    return statements


def scheduler_statements(machine_arn: pulumi.Input[str]) -> list[Statement]:
    return [policies.statement(["states:StartExecution"], [machine_arn], sid="StartOwnJob")]
