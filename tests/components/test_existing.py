"""The `existing` fixture: a production stack moved in beside a team's VPC, listener, secrets,
database group, EFS file system and environment file. It registers nothing of the team's, and
grants each secret, parameter, object and file system exactly."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from service_helpers import INGRESS, SERVICE, containers, policy

from harness.records import Synthesis

ACCOUNT, REGION = "123456789012", "eu-west-1"
LISTENER = (
    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/shared-alb/"
    "0123456789abcdef/fedcba9876543210"
)
ALB_GROUP, DATABASE_GROUP = "sg-0a1b2c3d4e5f60718", "sg-0f1e2d3c4b5a69788"
PRIVATE = ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012", "subnet-0a1b2c3d4e5f60013"]
TEAM_FILE_SYSTEM = f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/fs-0a1b2c3d4e5f60718"
TEAM_ACCESS_POINT = (
    f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:access-point/fsap-0a1b2c3d4e5f607189"
)
NOT_REGISTERED = (
    "awsx:ec2:Vpc", "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/flowLog:FlowLog",
    "aws:lb/loadBalancer:LoadBalancer", "aws:lb/listener:Listener", "aws:wafv2/webAcl:WebAcl",
    "aws:s3/bucket:Bucket", "aws:autoscaling/group:Group",
)  # fmt: skip


@pytest.fixture(scope="module")
def existing(synthesized: Callable[[str], Synthesis]) -> Synthesis:
    return synthesized("existing")


def statements(synthesis: Synthesis, name: str) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in policy(synthesis, name)}


def test_nothing_of_the_teams_is_registered(existing: Synthesis) -> None:
    registered = {r.type for r in existing.resources}
    assert sorted(registered & set(NOT_REGISTERED)) == []
    assert not [a for a in existing.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
                if a.name.startswith("alarms-alb-")]  # fmt: skip


def test_the_stack_looks_up_what_it_moves_in_beside(existing: Synthesis) -> None:
    looked_up = sorted(
        (token.split(":")[-1], args.get("id") or args.get("arn"))
        for token, args in existing.invokes
        if token.split(":")[-1] in {"getVpc", "getSubnet", "getListener", "getLoadBalancer"}
    )
    assert looked_up == sorted(
        [("getVpc", "vpc-0a1b2c3d4e5f60718"), ("getListener", LISTENER)]
        + [("getSubnet", subnet) for subnet in PRIVATE]
        + [("getLoadBalancer", LISTENER.replace(":listener/", ":loadbalancer/").rsplit("/", 1)[0])]
    )
    assert existing.outputs["vpcId"] == "vpc-0a1b2c3d4e5f60718"
    assert existing.outputs["availabilityZones"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert existing.outputs["loadBalancerDnsName"].startswith("shared-alb-")


def test_the_execution_role_reads_exactly_the_declared_secrets_and_files(
    existing: Synthesis,
) -> None:
    web = statements(existing, "web-execution")
    assert web["ReadDeclaredParameters"]["Resource"] == [
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/shop/prod/db-password"
    ]
    assert web["ReadDeclaredSecrets"]["Resource"] == [
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:shop/prod/stripe-??????"
    ]
    assert web["ReadDeclaredEnvironmentFiles"] == {
        "Effect": "Allow",
        "Action": ["s3:GetObject"],
        "Sid": "ReadDeclaredEnvironmentFiles",
        "Resource": ["arn:aws:s3:::acme-shop-config/prod/web.env"],
    }
    assert web["LocateEnvironmentFileBuckets"]["Resource"] == ["arn:aws:s3:::acme-shop-config"]
    assert web["LocateEnvironmentFileBuckets"]["Action"] == ["s3:GetBucketLocation"]
    worker = statements(existing, "worker-execution")
    assert worker["ReadDeclaredSecrets"]["Resource"] == [
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:shop/prod/queue-??????"
    ]
    assert "ReadDeclaredParameters" not in worker and "ReadDeclaredEnvironmentFiles" not in worker


def test_secrets_by_name_reach_ecs_as_arns(existing: Synthesis) -> None:
    web = {s["name"]: s["valueFrom"] for s in containers(existing, "web")[0]["secrets"]}
    assert web == {
        "DB_PASSWORD": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/shop/prod/db-password",
        # ECS's json-key:version-stage:version-id selector, colons kept (ECS developer guide)
        "STRIPE_KEY": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:shop/prod/stripe"
        ":secret_key::",
    }
    assert containers(existing, "web")[0]["environmentFiles"] == [
        {"value": "arn:aws:s3:::acme-shop-config/prod/web.env", "type": "s3"}
    ]


def test_the_task_role_mounts_exactly_its_file_systems(existing: Synthesis) -> None:
    assert policy(existing, "web-task") == [
        {
            "Effect": "Allow",
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            "Sid": "MountVolume0",
            "Resource": [TEAM_FILE_SYSTEM],
            "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": TEAM_ACCESS_POINT}},
        }
    ]
    file_system = existing.one("aws:efs/fileSystem:FileSystem", "efs-fs")
    access_point = existing.one("aws:efs/accessPoint:AccessPoint", "efs-worker-reports")
    [worker] = policy(existing, "worker-task")
    assert worker["Resource"] == [file_system.outputs["arn"]]
    assert worker["Condition"] == {
        "StringEquals": {"elasticfilesystem:AccessPointArn": access_point.outputs["arn"]}
    }


def test_efs_volumes_encrypt_in_transit_and_use_iam(existing: Synthesis) -> None:
    web = existing.one("aws:ecs/taskDefinition:TaskDefinition", "web-task").inputs["volumes"]
    assert web[-1] == {
        "name": "uploads",
        "efsVolumeConfiguration": {
            "fileSystemId": "fs-0a1b2c3d4e5f60718",
            "transitEncryption": "ENABLED",
            "authorizationConfig": {"iam": "ENABLED", "accessPointId": "fsap-0a1b2c3d4e5f607189"},
        },
    }
    nginx = containers(existing, "web")[1]
    assert {"sourceVolume": "uploads", "containerPath": "/usr/share/nginx/uploads",
            "readOnly": True} in nginx["mountPoints"]  # fmt: skip


def test_the_alb_reaches_the_nginx_sidecar_on_the_teams_listener(existing: Synthesis) -> None:
    rule = existing.one("aws:lb/listenerRule:ListenerRule", "web-route")
    assert rule.inputs["listenerArn"] == LISTENER
    assert 1000 <= rule.inputs["priority"] <= 1099
    group = existing.one("aws:lb/targetGroup:TargetGroup", "web-tg")
    assert group.inputs["port"] == 8080
    service = existing.one(SERVICE, "web")
    [entry] = service.inputs["loadBalancers"]
    assert (entry["containerName"], entry["containerPort"]) == ("nginx", 8080)
    ingress = existing.one(INGRESS, "web-from-alb").inputs
    assert (ingress["referencedSecurityGroupId"], ingress["fromPort"]) == (ALB_GROUP, 8080)


def test_the_sidecar_is_as_hardened_as_the_service(existing: Synthesis) -> None:
    nginx = containers(existing, "web")[1]
    assert nginx["readonlyRootFilesystem"] is True
    assert nginx["privileged"] is False
    assert nginx["user"] == "101:101"
    assert nginx["dependsOn"] == [{"containerName": "web", "condition": "HEALTHY"}]
    assert nginx["portMappings"][0]["containerPort"] == 8080


def test_services_join_the_named_group_and_export_their_own(existing: Synthesis) -> None:
    for name in ("web", "worker"):
        own = existing.one("aws:ec2/securityGroup:SecurityGroup", f"{name}-sg").id
        groups = existing.one(SERVICE, name).inputs["networkConfiguration"]["securityGroups"]
        assert groups == [own, DATABASE_GROUP]
        assert existing.outputs["serviceSecurityGroupIds"][name] == own
        assert existing.one(SERVICE, name).inputs["networkConfiguration"]["subnets"] == PRIVATE


def test_the_stacks_file_system_is_data_and_admits_only_its_mounters(existing: Synthesis) -> None:
    file_system = existing.one("aws:efs/fileSystem:FileSystem", "efs-fs")
    assert file_system.inputs["encrypted"] is True and file_system.protect
    backup = existing.one("aws:efs/backupPolicy:BackupPolicy", "efs-backup")
    assert backup.inputs["backupPolicy"] == {"status": "ENABLED"}
    [deny] = json.loads(
        existing.one("aws:efs/fileSystemPolicy:FileSystemPolicy", "efs-policy").inputs["policy"]
    )["Statement"]
    assert (deny["Effect"], deny["Condition"]) == (
        "Deny", {"Bool": {"aws:SecureTransport": "false"}}
    )  # fmt: skip
    mounts = {
        r.name: r.inputs["subnetId"] for r in existing.of_type("aws:efs/mountTarget:MountTarget")
    }
    assert mounts == {f"efs-mount-eu-west-1{z}": s for z, s in zip("abc", PRIVATE, strict=True)}
    efs_group = existing.one("aws:ec2/securityGroup:SecurityGroup", "efs-sg").id
    admitted = [
        r.inputs for r in existing.of_type(INGRESS) if r.inputs["securityGroupId"] == efs_group
    ]
    worker_group = existing.one("aws:ec2/securityGroup:SecurityGroup", "worker-sg").id
    assert [(a["referencedSecurityGroupId"], a["fromPort"]) for a in admitted] == [
        (worker_group, 2049)
    ]
    point = existing.one("aws:efs/accessPoint:AccessPoint", "efs-worker-reports").inputs
    assert point["posixUser"] == {"uid": 1000, "gid": 1000}
    assert point["rootDirectory"]["path"] == "/worker/reports"


def test_nfs_egress_goes_where_the_mount_targets_are(existing: Synthesis) -> None:
    def nfs(name: str) -> list[dict[str, Any]]:
        egress = existing.one("aws:ec2/securityGroup:SecurityGroup", f"{name}-sg").inputs["egress"]
        return [rule for rule in egress if rule["fromPort"] == 2049]

    [web] = nfs("web")  # the team's file system: its mount targets are in the VPC
    assert web["cidrBlocks"] == [existing.outputs["vpcCidr"]]
    [worker] = nfs("worker")  # the stack's: its mount targets' own group
    assert worker["securityGroups"] == [
        existing.one("aws:ec2/securityGroup:SecurityGroup", "efs-sg").id
    ]
