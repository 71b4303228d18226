"""Shared building blocks of the settings models: the base model, field types, and every regex
pattern with the one human message an error shows for it. No resources, no Pulumi."""

from __future__ import annotations

import ipaddress
import re
import typing
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# -- patterns -------------------------------------------------------------------------------
REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
ACCOUNT_ID_PATTERN = r"^\d{12}$"
# A key ARN, not an alias: AWS stores the key ARN, so an alias would force a replacement each run.
KMS_KEY_ARN_PATTERN = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$"
CERTIFICATE_ARN_PATTERN = r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$"
REPOSITORY_NAME_PATTERN = r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$"
POOL_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,30}$"
SERVICE_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,27}$"
# A resource's logical name as the plan diff shows it (worker-queue, registry-api, alb-logs).
LOGICAL_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/:-]{0,199}$"
INSTANCE_TYPE_PATTERN = r"^[a-z][a-z0-9-]*\.[a-z0-9]+$"
# An ECS-optimized AL2023 AMI name, as in its SSM parameter path (amzn2023-ami-ecs-hvm-<release>-
# kernel-<version>-<arch>), or "latest" for the recommended image.
AMI_RELEASE_PATTERN = r"^(latest|amzn2023-ami-ecs-hvm-2023\.[0-9.]+-kernel-[0-9.]+-(x86_64|arm64))$"
# A secret by name in the stack's region and account: `ssm:<parameter name>` (a hierarchy starts
# with /: SSM user guide, sysman-paramstore-su-create.md, "Fully qualified") or
# `secretsmanager:<secret name>[:<json key>[:<version stage>[:<version id>]]]` (names: letters,
# digits and /_+=.@-; the selector fields are ECS's, any may be empty); or a full ARN:
# a Secrets Manager ARN must be complete (name plus AWS's 6-character suffix), optionally with
# ECS's :json-key:version-stage:version-id selector, since IAM denies a partial ARN.
SECRET_REFERENCE_PATTERN = (
    r"^(arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9_./-]+"
    r"|secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}"
    r"(:[^:]*:[^:]*:[^:]*)?)"
    r"|ssm:([A-Za-z0-9_.-]+|(/[A-Za-z0-9_.-]+)+)"
    r"|secretsmanager:[A-Za-z0-9/_+=.@-]{1,512}(:[^:\s]*){0,3})$"
)
# EC2 ids are 8 or 17 hexadecimal digits after the prefix.
VPC_ID_PATTERN = r"^vpc-[0-9a-f]{8}([0-9a-f]{9})?$"
SUBNET_ID_PATTERN = r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$"
# sg- and the EFS ids as the EFS API patterns them (API_CreateMountTarget, API_CreateAccessPoint).
SECURITY_GROUP_ID_PATTERN = r"^sg-[0-9a-f]{8,40}$"
FILE_SYSTEM_ID_PATTERN = r"^fs-[0-9a-f]{8,40}$"
ACCESS_POINT_ID_PATTERN = r"^fsap-[0-9a-f]{8,40}$"
# An Application Load Balancer's listener (listener rules with path and host conditions are ALB's).
LISTENER_ARN_PATTERN = (
    r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:"
    r"listener/app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}/[0-9a-f]{16}$"
)
# An environment file: one S3 object whose key ends in .env (ECS developer guide,
# taskdef-envfiles.md), no IAM wildcard characters (the ARN is granted as written).
ENVIRONMENT_FILE_PATTERN = r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[^\s*?]*\.env$"
ENV_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
IMAGE_TAG_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
DIGEST_PATTERN = r"^sha256:[a-f0-9]{64}$"
IMAGE_URI_PATTERN = (
    r"^[a-z0-9.-]+(:\d+)?/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$"
)
# service:Action, wildcards inside the action only (s3:Get* yes, s3:* no).
IAM_ACTION_PATTERN = r"^[a-z0-9-]+:[A-Za-z0-9*]*[A-Za-z0-9][A-Za-z0-9*]*$"
RESOURCE_ARN_PATTERN = r"^(\*|arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+)$"
ABSOLUTE_PATH_PATTERN = r"^/[A-Za-z0-9_./-]*$"
CONTAINER_USER_PATTERN = r"^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$"
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"
HTTPS_URL_PATTERN = r"^https://[A-Za-z0-9.-]+(:\d+)?(/\S*)?$"
# GitHub: owner 1-39 letters, digits or - (not first); repository 1-100 of letters, digits . _ -.
GITHUB_REPOSITORY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$"
GITHUB_ID_PATTERN = r"^[1-9]\d{0,19}$"
GITHUB_OIDC_PROVIDER_ARN_PATTERN = (
    r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$"
)
# Ends up in the role's trust condition: no wildcard or ':' may widen or shift the subject.
GITHUB_ENVIRONMENT_PATTERN = r"^[A-Za-z0-9_.-]{1,255}$"
# A branch name without wildcards: it becomes part of an exact OIDC `sub`.
GITHUB_BRANCH_PATTERN = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$"
S3_BUCKET_ARN_PATTERN = r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
PREFIX_LIST_ID_PATTERN = r"^pl-[a-f0-9]{8,17}$"
# A DNS name in lower case: labels of 1-63 letters, digits and - (not first or last), at least
# two labels (253 characters at most is a separate constraint).
DNS_NAME_PATTERN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
# Route 53 hosted zone ids are Z and up to 31 upper-case letters and digits (no /hostedzone/).
HOSTED_ZONE_ID_PATTERN = r"^Z[A-Z0-9]{1,31}$"
# ALB listener rule conditions: up to 128 characters each, from these sets only (ALB guide,
# "Path conditions" and "Host conditions"; * and ? are the wildcards).
ALB_PATH_PATTERN = r"^/[A-Za-z0-9_.$/~\"'@:+&*?-]{0,127}$"
ALB_HOST_PATTERN = r"^[A-Za-z0-9.*?-]{1,128}$"
# SQS: 1-80 characters of A-Za-z0-9_-, FIFO queues end in .fifo (counted in the 80).
QUEUE_NAME_PATTERN = r"^([A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)$"
# A queue by name or ARN (arn:<partition>:sqs:<region>:<account>:<queue name>); an SNS topic ARN.
QUEUE_REFERENCE_PATTERN = (
    r"^(arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:)?([A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)$"
)
TOPIC_ARN_PATTERN = r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$"
# CloudWatch namespaces, metric and dimension names: 1-255 printable ASCII, not starting with a
# colon or a space (the API's pattern is [^:].*; a name must hold a non-blank character).
METRIC_NAME_PATTERN = r"^[!-9;-~][ -~]{0,254}$"
# Dimension values: 1-1024 characters, at least one of them not blank.
DIMENSION_VALUE_PATTERN = r"^\s*\S[\s\S]{0,1023}$"
# AWS tags: keys 1-128, values 0-256 characters of letters, digits, spaces and _ . : / = + - @.
# (Lengths are separate constraints: a bounded Unicode class compiles past the regex size limit.)
TAG_PATTERN = r"^[\w .:/=+@-]*$"

