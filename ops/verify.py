"""`svc verify`: what a deployment of the service needs exists in AWS, before `pulumi up` finds
out the slow way (a task that cannot pull or read its secrets fails only after it is placed).

Checks (each one line, OK or FAIL with the reason), after ecspresso's `verify`:
- the cluster exists (ecs DescribeClusters);
- the pinned image exists in this stack's ECR repository (ecr DescribeImages by digest or tag);
- each secret exists (secretsmanager DescribeSecret, ssm GetParameters) and the execution role's
  inline policy grants reading it (iam ListRolePolicies, GetRolePolicy; the program grants
  exactly the declared ARNs, components/service/iam.py `execution_statements`);
- the service's log group and the cluster's exec log group exist (logs DescribeLogGroups);
- each target group listens on the container's port (elbv2 DescribeTargetGroups).
"""

from __future__ import annotations

import fnmatch
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ops import aws
from ops.stack import ServiceNames, StackNames


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _cluster(stack: StackNames) -> Check:
    found = aws.client("ecs", stack.region).describe_clusters(clusters=[stack.cluster])
    active = [c for c in found.get("clusters") or [] if c.get("status") == "ACTIVE"]
    return Check("cluster", bool(active), stack.cluster if active else f"{stack.cluster} not found")


def _image(stack: StackNames, names: ServiceNames) -> Check:
    image = names.settings.image
    if names.repository is None:
        return Check("image", True, f"{image.uri}: another registry, not checked")
    wanted = {"imageDigest": image.digest} if image.digest else {"imageTag": str(image.tag)}
    shown = (
        f"{names.repository}@{image.digest}" if image.digest else f"{names.repository}:{image.tag}"
    )
    ecr = aws.client("ecr", stack.region)
    try:
        found = ecr.describe_images(repositoryName=names.repository, imageIds=[wanted])
    except (ecr.exceptions.ImageNotFoundException, ecr.exceptions.RepositoryNotFoundException):
        return Check("image", False, f"{shown} is not in ECR (push it, then release its digest)")
    return Check("image", bool(found.get("imageDetails")), shown)


def _granted(documents: list[dict[str, Any]], action: str, arn: str) -> bool:
    for document in documents:
        statements = document.get("Statement") or []
        for statement in statements if isinstance(statements, list) else [statements]:
            actions = statement.get("Action") or []
            resources = statement.get("Resource") or []
            actions = [actions] if isinstance(actions, str) else actions
            resources = [resources] if isinstance(resources, str) else resources
            if statement.get("Effect") != "Allow":
                continue
            if any(fnmatch.fnmatchcase(action, a) for a in actions) and any(
                fnmatch.fnmatchcase(arn, r) for r in resources
            ):
                return True
    return False


def _role_documents(stack: StackNames, role: str) -> list[dict[str, Any]] | None:
    iam = aws.client("iam", stack.region)
    try:
        policy_names = iam.list_role_policies(RoleName=role).get("PolicyNames") or []
    except iam.exceptions.NoSuchEntityException:
        return None
    documents = []
    for name in policy_names:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        if isinstance(document, str):
            document = json.loads(urllib.parse.unquote(document))
        documents.append(document)
    return documents


def _secrets(stack: StackNames, names: ServiceNames) -> Iterator[Check]:
    documents = _role_documents(stack, names.execution_role)
    if documents is None:
        yield Check("execution role", False, f"{names.execution_role} not found")
        documents = []
    for variable, value in sorted(names.settings.secrets.items()):
        arn = ":".join(value.split(":")[:7])  # without a `:json-key:stage:version` selector
        if ":ssm:" in arn:
            parameter = arn.split(":parameter", 1)[1]
            found = aws.client("ssm", stack.region).get_parameters(Names=[parameter])
            exists, action = bool(found.get("Parameters")), "ssm:GetParameters"
        else:
            client = aws.client("secretsmanager", stack.region)
            try:
                client.describe_secret(SecretId=arn)
                exists = True
            except client.exceptions.ResourceNotFoundException:
                exists = False
            action = "secretsmanager:GetSecretValue"
        readable = _granted(documents, action, arn)
        problems = [] if exists else ["does not exist"]
        problems += [] if readable else [f"{names.execution_role} may not {action} it"]
        yield Check(f"secret {variable}", not problems, f"{arn}: {'; '.join(problems) or 'OK'}")


def _log_groups(stack: StackNames, names: ServiceNames) -> Iterator[Check]:
    logs = aws.client("logs", stack.region)
    for group in (names.log_group, stack.exec_log_group):
        found = logs.describe_log_groups(logGroupNamePrefix=group).get("logGroups") or []
        exists = any(g.get("logGroupName") == group for g in found)
        yield Check("log group", exists, group if exists else f"{group} not found")


def _target_groups(stack: StackNames, names: ServiceNames) -> Iterator[Check]:
    elbv2 = aws.client("elbv2", stack.region)
    for group in names.target_groups:
        try:
            (found,) = elbv2.describe_target_groups(Names=[group])["TargetGroups"]
        except elbv2.exceptions.TargetGroupNotFoundException:
            yield Check("target group", False, f"{group} not found")
            continue
        port = names.settings.port
        same = found.get("Port") == port
        detail = f"{group} port {found.get('Port')}" + ("" if same else f", container port {port}")
        yield Check("target group", same, detail)


def verify(stack: StackNames, key: str) -> list[Check]:
    names = stack.service(key)
    return [
        _cluster(stack),
        _image(stack, names),
        *_secrets(stack, names),
        *_log_groups(stack, names),
        *_target_groups(stack, names),
    ]
