"""How to keep an addon's data through Copilot's removal, and how the new stacks reach it:
Markdown steps for MIGRATION.md, with the AWS CLI commands they take (each command's options
are checked against botocore's service models by tests/migrate/test_copilot_addons.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from migrate.copilot.addons.templates import DATA_TYPES, SUPPORT_TYPES, Addon, Resource


@dataclass(frozen=True)
class Place:
    """Where one Copilot environment goes: its `stack`, the VPC the environment imported
    (`vpc`; None when Copilot created the VPC) and that VPC's range (`cidr`)."""

    stack: str
    vpc: str | None
    cidr: str


# Data that sits in the VPC's subnets (a cluster's or instance's network interfaces, a
# replication group's nodes, a file system's mount targets); the others are regional and
# reached through their API with IAM from any VPC.
VPC_BOUND = {
    "AWS::RDS::DBCluster": "create-db-cluster-snapshot",
    "AWS::RDS::DBInstance": "create-db-snapshot",
    "AWS::ElastiCache::ReplicationGroup": "create-snapshot",
    "AWS::EFS::FileSystem": "mount targets",
}


def keep_data_steps(
    addon: Addon, app: str, workload: str | None, places: Mapping[str, Place], deploy: str
) -> list[str]:
    """Markdown lines: for each data resource of `addon` (of `workload`, None for an
    environment addon), how to keep it through Copilot's removal, the import command per stack
    (`places`: Copilot environment -> where it goes), and for data in a VPC how the stack's
    services reach it; `deploy` is the Copilot command that deploys the template."""
    lines = []
    for resource in addon.data:
        lines += _retain(addon, resource, deploy)
        lines += _imports(resource, app, workload, places)
        if resource.type in VPC_BOUND and not _cluster_member(resource):
            lines += _reach(resource, app, workload, places)
    return lines


def _retain(addon: Addon, resource: Resource, deploy: str) -> list[str]:
    unretained = [r for r in addon.supporting(resource) if not r.retained]
    add = [] if resource.retained else [resource]
    add += unretained
    if not add:
        policy = "already has DeletionPolicy: Retain, as has everything it uses"
    else:
        names = ", ".join(f"`{r.logical_id}`" for r in add)
        policy = (
            f"add `DeletionPolicy: Retain` and `UpdateReplacePolicy: Retain` to {names} in the"
            f" template and deploy it once more with Copilot (`{deploy}`) before anything is"
            " deleted"
        )
    lines = [f"- `{resource.logical_id}` ({resource.type}): {policy}."]
    if unretained:
        used = ", ".join(f"`{r.logical_id}` ({SUPPORT_TYPES[r.type]})" for r in unretained)
        lines.append(
            f"  It uses {used}: CloudFormation cannot delete a subnet group, parameter group or"
            " security group that a kept resource still uses, so without Retain Copilot's"
            " delete ends in DELETE_FAILED; a deleted KMS key makes what it encrypts"
            " unreadable."
        )
    lines.append(
        "  It then outlives Copilot's stacks. To manage it with Pulumi, import it into a Pulumi"
        " project of your own, never into this platform's stacks: their program does not"
        " declare it, so their next `pulumi up` would delete it (or fail on it, as `pulumi"
        " import` protects what it imports). In that project's folder, with a stack per"
        " environment, and the code `pulumi import` prints added to its program:"
    )
    return lines


def _imports(
    resource: Resource, app: str, workload: str | None, places: Mapping[str, Place]
) -> list[str]:
    pulumi_type, id_name = DATA_TYPES[resource.type]
    lines = []
    for env, place in places.items():
        found = resource.physical_name(app, env, workload)
        lines.append(f"  - stack {place.stack}: `pulumi import {pulumi_type}"
                     f" {resource.logical_id.lower()} {found or f'<{id_name}>'}"
                     f" --stack {place.stack}`")  # fmt: skip
        if found is None:
            lines.append(f"    (the id: `{_describe(app, env, workload, resource)}`)")
    return lines