# The wording an error uses for each pattern: "<value> is not <meaning>".
PATTERN_MEANINGS: typing.Final[dict[str, str]] = {
    ACCOUNT_ID_PATTERN: "a 12-digit AWS account id",
    KMS_KEY_ARN_PATTERN: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias)",
    CERTIFICATE_ARN_PATTERN: "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/)",
    REPOSITORY_NAME_PATTERN: "a repository name (lowercase letters and digits, . _ - between)",
    POOL_NAME_PATTERN: "a pool name (lowercase letter, then up to 30 letters, digits or -)",
    SERVICE_NAME_PATTERN: "a service name (lowercase letter, then up to 27 letters, digits or -)",
    LOGICAL_NAME_PATTERN: "a resource's logical name as the plan shows it (like worker-queue)",
    INSTANCE_TYPE_PATTERN: "an EC2 instance type (like m7g.large)",
    AMI_RELEASE_PATTERN: (
        "latest, or an ECS-optimized AL2023 AMI name"
        " (amzn2023-ami-ecs-hvm-2023.<release>-kernel-<version>-<arch>)"
    ),
    SECRET_REFERENCE_PATTERN: (
        "a secret reference: ssm:<parameter name>, secretsmanager:<secret name>[:<json key>"
        "[:<version stage>[:<version id>]]] (this stack's region and account) or a full SSM"
        " parameter or Secrets Manager ARN (required for another region or account)"
    ),
    VPC_ID_PATTERN: "a VPC id (vpc- and 8 or 17 hex digits)",
    SUBNET_ID_PATTERN: "a subnet id (subnet- and 8 or 17 hex digits)",
    SECURITY_GROUP_ID_PATTERN: "a security group id (sg- and hex digits)",
    FILE_SYSTEM_ID_PATTERN: "an EFS file system id (fs- and hex digits)",
    ACCESS_POINT_ID_PATTERN: "an EFS access point id (fsap- and hex digits)",
    LISTENER_ARN_PATTERN: (
        "an Application Load Balancer listener ARN"
        " (arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>)"
    ),
    ENVIRONMENT_FILE_PATTERN: (
        "an S3 object ARN of an environment file (arn:aws:s3:::<bucket>/<key>.env, no * or ?)"
    ),
    ENV_NAME_PATTERN: "a variable name (letters, digits, _; not starting with a digit)",
    IMAGE_TAG_PATTERN: "an image tag (letters, digits, _ . -; at most 128)",
    DIGEST_PATTERN: "an image digest (sha256:<64 hex digits>)",
    IMAGE_URI_PATTERN: (
        "a full image URI with a tag or digest (registry/name:tag or registry/name@sha256:...)"
    ),
    IAM_ACTION_PATTERN: "an IAM action (service:Action) without a whole-service wildcard",
    RESOURCE_ARN_PATTERN: "an ARN (or * where the action has no resource)",
    ABSOLUTE_PATH_PATTERN: "an absolute path",
    CONTAINER_USER_PATTERN: "a user (uid, name, uid:gid)",
    EMAIL_PATTERN: "an email address",
    HTTPS_URL_PATTERN: "an https:// URL",
    GITHUB_REPOSITORY_PATTERN: "a GitHub repository OWNER/REPO (like my-org/ecs-platform)",
    GITHUB_ID_PATTERN: "a numeric GitHub id",
    GITHUB_OIDC_PROVIDER_ARN_PATTERN: (
        "the ARN of GitHub's OIDC provider"
        " (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com)"
    ),
    GITHUB_ENVIRONMENT_PATTERN: "a GitHub environment name (letters, digits, _ . -)",
    GITHUB_BRANCH_PATTERN: "a branch name without wildcards (letters, digits, _ . - and /)",
    S3_BUCKET_ARN_PATTERN: "an S3 bucket ARN (arn:aws:s3:::<bucket>)",
    PREFIX_LIST_ID_PATTERN: "a managed prefix list id (pl-<hex digits>)",
    DNS_NAME_PATTERN: "a DNS name in lower case (like example.com)",
    HOSTED_ZONE_ID_PATTERN: "a Route 53 hosted zone id (like Z0123456789ABCDEFGHIJ)",
    ALB_PATH_PATTERN: (
        "an ALB path pattern (/ then up to 127 of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?)"
    ),
    ALB_HOST_PATTERN: "an ALB host header (1-128 of A-Z a-z 0-9 - . * ?)",
    QUEUE_NAME_PATTERN: (
        "an SQS queue name (1-80 of A-Z a-z 0-9 _ -; a FIFO queue ends in .fifo within the 80)"
    ),
    QUEUE_REFERENCE_PATTERN: "an SQS queue name or ARN (arn:aws:sqs:<region>:<account>:<name>)",
    TOPIC_ARN_PATTERN: "an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic name>)",
    METRIC_NAME_PATTERN: (
        "a CloudWatch name (1-255 printable ASCII characters, not starting with : or a space)"
    ),
    DIMENSION_VALUE_PATTERN: "a dimension value (1-1024 characters, not all blank)",
    TAG_PATTERN: "a tag key (letters, digits, spaces and _ . : / = + - @)",
}

