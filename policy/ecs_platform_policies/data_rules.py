"""Registry, logs, keys, topics, alarms, IAM and production data protection."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .model import Context, Resource, Rule, as_json, as_list, number, truthy

REPOSITORY = "aws:ecr/repository:Repository"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KMS_KEY = "aws:kms/key:Key"
TOPIC = "aws:sns/topic:Topic"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
SSE_CONFIG = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
IAM_DOCUMENTS = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
ROLE = "aws:iam/role:Role"
EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
DATA_HOLDING = (REPOSITORY, LOG_GROUP, BUCKET, BUCKET_V2, KMS_KEY, EFS_FILE_SYSTEM)
KMS_ALGORITHMS = {"aws:kms", "aws:kms:dsse"}


def scan_on_push(repo: Resource, _: Context) -> Iterator[str]:
    if not truthy(repo.get("imageScanningConfiguration", "scanOnPush")):
        yield "imageScanningConfiguration.scanOnPush is not true"


def immutable_tags(repo: Resource, _: Context) -> Iterator[str]:
    mutability = str(repo.get("imageTagMutability", default="MUTABLE"))
    if not mutability.startswith("IMMUTABLE"):
        yield f"imageTagMutability is {mutability}"


def retention_set(group: Resource, _: Context) -> Iterator[str]:
    if number(group.get("retentionInDays")) <= 0:
        yield "no retentionInDays: logs are kept forever"


def retention_one_year(group: Resource, ctx: Context) -> Iterator[str]:
    days, minimum = number(group.get("retentionInDays")), int(ctx.config.get("minDays", 365))
    if 0 < days < minimum:
        yield f"retention {int(days)} days is below {minimum}"


def log_group_kms(group: Resource, _: Context) -> Iterator[str]:
    if not group.get("kmsKeyId"):
        yield "log group has no customer KMS key (kmsKeyId)"


def key_rotation(key: Resource, _: Context) -> Iterator[str]:
    spec = key.get("customerMasterKeySpec") or key.get("keySpec") or "SYMMETRIC_DEFAULT"
    if spec == "SYMMETRIC_DEFAULT" and not truthy(key.get("enableKeyRotation")):
        yield "enableKeyRotation is not true"


def deletion_window(key: Resource, _: Context) -> Iterator[str]:
    days = number(key.get("deletionWindowInDays"), 30)
    if days < 30:
        yield f"deletionWindowInDays {int(days)} (production needs 30)"


def topic_encrypted(topic: Resource, _: Context) -> Iterator[str]:
    if not topic.get("kmsMasterKeyId"):
        yield "topic has no kmsMasterKeyId"


def alarm_actions(alarm: Resource, _: Context) -> Iterator[str]:
    if not as_list(alarm.get("alarmActions")):
        yield "alarm has no ALARM action"
    if alarm.get("actionsEnabled") is not None and not truthy(alarm.get("actionsEnabled")):
        yield "alarm actions are disabled"


def statements(document: Any) -> Iterator[dict[str, Any]]:
    parsed = as_json(document)
    if isinstance(parsed, Mapping):
        yield from (s for s in as_list(parsed.get("Statement")) if isinstance(s, Mapping))


def wildcard_actions(resource: Resource, _: Context) -> Iterator[str]:
    if resource.type == ROLE:
        documents = [
            p.get("policy")
            for p in as_list(resource.get("inlinePolicies"))
            if isinstance(p, Mapping)
        ]
    else:
        documents = [resource.get(IAM_DOCUMENTS[resource.type])]
    for document in documents:
        for statement in statements(document):
            if statement.get("Effect") != "Allow":
                continue
            for action in as_list(statement.get("Action")):
                if action in {"*", "*:*"}:
                    yield f"a statement allows every action ({action})"
                elif str(action).endswith(":*"):
                    yield f"statement allows a whole service ({action})"


def sse_kms(config: Resource, _: Context) -> Iterator[str]:
    for rule in as_list(config.get("rules")):
        default = (rule or {}).get("applyServerSideEncryptionByDefault") or {}
        if default.get("sseAlgorithm") not in KMS_ALGORITHMS:
            yield f"default encryption is {default.get('sseAlgorithm')}, not SSE-KMS"


def production_protected(resource: Resource, _: Context) -> Iterator[str]:
    if not resource.protect:
        yield "production data is not protect=True (retainOnDelete is not visible to policies)"


DATA_RULES: tuple[Rule, ...] = (
    Rule(
        "ecr-1-scan-on-push",
        "ECR.1",
        "Repositories scan images on push.",
        "Set imageScanningConfiguration.scanOnPush true.",
        (REPOSITORY,),
        scan_on_push,
    ),
    Rule(
        "ecr-2-immutable-tags",
        "ECR.2",
        "Repositories have immutable tags.",
        "Set registry.imageTagMutability IMMUTABLE.",
        (REPOSITORY,),
        immutable_tags,
    ),
    Rule(
        "log-group-retention-set",
        "platform (logs)",
        "Every log group has a retention.",
        "Set retentionInDays (the settings give every log group one).",
        (LOG_GROUP,),
        retention_set,
    ),
    Rule(
        "cloudwatch-16-log-retention-one-year",
        "CloudWatch.16",
        "Log groups keep logs at least a year.",
        "Set the retention keys (services.<name>.logRetentionDays, ...) to 365 or more.",
        (LOG_GROUP,),
        retention_one_year,
        config_schema={"minDays": {"type": "integer", "default": 365}},
    ),
    Rule(
        "log-group-kms-encrypted",
        "platform (logs)",
        "Log groups are encrypted with a customer KMS key.",
        "Give each log group kmsKeyId (a key whose policy lets logs.<region> use it).",
        (LOG_GROUP,),
        log_group_kms,
    ),
    Rule(
        "kms-4-key-rotation",
        "KMS.4",
        "Customer-managed symmetric keys rotate.",
        "Set enableKeyRotation true.",
        (KMS_KEY,),
        key_rotation,
    ),
    Rule(
        "kms-production-deletion-window",
        "platform (data protection)",
        "Production KMS keys have a 30-day deletion window.",
        "Set deletionWindowInDays 30.",
        (KMS_KEY,),
        deletion_window,
        tiers=("production",),
    ),
    Rule(
        "sns-1-kms-encryption",
        "SNS.1",
        "Topics are encrypted with KMS.",
        "Set kmsMasterKeyId (alarms.kmsKeyArn or the key the stack creates).",
        (TOPIC,),
        topic_encrypted,
    ),
    Rule(
        "cloudwatch-15-17-alarm-actions",
        "CloudWatch.15 / CloudWatch.17",
        "Alarms have an ALARM action and their actions are enabled.",
        "Give the alarm alarmActions and keep actionsEnabled true.",
        (ALARM,),
        alarm_actions,
    ),
    Rule(
        "iam-1-21-no-wildcard-actions",
        "IAM.1 / IAM.21",
        "No IAM statement allows '*' or a whole service ('s3:*').",
        "List the exact actions (services.<name>.permissions).",
        (*IAM_DOCUMENTS, ROLE),
        wildcard_actions,
    ),
    Rule(
        "s3-bucket-kms-encryption",
        "platform (S3 encryption)",
        "Buckets encrypt objects with SSE-KMS by default.",
        "Set sseAlgorithm aws:kms with a customer key.",
        SSE_CONFIG,
        sse_kms,
    ),
    Rule(
        "production-data-protected",
        "platform (data protection)",
        "Production repositories, log groups, buckets, KMS keys and EFS file systems are"
        " protect=True.",
        "Register the resource with ResourceOptions(protect=True) in a production tier.",
        DATA_HOLDING,
        production_protected,
        tiers=("production",),
    ),
)
