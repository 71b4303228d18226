"""EFS: the stack's own file system (`volumes[].efs: create`), its mount targets, access points,
backup and file system policies. Provider files under internal/service/efs/ in
hashicorp/terraform-provider-aws, read in stored v6-line copies (research notes, aws-facts.md
section H): file_system.go, mount_target.go, access_point.go, backup_policy.go,
file_system_policy.go. EFS ARNs hold generated ids (fs-…, fsap-…): GENERATED_IDS.
"""

from __future__ import annotations

from components.common.ci_catalogue.base import (
    GENERATED_IDS,
    NO_RESOURCE_LEVEL,
    Entry,
    Grant,
    svc,
)

FILE_SYSTEMS = "arn:aws:elasticfilesystem:{region}:{account}:file-system/*"  # GENERATED_IDS
ACCESS_POINTS = "arn:aws:elasticfilesystem:{region}:{account}:access-point/*"  # GENERATED_IDS


def _file_system_scoped(source: str, read: tuple[str, ...], write: tuple[str, ...]) -> Entry:
    return Entry(source, (Grant(read, (FILE_SYSTEMS,)),), (Grant(write, (FILE_SYSTEMS,)),))


STORAGE: dict[str, Entry] = {
    # file_system.go: Create (CreateFileSystem with tags: tagging on create needs
    # elasticfilesystem:TagResource too, per the EFS tagging page; waitFileSystemAvailable ->
    # DescribeFileSystems; PutLifecycleConfiguration; UpdateFileSystemProtection), Read
    # (DescribeFileSystems, tags from it; DescribeLifecycleConfiguration), Update
    # (UpdateFileSystem, PutLifecycleConfiguration, UpdateFileSystemProtection, Tag/Untag),
    # Delete (DeleteFileSystem, waitFileSystemDeleted). The file system uses the AWS managed key
    # (no kms_key_id): no KMS grant on the caller.
    "aws:efs/fileSystem:FileSystem": Entry(
        "internal/service/efs/file_system.go",
        (Grant(svc("elasticfilesystem", "DescribeFileSystems", "DescribeLifecycleConfiguration"),
               (FILE_SYSTEMS,)),),
        (Grant(svc("elasticfilesystem", "CreateFileSystem"), (NO_RESOURCE_LEVEL,)),
         Grant(svc("elasticfilesystem", "TagResource", "UntagResource", "UpdateFileSystem",
                   "UpdateFileSystemProtection", "PutLifecycleConfiguration",
                   "DeleteFileSystem"), (FILE_SYSTEMS,))),
    ),
    # mount_target.go: Create (getAZFromSubnetID -> ec2:DescribeSubnets; CreateMountTarget;
    # waitMountTargetCreated -> DescribeMountTargets), Read (DescribeMountTargets,
    # DescribeMountTargetSecurityGroups), Update (ModifyMountTargetSecurityGroups), Delete
    # (DeleteMountTarget, wait). The EFS API itself checks EC2 permissions of the caller: Create
    # ec2:DescribeSubnets, DescribeNetworkInterfaces, CreateNetworkInterface; Delete
    # ec2:DeleteNetworkInterface; Modify ec2:ModifyNetworkInterfaceAttribute; DescribeMount-
    # TargetSecurityGroups ec2:DescribeNetworkInterfaceAttribute (EFS API reference pages).
    "aws:efs/mountTarget:MountTarget": Entry(
        "internal/service/efs/mount_target.go",
        (Grant(svc("elasticfilesystem", "DescribeMountTargets",
                   "DescribeMountTargetSecurityGroups"), (FILE_SYSTEMS,)),
         Grant(svc("ec2", "DescribeNetworkInterfaceAttribute"), (NO_RESOURCE_LEVEL,))),
        (Grant(svc("elasticfilesystem", "CreateMountTarget", "DeleteMountTarget",
                   "ModifyMountTargetSecurityGroups"), (FILE_SYSTEMS,)),
         Grant(svc("ec2", "DescribeSubnets", "DescribeNetworkInterfaces"), (NO_RESOURCE_LEVEL,)),
         Grant(svc("ec2", "CreateNetworkInterface", "DeleteNetworkInterface",
                   "ModifyNetworkInterfaceAttribute"), (GENERATED_IDS,))),
    ),
    # access_point.go: Create (CreateAccessPoint with tags, on the file system; waitAccess-
    # PointCreated -> DescribeAccessPoints), Read (DescribeAccessPoints, tags from it), Update
    # (tags only), Delete (DeleteAccessPoint, wait).
    "aws:efs/accessPoint:AccessPoint": Entry(
        "internal/service/efs/access_point.go",
        (Grant(svc("elasticfilesystem", "DescribeAccessPoints"), (ACCESS_POINTS, FILE_SYSTEMS)),),
        (Grant(svc("elasticfilesystem", "CreateAccessPoint", "TagResource"), (FILE_SYSTEMS,)),
         Grant(svc("elasticfilesystem", "DeleteAccessPoint", "TagResource", "UntagResource"),
               (ACCESS_POINTS,))),
    ),
    # backup_policy.go: Create/Update (PutBackupPolicy, wait -> DescribeBackupPolicy), Read
    # (DescribeBackupPolicy), Delete (PutBackupPolicy DISABLED, wait). No tags.
    "aws:efs/backupPolicy:BackupPolicy": _file_system_scoped(
        "internal/service/efs/backup_policy.go",
        svc("elasticfilesystem", "DescribeBackupPolicy"),
        svc("elasticfilesystem", "PutBackupPolicy", "DescribeBackupPolicy"),
    ),
    # file_system_policy.go: Put (PutFileSystemPolicy, retried while IAM propagates), Read
    # (DescribeFileSystemPolicy), Delete (DeleteFileSystemPolicy). No tags.
    "aws:efs/fileSystemPolicy:FileSystemPolicy": _file_system_scoped(
        "internal/service/efs/file_system_policy.go",
        svc("elasticfilesystem", "DescribeFileSystemPolicy"),
        svc("elasticfilesystem", "PutFileSystemPolicy", "DeleteFileSystemPolicy"),
    ),
}  # fmt: skip
