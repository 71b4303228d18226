"""What a service's two roles may do, built from its declared needs (and nothing more).

The execution role is what ECS uses to start the task: pull its image, write its log group,
read exactly its declared secrets. The task role is what the application runs as: exactly the
declared permissions, plus the ECS Exec channels only when exec is on.
"""

from __future__ import annotations

import pulumi

from components.common import policies
from components.common.ecr import PULL_ACTIONS, ecr_repository_arn
from components.common.policies import Statement
from settings.service import TaskSettings

EXEC_CHANNELS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
VOLUMES_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForVolumes"


def secret_arn(value_from: str) -> str:
    """The secret's ARN without ECS's `:json-key:version-stage:version-id` selector."""
    return ":".join(value_from.split(":")[:7])


def execution_statements(
    service: TaskSettings,
    *,
    log_group_arn: pulumi.Input[str],
    repository_arn: pulumi.Input[str] | None,
    sidecar_images: tuple[str, ...] = (),
) -> list[Statement]:
    """A service's or a job's execution role: its own logs, its images, its declared secrets."""
    statements = [
        policies.statement(
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [pulumi.Output.concat(log_group_arn, ":*")],
            sid="WriteOwnLogs",
        )
    ]
    repositories = [repository_arn] if repository_arn is not None else []
    repositories += sorted(
        {arn for image in sidecar_images if (arn := ecr_repository_arn(image)) is not None}
    )
    if repositories:
        statements += [
            # GetAuthorizationToken has no resource: AWS requires "*".
            policies.statement(["ecr:GetAuthorizationToken"], ["*"], sid="EcrLogin"),
            policies.statement(PULL_ACTIONS, repositories, sid="PullOwnImage"),
        ]
    parameters = sorted({arn for arn in service.secrets.values() if ":ssm:" in arn})
    secrets = sorted(
        {secret_arn(arn) for arn in service.secrets.values() if ":secretsmanager:" in arn}
    )
    if parameters:
        statements.append(
            policies.statement(["ssm:GetParameters"], parameters, sid="ReadDeclaredParameters")
        )
    if secrets:
        statements.append(
            policies.statement(
                ["secretsmanager:GetSecretValue"], secrets, sid="ReadDeclaredSecrets"
            )
        )
    if service.secret_kms_key_arns:
        statements.append(
            policies.statement(
                ["kms:Decrypt"], sorted(service.secret_kms_key_arns), sid="DecryptDeclaredSecrets"
            )
        )
    return statements


def task_statements(
    service: TaskSettings,
    *,
    exec_log_group_arn: pulumi.Input[str] | None,
    exec_kms_key_arn: pulumi.Input[str] | None = None,
    exec_enabled: bool = False,
) -> list[Statement]:
    """A service's or a job's task role: its declared permissions (and ECS Exec's channels)."""
    statements = [
        policies.statement(permission.actions, permission.resources, sid=f"Declared{index}")
        for index, permission in enumerate(service.permissions)
    ]
    if exec_enabled:
        # The Session Manager channels have no resource ARN: AWS requires "*".
        statements.append(policies.statement(EXEC_CHANNELS, ["*"], sid="EcsExecChannels"))
        if exec_kms_key_arn is not None:
            # The agent decrypts the session's data key with the cluster's exec key.
            statements.append(
                policies.statement(["kms:Decrypt"], [exec_kms_key_arn], sid="EcsExecDecryptSession")
            )
        if exec_log_group_arn is not None:
            statements += [
                policies.statement(["logs:DescribeLogGroups"], ["*"], sid="EcsExecFindLogs"),
                policies.statement(
                    ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                    [pulumi.Output.concat(exec_log_group_arn, ":*")],
                    sid="EcsExecWriteLogs",
                ),
            ]
    return statements


def ecs_tasks_trust(account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    return policies.assume_role(
        "ecs-tasks.amazonaws.com",
        conditions=policies.same_account(account_id),
    )
