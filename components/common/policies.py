"""The one builder for IAM policy documents (identity, trust and resource policies).

Documents are JSON strings built with `pulumi.Output.json_dumps`, so ARNs that are still
outputs can be used directly. Allow statements never use `*` actions (Deny
guard rails may); a `*` resource is passed in explicitly by the caller where AWS requires it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

Statement = dict[str, Any]


def statement(
    actions: Sequence[str],
    resources: Sequence[pulumi.Input[str]] | None = None,
    *,
    effect: str = "Allow",
    principals: Mapping[str, Any] | None = None,
    conditions: Mapping[str, Mapping[str, Any]] | None = None,
    sid: str | None = None,
) -> Statement:
    if effect == "Allow" and any(action == "*" or action.endswith(":*") for action in actions):
        raise ValueError(f"wildcard actions are not allowed in policies: {list(actions)}")
    result: Statement = {"Effect": effect, "Action": sorted(set(actions))}
    if sid:
        result["Sid"] = sid
    if principals is not None:
        result["Principal"] = dict(principals)
    if resources is not None:
        result["Resource"] = list(resources)
    if conditions:
        result["Condition"] = {op: dict(values) for op, values in conditions.items()}
    return result


def same_account(account_id: pulumi.Input[str]) -> dict[str, dict[str, Any]]:
    """The condition that lets an AWS service act only on behalf of this account (confused
    deputy protection)."""
    return {"StringEquals": {"aws:SourceAccount": account_id}}


def document(statements: Sequence[Statement]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def assume_role(
    service: str, *, conditions: Mapping[str, Mapping[str, Any]] | None = None
) -> pulumi.Output[str]:
    """Trust policy that lets one AWS service principal assume the role."""
    return document(
        [
            statement(
                ["sts:AssumeRole"],
                principals={"Service": service},
                conditions=conditions,
            )
        ]
    )


def account_administers_key(account_id: pulumi.Input[str]) -> Statement:
    """The one statement with a whole-service action: a KMS key policy must let its account
    administer the key (AWS's default key policy), or the key can never be managed again."""
    return {
        "Sid": "AccountAdministersKey",
        "Effect": "Allow",
        "Principal": {"AWS": pulumi.Output.concat("arn:aws:iam::", account_id, ":root")},
        "Action": ["kms:*"],
        "Resource": ["*"],
    }
