"""The stack's own EFS file system (`volumes[].efs: create`): encrypted, backed up, a mount target
in each AZ's private subnet behind its own security group, a file system policy that refuses
unencrypted clients, and an access point per service volume.

AWS facts this builds on (EFS user guide):
- "there can be only one mount target per Availability Zone" (API_CreateMountTarget.md): one in
  the first private subnet of each AZ;
- the mount targets' security group must allow inbound NFS (2049) from the clients
  (accessing-fs-create-security-groups.md): each mounting service's group, added by `admit`;
- "The default EFS file system policy grants full access to any anonymous client that can
  connect ... whenever a user-configured file system policy is not in effect"
  (iam-access-control-nfs-efs.md): the policy here only denies clients without TLS (all three
  client actions, when aws:SecureTransport is false), so access
  comes from the task roles' grants alone (components/service/volumes.py);
- automatic backups are on by default only for file systems made in the console
  (awsbackup.md): a BackupPolicy ENABLED turns on the daily AWS Backup plan (35-day retention);
- an access point creates its root directory with the owner and permissions given, and mounts
  through it run as its POSIX user (efs-access-points.md); `posix_user` and `root_directory`
  replace the access point when changed (terraform-provider-aws efs/access_point.go, ForceNew).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.naming import Naming
from components.service.egress import NFS
from components.service.volumes import CreatedVolume

# What an NFS client can do (EFS user guide, iam-access-control-nfs-efs.md, "EFS actions for
# clients"): all of it is denied without TLS.
CLIENT_ACTIONS = (
    "elasticfilesystem:ClientMount",
    "elasticfilesystem:ClientWrite",
    "elasticfilesystem:ClientRootAccess",
)
ROOT_PERMISSIONS = "0750"  # the service's user reads, writes and enters; its group reads


@dataclass(frozen=True)
class VolumeClaim:
    """One service volume on the stack's file system, with the POSIX user its tasks run as."""

    service: str
    volume: str
    uid: int
    gid: int


@dataclass(frozen=True)
class FileSystemArgs:
    naming: Naming
    vpc_id: pulumi.Input[str]
    subnet_ids: Mapping[str, pulumi.Input[str]]  # AZ -> one private subnet in it
    claims: Sequence[VolumeClaim]
    protect: bool = False


class SharedFileSystem(pulumi.ComponentResource):
    TYPE = "ecs-platform:storage:FileSystem"  # part of every child's URN: never change it
    file_system_id: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: FileSystemArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name, self._args = name, args
        self.file_system = self._file_system()
        self._backups_and_policy()
        self.security_group = self._security_group()
        self.mount_targets = self._mount_targets()
        self.volumes = self._access_points()
        self.file_system_id = self.file_system.id
        self.security_group_id = self.security_group.id
        self.register_outputs(
            {"fileSystemId": self.file_system_id, "securityGroupId": self.security_group_id}
        )

    def _file_system(self) -> aws.efs.FileSystem:
        args = self._args
        return aws.efs.FileSystem(
            f"{self._name}-fs",
            encrypted=True,  # with the account's aws/elasticfilesystem key (EFS.1, EFS.8)
            performance_mode="generalPurpose",
            throughput_mode="bursting",
            tags=args.naming.tags("efs"),
            # holds the services' data: a production tier keeps it through refactors
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )

    def _backups_and_policy(self) -> None:
        child = pulumi.ResourceOptions(parent=self)
        aws.efs.BackupPolicy(
            f"{self._name}-backup",
            file_system_id=self.file_system.id,
            backup_policy={"status": "ENABLED"},
            opts=child,
        )
        aws.efs.FileSystemPolicy(
            f"{self._name}-policy",
            file_system_id=self.file_system.id,
            policy=policies.document(
                [
                    policies.statement(
                        CLIENT_ACTIONS,
                        [self.file_system.arn],
                        effect="Deny",
                        sid="DenyUnencryptedClients",
                        principals={"AWS": "*"},
                        conditions={"Bool": {"aws:SecureTransport": "false"}},
                    )
                ]
            ),
            opts=child,
        )

    def _security_group(self) -> aws.ec2.SecurityGroup:
        naming = self._args.naming
        return aws.ec2.SecurityGroup(
            f"{self._name}-sg",
            name=naming.physical("security-group", "efs-mount-targets"),
            description="EFS mount targets: NFS from the services that mount the file system",
            vpc_id=self._args.vpc_id,
            # Ingress comes as separate rules, one per mounting service (`admit`).
            egress=[],
            tags=naming.tags("efs-mount-targets"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _mount_targets(self) -> list[aws.efs.MountTarget]:
        # named by AZ: adding an AZ adds a mount target and leaves the others as they are
        return [
            aws.efs.MountTarget(
                f"{self._name}-mount-{zone}",
                file_system_id=self.file_system.id,
                subnet_id=subnet_id,
                security_groups=[self.security_group.id],
                opts=pulumi.ResourceOptions(parent=self),
            )
            for zone, subnet_id in self._args.subnet_ids.items()
        ]

    def _access_points(self) -> dict[tuple[str, str], CreatedVolume]:
        """An access point per service volume, rooted at /<service>/<volume>, as the service's
        user."""
        volumes = {}
        for claim in self._args.claims:
            point = aws.efs.AccessPoint(
                f"{self._name}-{claim.service}-{claim.volume}",
                file_system_id=self.file_system.id,
                posix_user={"uid": claim.uid, "gid": claim.gid},
                root_directory={
                    "path": f"/{claim.service}/{claim.volume}",
                    "creation_info": {
                        "owner_uid": claim.uid,
                        "owner_gid": claim.gid,
                        "permissions": ROOT_PERMISSIONS,
                    },
                },
                tags=self._args.naming.tags(claim.service, claim.volume),
                opts=pulumi.ResourceOptions(parent=self),
            )
            volumes[(claim.service, claim.volume)] = CreatedVolume(
                file_system_id=self.file_system.id,
                file_system_arn=self.file_system.arn,
                access_point_id=point.id,
                access_point_arn=point.arn,
            )
        return volumes

    def for_service(self, service: str) -> dict[str, CreatedVolume]:
        """The service's volumes on this file system, by volume name."""
        return {volume: made for (owner, volume), made in self.volumes.items() if owner == service}

    def admit(self, service: str, security_group_id: pulumi.Input[str]) -> None:
        """NFS from a mounting service's tasks to the mount targets."""
        aws.vpc.SecurityGroupIngressRule(
            f"{self._name}-from-{service}",
            security_group_id=self.security_group.id,
            referenced_security_group_id=security_group_id,
            ip_protocol="tcp",
            from_port=NFS,
            to_port=NFS,
            description=f"NFS from service {service}",
            tags=self._args.naming.tags("efs", "from", service),
            opts=pulumi.ResourceOptions(parent=self),
        )