def _describe(app: str, env: str, workload: str | None, resource: Resource) -> str:
    """The command that prints a resource's physical id from Copilot's addon stack, the nested
    stack `AddonsStack` of `<app>-<env>[-<workload>]`."""
    owner = f"{app}-{env}" + (f"-{workload}" if workload else "")
    return (
        "aws cloudformation describe-stack-resources --stack-name $(aws cloudformation"
        f" describe-stack-resource --stack-name {owner} --logical-resource-id AddonsStack"
        " --query StackResourceDetail.PhysicalResourceId --output text) --logical-resource-id"
        f" {resource.logical_id} --query StackResources[0].PhysicalResourceId --output text"
    )


def _cluster_member(resource: Resource) -> bool:
    """An Aurora instance: it moves with its cluster."""
    return "DBClusterIdentifier" in resource.properties


def _reach(
    resource: Resource, app: str, workload: str | None, places: Mapping[str, Place]
) -> list[str]:
    lines = ["  Reaching it from the new stacks (it sits in the subnets of Copilot's VPC):"]
    for env, place in places.items():
        name = resource.physical_name(app, env, workload)
        if place.vpc is not None:
            how = (
                "the import attached the client group the addon's output names (a placeholder"
                " in `securityGroups`), or admit"
                if workload
                else "admit"
            )
            lines.append(
                f"  - stack {place.stack} runs in the same VPC ({place.vpc},"
                f" `network.existing`): its security group must admit the tasks: {how} the"
                " stack output `serviceSecurityGroupIds` in its group. A group of Copilot's"
                " environment stack (such as EnvironmentSecurityGroup) goes with"
                " `copilot env delete`: a kept group must not refer to it."
            )
            continue
        lines.append(
            f"  - stack {place.stack}: Copilot created environment {env}'s VPC ({place.cidr})"
            f" and the stack creates its own VPC with the same range (`network.cidr`). VPCs"
            " with overlapping ranges cannot be peered (EC2 CreateVpcPeeringConnection), so"
            " its services cannot reach it there, and while it is in Copilot's subnets"
            " `copilot env delete` cannot delete them. Move it into the stack's VPC after"
            f" `pulumi up --stack {place.stack}` and before DNS moves (stop Copilot's writers"
            " first: what is written after the snapshot is lost):"
        )
        lines += [f"    - `{command}`" for command in _move(resource, name, place.stack)]
        if resource.type.startswith("AWS::RDS::"):
            lines.append(
                "    The restored database has a new endpoint: update where the services read"
                " it (the `host` of the secret Copilot attached to it, or a variable)."
            )
    return lines


def _cluster_options(resource: Resource) -> str:
    """What a restored cluster does not take from its snapshot and the template set: its
    parameter group (RestoreDBClusterFromSnapshot's DBClusterParameterGroupName: the engine's
    default group when omitted) and its Serverless v2 capacity range, which the cluster must
    have before a db.serverless instance is added (CloudFormation reference,
    aws-properties-rds-dbcluster-serverlessv2scalingconfiguration)."""
    options = ""
    if "DBClusterParameterGroupName" in resource.properties:
        options += " --db-cluster-parameter-group-name <the name of the kept parameter group>"
    if "ServerlessV2ScalingConfiguration" in resource.properties:
        scaling = resource.properties["ServerlessV2ScalingConfiguration"]
        low, high = (scaling.get(k) if isinstance(scaling, dict) else None
                     for k in ("MinCapacity", "MaxCapacity"))  # fmt: skip
        low = low if isinstance(low, int | float) else "<its MinCapacity>"
        high = high if isinstance(high, int | float) else "<its MaxCapacity>"
        options += f" --serverless-v2-scaling-configuration MinCapacity={low},MaxCapacity={high}"
    return options


def _cache_options(resource: Resource) -> str:
    """The encryption a replication group restored from a snapshot is given again."""
    return "".join(
        f" --{flag}"
        for key, flag in (("TransitEncryptionEnabled", "transit-encryption-enabled"),
                          ("AtRestEncryptionEnabled", "at-rest-encryption-enabled"))
        if resource.properties.get(key) is True
    )  # fmt: skip


