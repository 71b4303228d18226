"""What a service's two roles may do, built from its declared needs (and nothing more).

The execution role is what ECS uses to start the task: pull its image, write its log group,
read exactly its declared secrets (by ARN, or by name: settings/secrets.py) and environment
files. The task role is what the application runs as: exactly the declared permissions, plus
the ECS Exec channels only when exec is on (and its EFS grants: components/service/volumes.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from components.common import policies
from components.common.ecr import PULL_ACTIONS, ecr_repository_arn
from components.common.policies import Statement
from settings.secrets import Source, reference_service, secret_source
from settings.service import TaskSettings

EXEC_CHANNELS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
VOLUMES_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForVolumes"


def secret_grants(
    references: Sequence[str], region: str, account_id: pulumi.Input[str], source: Source
) -> list[pulumi.Output[str]]:
    """The ARNs to grant for the references of one service (`ssm`, `secretsmanager`), once
    each, in a stable order (settings/secrets.py resolves each form)."""
    placeholder = "000000000000"  # the account only fills in a name's ARN: equal here, equal there
    unique = {
        secret_source(ref, region, placeholder).grant: ref
        for ref in sorted(set(references))
        if reference_service(ref) == source
    }
    return [
        pulumi.Output.from_input(account_id).apply(
            lambda account, ref=ref: secret_source(ref, region, account).grant
        )
        for _, ref in sorted(unique.items())
    ]


def environment_file_statements(files: Sequence[str]) -> list[Statement]:
    """ECS reads environment files with the execution role: s3:GetObject on each object and
    s3:GetBucketLocation on its bucket (ECS developer guide, taskdef-envfiles.md)."""
    if not files:
        return []
    buckets = sorted({arn.split("/", 1)[0] for arn in files})
    return [
        policies.statement(["s3:GetObject"], sorted(files), sid="ReadDeclaredEnvironmentFiles"),
        policies.statement(["s3:GetBucketLocation"], buckets, sid="LocateEnvironmentFileBuckets"),
    ]


def execution_statements(
    service: TaskSettings,
    *,
    log_group_arn: pulumi.Input[str],
    repository_arn: pulumi.Input[str] | None,
    sidecar_images: tuple[str, ...] = (),
    region: str = "",
    account_id: pulumi.Input[str] = "",
) -> list[Statement]:
    """A service's or a job's execution role: its own logs, its images, its declared secrets
    (by ARN or by name, resolved in `region` and `account_id`) and environment files."""
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
    references = service.secret_references
    parameters = secret_grants(references, region, account_id, "ssm")
    secrets = secret_grants(references, region, account_id, "secretsmanager")
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
    return statements + environment_file_statements(service.task_environment_files)


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
