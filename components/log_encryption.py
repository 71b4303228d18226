"""The environment's customer KMS key for CloudWatch Logs and ECS Exec sessions.

One key serves both, by choice: CloudWatch Logs may use it only for this account's log groups
in this region (the encryption-context condition), and everything else (the task role's
kms:Decrypt for exec sessions, people who start them) is granted by IAM policies on this key
alone, which the account statement delegates to. A second key would cost another monthly key
fee and grant nothing narrower.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.naming import Naming
from components.common.policies import Statement

# What CloudWatch Logs needs to encrypt and read back a log group's data.
LOGS_SERVICE_ACTIONS = (
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
)
PRODUCTION_DELETION_WINDOW_DAYS = 30  # the longest KMS allows: time to notice a mistake
DELETION_WINDOW_DAYS = 7  # the shortest KMS allows


def logs_service_statement(region: str, account_id: pulumi.Input[str]) -> Statement:
    return policies.statement(
        LOGS_SERVICE_ACTIONS,
        ["*"],  # in a key policy "*" means this key
        sid="CloudWatchLogsOfThisAccount",
        principals={"Service": f"logs.{region}.amazonaws.com"},
        conditions={
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": pulumi.Output.concat(
                    "arn:aws:logs:", region, ":", account_id, ":log-group:*"
                )
            }
        },
    )


@dataclass(frozen=True)
class LogKeyArgs:
    naming: Naming
    region: str
    account_id: pulumi.Input[str]
    protect: bool
    # Statements more services need in the key policy (SNS topics delivering into SQS queues
    # encrypted with this key: components/service/queue.py sns_key_statement).
    extra_statements: tuple[Statement, ...] = ()


class LogKey(pulumi.ComponentResource):
    TYPE = "ecs-platform:logs:LogKey"  # part of every child's URN: never change it
    key_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: LogKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"CloudWatch Logs and ECS Exec sessions of {args.naming.prefix}",
            enable_key_rotation=True,
            deletion_window_in_days=(
                PRODUCTION_DELETION_WINDOW_DAYS if args.protect else DELETION_WINDOW_DAYS
            ),
            policy=policies.document(
                [
                    policies.account_administers_key(args.account_id),
                    logs_service_statement(args.region, args.account_id),
                    *args.extra_statements,
                ]
            ),
            tags=args.naming.tags("logs"),
            # Deleting the key would make every encrypted log group unreadable.
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        aws.kms.Alias(
            f"{name}-alias",
            name=f"alias/{args.naming.physical('kms-alias', 'logs')}",
            target_key_id=self.key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.key_arn = self.key.arn
        self.register_outputs({"keyArn": self.key_arn})