def _port(resource: Resource) -> str:
    """The port clients use: the template's `Port`, NFS's 2049 for a file system."""
    if resource.type == "AWS::EFS::FileSystem":
        return "2049"
    port = resource.properties.get("Port")
    return str(port) if isinstance(port, int | str) and str(port).isdigit() else "<its port>"


def _move(resource: Resource, found: str | None, stack: str) -> list[str]:
    """The commands that move one VPC-bound data resource (named `found` in Copilot's stack,
    when the template says) into `stack`'s VPC, under new names `<logical id>-<stack>`."""
    name = found or f"<{DATA_TYPES[resource.type][1]}>"
    new = f"{(found or resource.logical_id).lower()}-{stack}"
    subnets = f"<the stack output privateSubnetIds of {stack}>"
    group = "<the GroupId create-security-group printed>"
    setup = [
        f"aws ec2 create-security-group --group-name {new} --description"
        f" 'Clients of {resource.logical_id} in {stack}' --vpc-id <the stack output vpcId of"
        f" {stack}>",
        f"aws ec2 authorize-security-group-ingress --group-id {group} --ip-permissions"
        f" 'IpProtocol=tcp,FromPort={_port(resource)},ToPort={_port(resource)},"
        "UserIdGroupPairs=[{GroupId=<the group of the service, stack output"
        " serviceSecurityGroupIds>}]'",
    ]
    engine = resource.properties.get("Engine")
    engine = engine if isinstance(engine, str) else "<its engine>"
    snapshot = f"{new}-move"
    if resource.type == "AWS::RDS::DBCluster":
        return [
            *setup,
            f"aws rds create-db-subnet-group --db-subnet-group-name {new}"
            f" --db-subnet-group-description 'Private subnets of {stack}' --subnet-ids {subnets}",
            f"aws rds create-db-cluster-snapshot --db-cluster-identifier {name}"
            f" --db-cluster-snapshot-identifier {snapshot}",
            f"aws rds restore-db-cluster-from-snapshot --db-cluster-identifier {new}"
            f" --snapshot-identifier {snapshot} --engine {engine} --db-subnet-group-name {new}"
            f" --vpc-security-group-ids {group}{_cluster_options(resource)}",
            f"aws rds create-db-instance --db-instance-identifier {new}-1"
            f" --db-cluster-identifier {new} --engine {engine} --db-instance-class <the class"
            " of its writer, db.serverless for Serverless v2>",
        ]
    if resource.type == "AWS::RDS::DBInstance":
        return [
            *setup,
            f"aws rds create-db-subnet-group --db-subnet-group-name {new}"
            f" --db-subnet-group-description 'Private subnets of {stack}' --subnet-ids {subnets}",
            f"aws rds create-db-snapshot --db-instance-identifier {name} --db-snapshot-identifier"
            f" {snapshot}",
            f"aws rds restore-db-instance-from-db-snapshot --db-instance-identifier {new}"
            f" --db-snapshot-identifier {snapshot} --db-subnet-group-name {new}"
            f" --vpc-security-group-ids {group}",
        ]
    if resource.type == "AWS::ElastiCache::ReplicationGroup":
        return [
            *setup,
            f"aws elasticache create-cache-subnet-group --cache-subnet-group-name {new}"
            f" --cache-subnet-group-description 'Private subnets of {stack}' --subnet-ids"
            f" {subnets}",
            f"aws elasticache create-snapshot --replication-group-id {name} --snapshot-name"
            f" {snapshot}",
            f"aws elasticache create-replication-group --replication-group-id {new}"
            f" --replication-group-description {resource.logical_id} --snapshot-name {snapshot}"
            f" --cache-subnet-group-name {new} --security-group-ids {group}"
            f"{_cache_options(resource)}",
        ]
    # "You can create mount targets for the file system in one VPC at a time" (EFS user guide,
    # manage-fs-access-create-delete-mount-targets): move them, the data stays.
    return [
        *setup,
        f"aws efs describe-mount-targets --file-system-id {name}",
        "aws efs delete-mount-target --mount-target-id <each of them>",
        f"aws efs create-mount-target --file-system-id {name} --subnet-id <each subnet of"
        f" {subnets}> --security-groups {group}",
    ]
