"""The task security group's outbound rules: a pure builder, tested directly."""

from __future__ import annotations

from typing import Any

import pulumi

from settings.service import ServiceSettings, TaskSettings

HTTPS = 443
NFS = 2049  # EFS mount targets listen on the NFS port (EFS user guide, efs-onpremises.md)


def task_egress(
    service: TaskSettings,
    vpc_cidr: str,
    efs_security_group_id: pulumi.Input[str] | None = None,
) -> list[dict[str, Any]]:
    """HTTPS anywhere (AWS APIs, registries) and anything inside the VPC; the rest only as the
    service or job declares it under `egress`. With a service's EFS volumes, NFS to their mount
    targets (EFS user guide, accessing-fs-create-security-groups.md: each client "must have a
    security group that allows outbound access to the mount target on the NFS port"): to the
    mount targets' own group for the stack's file system, to the VPC for a team's (whose group
    the stack does not know; the team admits this service's group, output
    serviceSecurityGroupIds). The VPC rule above allows that traffic too: these say why it is
    needed, and keep it if that rule goes."""
    rules: list[dict[str, Any]] = [
        {
            "description": "HTTPS anywhere",
            "protocol": "tcp",
            "from_port": HTTPS,
            "to_port": HTTPS,
            "cidr_blocks": ["0.0.0.0/0"],
        },
        {
            "description": "anything inside the VPC",
            "protocol": "-1",
            "from_port": 0,
            "to_port": 0,
            "cidr_blocks": [vpc_cidr],
        },
    ]
    for extra in service.egress:
        rule: dict[str, Any] = {
            "description": extra.description,
            "protocol": extra.protocol,
            "from_port": extra.from_port,
            "to_port": extra.last_port,
        }
        if extra.cidrs:
            rule["cidr_blocks"] = list(extra.cidrs)
        if extra.prefix_list_ids:
            rule["prefix_list_ids"] = list(extra.prefix_list_ids)
        rules.append(rule)
    return rules + _nfs(service, vpc_cidr, efs_security_group_id)


def _nfs(
    service: TaskSettings, vpc_cidr: str, efs_security_group_id: pulumi.Input[str] | None
) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    if not isinstance(service, ServiceSettings):
        return []  # a job mounts no volumes
    volumes = service.volumes
    nfs = {"protocol": "tcp", "from_port": NFS, "to_port": NFS}
    if any(volume.existing_efs is not None for volume in volumes):
        rules.append({"description": "NFS to EFS mount targets in the VPC", **nfs,
                      "cidr_blocks": [vpc_cidr]})  # fmt: skip
    if efs_security_group_id is not None and any(v.creates_file_system for v in volumes):
        rules.append({"description": "NFS to the stack's EFS mount targets", **nfs,
                      "security_groups": [efs_security_group_id]})  # fmt: skip
    return rules
