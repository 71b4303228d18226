"""Addon templates (CloudFormation, `copilot/<workload>/addons/*.yml` and
`copilot/environments/addons/*.yml`): what each holds and how to keep its data when Copilot's
stacks are deleted. Copilot deletes a workload's addons with the workload
(site/content/docs/commands/storage-init.en.md). The addons are the nested stack `AddonsStack`
of the workload's stack `<app>-<env>-<name>` or of the environment's stack `<app>-<env>`
(aws/copilot-cli internal/pkg/deploy/cloudformation/stack/name.go, templates/workloads/
partials/cf/addons.yml, templates/environment/cf.yml)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Resource types that hold data, with the id `pulumi import` takes for them (the Pulumi AWS
# provider's import sections: the table name, the bucket name, the cluster or instance
# identifier, the file system id, the replication group id, the queue URL).
DATA_TYPES = {
    "AWS::DynamoDB::Table": ("aws:dynamodb/table:Table", "the table name"),
    "AWS::S3::Bucket": ("aws:s3/bucket:Bucket", "the bucket name"),
    "AWS::RDS::DBCluster": ("aws:rds/cluster:Cluster", "the cluster identifier"),
    "AWS::RDS::DBInstance": ("aws:rds/instance:Instance", "the instance identifier"),
    "AWS::EFS::FileSystem": ("aws:efs/fileSystem:FileSystem", "the file system id (fs-...)"),
    "AWS::ElastiCache::ReplicationGroup": (
        "aws:elasticache/replicationGroup:ReplicationGroup", "the replication group id"),
    "AWS::SQS::Queue": ("aws:sqs/queue:Queue", "the queue URL"),
    "AWS::SecretsManager::Secret": ("aws:secretsmanager/secret:Secret", "the secret ARN"),
}  # fmt: skip
# The property that names each of them (CloudFormation resource reference), when the template
# sets it; the import id is that name for these types.
NAME_PROPERTIES = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::RDS::DBCluster": "DBClusterIdentifier",
    "AWS::RDS::DBInstance": "DBInstanceIdentifier",
    "AWS::ElastiCache::ReplicationGroup": "ReplicationGroupId",
}
# The parameters Copilot passes every addon (developing/addons/workload.en.md).
SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class _TolerantLoader(yaml.SafeLoader):
    """Reads CloudFormation's short forms (!Ref, !Sub, !GetAtt ...) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {f"!{suffix}": loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {f"!{suffix}": loader.construct_sequence(node, deep=True)}
    return {f"!{suffix}": loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("!", _any_tag)


@dataclass(frozen=True)
class Resource:
    """One resource of a template: its logical id, CloudFormation type, whether it is retained
    on delete, and the property that names it."""

    logical_id: str
    type: str
    retained: bool  # DeletionPolicy: Retain (or RetainExceptOnCreate)
    name: Any = None  # its naming property as written (a string, or {"!Sub": ...})

    def physical_name(self, app: str, env: str, workload: str | None) -> str | None:
        """The name it has in environment `env`, when the template says it in full."""
        if isinstance(self.name, str):
            return self.name
        text = self.name.get("!Sub") if isinstance(self.name, dict) else None
        if not isinstance(text, str):
            return None
        values = {"App": app, "Env": env, **({"Name": workload} if workload else {})}
        if any(v.strip() not in values for v in SUB_VARIABLE.findall(text)):
            return None
        return SUB_VARIABLE.sub(lambda m: values[m.group(1).strip()], text)


@dataclass(frozen=True)
class Addon:
    """One template: `file`, its resources, or `error` when it cannot be read."""

    file: str
    resources: tuple[Resource, ...] = ()
    error: str | None = None

    @property
    def data(self) -> tuple[Resource, ...]:
        return tuple(r for r in self.resources if r.type in DATA_TYPES)


def read_addon(root: Path, file: str) -> Addon:
    """The addon template `file` (relative to `root`); parameters files are not templates."""
    try:
        data = yaml.load((root / file).read_text(), Loader=_TolerantLoader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as error:
        return Addon(file, error=f"not readable as a template: {str(error).splitlines()[0]}")
    resources = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict):
        return Addon(file, error="no Resources section (a parameters file, or not a template)")
    return Addon(
        file,
        tuple(
            _resource(str(name), body) for name, body in resources.items() if isinstance(body, dict)
        ),
    )


def _resource(name: str, body: dict[str, Any]) -> Resource:
    kind = str(body.get("Type"))
    properties = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
    naming = properties.get(NAME_PROPERTIES.get(kind, ""))
    retained = str(body.get("DeletionPolicy", "")).startswith("Retain")
    return Resource(name, kind, retained, naming)


def keep_data_steps(
    addon: Addon, app: str, workload: str | None, stacks: Mapping[str, str], deploy: str
) -> list[str]:
    """Markdown lines: how to keep each data resource of `addon` (of `workload`, None for an
    environment addon) through Copilot's removal, with the import command per stack
    (`stacks`: Copilot environment -> stack); `deploy` is the Copilot command that deploys the
    template (copilot svc deploy, job deploy or env deploy)."""
    lines = []
    for resource in addon.data:
        pulumi_type, id_name = DATA_TYPES[resource.type]
        policy = (
            "already has DeletionPolicy: Retain"
            if resource.retained
            else "add `DeletionPolicy: Retain` and `UpdateReplacePolicy: Retain` to it in the"
            f" template and deploy it once more with Copilot (`{deploy}`) before anything is"
            " deleted"
        )
        lines.append(f"- `{resource.logical_id}` ({resource.type}): {policy}. It then outlives"
                     " Copilot's stacks. To manage it with Pulumi, import it (this writes its"
                     " code for a program of yours; this platform's program does not declare"
                     " it):")  # fmt: skip
        for env, stack in stacks.items():
            found = resource.physical_name(app, env, workload)
            lines.append(f"  - stack {stack}: `pulumi import {pulumi_type}"
                         f" {resource.logical_id.lower()} {found or f'<{id_name}>'}"
                         f" --stack {stack}`")  # fmt: skip
            if found is None:
                owner = f"{app}-{env}" + (f"-{workload}" if workload else "")
                lines.append(f"    (the id: `aws cloudformation describe-stack-resources"
                             f" --stack-name $(aws cloudformation describe-stack-resource"
                             f" --stack-name {owner} --logical-resource-id AddonsStack --query"
                             f" StackResourceDetail.PhysicalResourceId --output text)"
                             f" --logical-resource-id {resource.logical_id}`)")  # fmt: skip
    return lines