# -- CloudWatch vocabulary shared by scaling and alarm settings -------------------------------
Statistic = Literal["Average", "Sum", "Minimum", "Maximum", "SampleCount"]
Period = Literal[10, 30, 60, 120, 300, 600, 900, 3600]
# AWS, ALB and SQS metrics are per minute: shorter periods would only find missing data.
StandardPeriod = Literal[60, 120, 300, 600, 900, 3600]
Comparison = Literal[
    "GreaterThanThreshold",
    "GreaterThanOrEqualToThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
]
MissingData = Literal["missing", "ignore", "breaching", "notBreaching"]
Architecture = Literal["x86_64", "arm64"]


# -- field checks ---------------------------------------------------------------------------
def retention(days: int) -> int:
    if days not in LOG_RETENTION_DAYS:
        allowed = ", ".join(str(d) for d in LOG_RETENTION_DAYS)
        raise ValueError(f"{days} is not a CloudWatch Logs retention period (allowed: {allowed})")
    return days


def ipv4_cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a valid IPv4 CIDR block ({error})") from None
    return str(network)


def unique(values: list[Any]) -> list[Any]:
    duplicates = sorted({str(v) for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"duplicate entries: {', '.join(duplicates)}")
    return values


def health_check_command(command: list[str]) -> list[str]:
    """Docker's health check forms: ["CMD", exe, args...], ["CMD-SHELL", line] or ["NONE"]."""
    if command == ["NONE"]:
        return command
    if len(command) < 2 or command[0] not in ("CMD", "CMD-SHELL"):
        raise ValueError(
            'a health check command is ["CMD", executable, args...], ["CMD-SHELL", "a shell'
            f' line"] or ["NONE"], not {command!r}'
        )
    if not all(part.strip() for part in command[1:]):
        raise ValueError("a health check command has no empty parts")
    return command


def tag_key(key: str) -> str:
    if key.lower().startswith("aws:"):
        raise ValueError(f"{key!r}: tag keys starting with aws: are reserved for AWS")
    return key


def matching(pattern: str, **constraints: Any) -> Any:
    """A string field type that must match `pattern` (its error wording is PATTERN_MEANINGS)."""
    return Annotated[str, Field(pattern=pattern, **constraints)]


RetentionDays = Annotated[int, AfterValidator(retention)]
TagKey = Annotated[
    str, Field(pattern=TAG_PATTERN, min_length=1, max_length=128), AfterValidator(tag_key)
]
# Values keep any character: a secret value is masked offline, and AWS checks it at deploy.
TagValue = Annotated[str, Field(max_length=256)]
Cidr = Annotated[str, AfterValidator(ipv4_cidr)]
KmsKeyArn = matching(KMS_KEY_ARN_PATTERN)
EnvName = matching(ENV_NAME_PATTERN)
AbsolutePath = matching(ABSOLUTE_PATH_PATTERN)
MetricName = matching(METRIC_NAME_PATTERN)
DimensionValue = matching(DIMENSION_VALUE_PATTERN)
# CloudWatch allows 30 dimensions per metric.
Dimensions = Annotated[dict[MetricName, DimensionValue], Field(max_length=30)]
HealthCheckCommand = Annotated[list[str], AfterValidator(health_check_command)]


class Settings(BaseModel):
    """Base for every settings block: camelCase keys, unknown keys rejected, immutable."""

    model_config = ConfigDict(
        alias_generator=to_camel, extra="forbid", frozen=True, validate_default=True
    )


# -- walking the models (the loader's typo messages and the README reference) ----------------
def model_in(annotation: Any) -> type[BaseModel] | None:
    """The settings model inside a field's annotation (`X`, `X | None`, `list[X]`, ...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = model_in(argument)
        if found is not None:
            return found
    return None


def is_mapping_field(annotation: Any) -> bool:
    """`dict[str, X]`: the next key in a path is a user's name, not a field."""
    return typing.get_origin(annotation) is dict
