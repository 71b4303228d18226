"""Addon templates (CloudFormation, `copilot/<workload>/addons/*.yml` and
`copilot/environments/addons/*.yml`): what each holds and how to keep its data when Copilot's
stacks are deleted. Copilot deletes a workload's addons with the workload
(site/content/docs/commands/storage-init.en.md)."""

from __future__ import annotations

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
    logical_id: str
    type: str
    retained: bool  # DeletionPolicy: Retain (or RetainExceptOnCreate)


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
    return Addon(file, tuple(
        Resource(str(name), str(body.get("Type")),
                 str(body.get("DeletionPolicy", "")).startswith("Retain"))
        for name, body in resources.items() if isinstance(body, dict)
    ))  # fmt: skip


def keep_data_steps(addon: Addon, stack: str) -> list[str]:
    """Markdown lines: how to keep each data resource of `addon` through Copilot's removal."""
    lines = []
    for resource in addon.data:
        pulumi_type, id_name = DATA_TYPES[resource.type]
        policy = (
            "already has DeletionPolicy: Retain"
            if resource.retained
            else "add `DeletionPolicy: Retain` and `UpdateReplacePolicy: Retain` to it in the"
            " template and redeploy the workload with Copilot (`copilot svc deploy`) once, before"
            " anything is deleted"
        )
        lines.append(
            f"- `{resource.logical_id}` ({resource.type}): {policy}. After Copilot's stacks are"
            f" deleted the resource stays, outside any stack. To manage it with Pulumi, import it"
            f" into stack {stack}: `pulumi import {pulumi_type} {resource.logical_id.lower()}"
            f" <{id_name}> --stack {stack}` (writes the resource's code to add to a program;"
            " this platform's program does not declare it)."
        )
    return lines
