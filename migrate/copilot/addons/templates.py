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
from dataclasses import dataclass, field
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
# What a retained data resource keeps using: CloudFormation cannot delete these while it does
# (RDS DeleteDBSubnetGroup: InvalidDBSubnetGroupStateFault "cannot be deleted because it's in
# use"; EC2 DeleteSecurityGroup: DependencyViolation while a network interface or another
# group's rule uses it), so Copilot's delete ends in DELETE_FAILED; a KMS key it deletes is
# scheduled for deletion, and data it encrypts becomes unreadable (KMS ScheduleKeyDeletion).
SUPPORT_TYPES = {
    "AWS::RDS::DBSubnetGroup": "subnet group",
    "AWS::RDS::DBClusterParameterGroup": "parameter group",
    "AWS::RDS::DBParameterGroup": "parameter group",
    "AWS::EC2::SecurityGroup": "security group",
    "AWS::ElastiCache::SubnetGroup": "subnet group",
    "AWS::ElastiCache::ParameterGroup": "parameter group",
    "AWS::KMS::Key": "KMS key",
}
# Copilot's output kinds (internal/pkg/addon/output.go): the type of the resource Ref'd.
OUTPUT_KINDS = {
    "AWS::SecretsManager::Secret": "secret",
    "AWS::IAM::ManagedPolicy": "policy",
    "AWS::EC2::SecurityGroup": "security group",
}
SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# aws/copilot-cli internal/pkg/addon/addons.go `yamlMatcher`: Copilot reads only the files of
# addons/ whose extension (filepath.Ext, as written) is .yml or .yaml.
ADDON_EXTENSIONS = (".yml", ".yaml")
IGNORED_NOTE = (
    "not a .yml or .yaml file: Copilot ignores it (it reads only those from addons/), so it"
    " deployed nothing; nothing to keep"
)


def copilot_reads(file: str) -> bool:
    """Whether Copilot reads addon folder file `file` (a template or addons.parameters.yml)."""
    return file.endswith(ADDON_EXTENSIONS)


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
    on delete, the property that names it, the template's other resources it names (Ref,
    Fn::GetAtt, ${...} in Fn::Sub) and its properties as read."""

    logical_id: str
    type: str
    retained: bool  # DeletionPolicy: Retain (or RetainExceptOnCreate)
    name: Any = None  # its naming property as written (a string, or {"!Sub": ...})
    refs: frozenset[str] = frozenset()
    properties: Mapping[str, Any] = field(default_factory=dict, compare=False)

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
class Output:
    """One entry of the template's Outputs, classified the way Copilot classifies it
    (aws/copilot-cli internal/pkg/addon/output.go `Outputs`: by the type of the resource its
    `Ref` names): `secret`, `policy`, `security group`, else `variable`."""

    name: str
    kind: str
    ref: str | None  # the resource its Value is a Ref of, if it is


@dataclass(frozen=True)
class Addon:
    """One template: `file`, its resources and outputs, or `error` when it cannot be read."""

    file: str
    resources: tuple[Resource, ...] = ()
    error: str | None = None
    outputs: tuple[Output, ...] = ()

    @property
    def data(self) -> tuple[Resource, ...]:
        return tuple(r for r in self.resources if r.type in DATA_TYPES)

    def resource(self, logical_id: str | None) -> Resource | None:
        return next((r for r in self.resources if r.logical_id == logical_id), None)

    def supporting(self, resource: Resource) -> tuple[Resource, ...]:
        """The resources of SUPPORT_TYPES that `resource` uses, directly or through another
        (a cluster's subnet group, its security group and the group that group admits), in the
        template's order."""
        seen: dict[str, Resource] = {}
        todo = list(resource.refs)
        while todo:
            found = self.resource(todo.pop())
            if found is None or found.logical_id in seen or found is resource:
                continue
            seen[found.logical_id] = found
            todo.extend(found.refs)
        return tuple(r for r in self.resources if r.logical_id in seen and r.type in SUPPORT_TYPES)


def read_addon(root: Path, file: str) -> Addon:
    """The addon template `file` (relative to `root`); parameters files are not templates."""
    try:
        data = yaml.load((root / file).read_text(), Loader=_TolerantLoader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as error:
        return Addon(file, error=f"not readable as a template: {str(error).splitlines()[0]}")
    resources = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict):
        return Addon(file, error="no Resources section (a parameters file, or not a template)")
    read = tuple(
        _resource(str(name), body, set(map(str, resources)))
        for name, body in resources.items()
        if isinstance(body, dict)
    )
    types = {r.logical_id: r.type for r in read}
    outputs = data.get("Outputs") if isinstance(data.get("Outputs"), dict) else {}
    return Addon(file, read, outputs=tuple(_output(str(k), v, types) for k, v in outputs.items()))


def _output(name: str, body: Any, types: Mapping[str, str]) -> Output:
    value = body.get("Value") if isinstance(body, dict) else None
    ref = value.get("!Ref", value.get("Ref")) if isinstance(value, dict) else None
    ref = ref if isinstance(ref, str) else None
    return Output(name, OUTPUT_KINDS.get(types.get(ref or ""), "variable"), ref)


def _resource(name: str, body: dict[str, Any], names: set[str]) -> Resource:
    kind = str(body.get("Type"))
    properties = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
    naming = properties.get(NAME_PROPERTIES.get(kind, ""))
    retained = str(body.get("DeletionPolicy", "")).startswith("Retain")
    refs = frozenset(_refs(properties) & names - {name})
    return Resource(name, kind, retained, naming, refs, properties)


def _refs(value: Any) -> set[str]:
    """The logical ids `value` names: Ref, Fn::GetAtt (`X.Arn` or [X, Arn]) and Fn::Sub's
    `${X}` / `${X.Arn}`, in long or short form."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("Ref", "!Ref") and isinstance(item, str):
                found.add(item)
            elif key in ("Fn::GetAtt", "!GetAtt"):
                first = item[0] if isinstance(item, list) and item else item
                found.add(str(first).split(".")[0])
            elif key in ("Fn::Sub", "!Sub"):
                text = item[0] if isinstance(item, list) and item else item
                found.update(v.strip().split(".")[0] for v in SUB_VARIABLE.findall(str(text)))
                found |= _refs(item[1:] if isinstance(item, list) else None)
            else:
                found |= _refs(item)
    elif isinstance(value, list):
        for item in value:
            found |= _refs(item)
    return found
