"""Controls that relate several resources: a setting resource to the resource it configures.

They follow `property_dependencies` (which URNs a property was computed from), as the engine
sends them to stack policies, so they also work in a preview where ids are still unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from .data_rules import BUCKET, BUCKET_V2, REPOSITORY, ROLE
from .model import Context, Resource, Rule, as_list, truthy
from .network_rules import EGRESS_RULE, INGRESS_RULE, LOAD_BALANCER, SECURITY_GROUP, SG_RULE

BUCKETS = (BUCKET, BUCKET_V2)
VPCS = ("aws:ec2/vpc:Vpc", "awsx:ec2:Vpc")
Findings = Iterator[tuple[Resource, str]]


def configuring(
    target: Resource, resources: Sequence[Resource], types: Sequence[str], prop: str
) -> list[Resource]:
    """Resources of `types` whose `prop` was computed from `target`."""
    return [
        r
        for r in resources
        if r.type in types and target.urn in r.property_dependencies.get(prop, ())
    ]


def _of(resources: Sequence[Resource], types: Sequence[str]) -> list[Resource]:
    return [r for r in resources if r.type in types]


def ecr_lifecycle(resources: Sequence[Resource], _: Context) -> Findings:
    for repo in _of(resources, (REPOSITORY,)):
        if not configuring(
            repo, resources, ("aws:ecr/lifecyclePolicy:LifecyclePolicy",), "repository"
        ):
            yield repo, "repository has no lifecycle policy"


def vpc_flow_logs(resources: Sequence[Resource], _: Context) -> Findings:
    for vpc in _of(resources, VPCS):
        if not configuring(vpc, resources, ("aws:ec2/flowLog:FlowLog",), "vpcId"):
            yield vpc, "VPC has no flow log"


def alb_web_acl(resources: Sequence[Resource], _: Context) -> Findings:
    for lb in _of(resources, LOAD_BALANCER):
        public = not truthy(lb.get("internal"))
        if public and str(lb.get("loadBalancerType", default="application")) == "application":
            acls = configuring(
                lb, resources, ("aws:wafv2/webAclAssociation:WebAclAssociation",), "resourceArn"
            )
            if not acls:
                yield lb, "internet-facing ALB has no WAF web ACL"


def _bucket_settings(bucket: Resource, resources: Sequence[Resource], kind: str) -> list[Resource]:
    types = (f"aws:s3/bucket{kind}:Bucket{kind}", f"aws:s3/bucket{kind}V2:Bucket{kind}V2")
    return configuring(bucket, resources, types, "bucket")


def bucket_public_access_block(resources: Sequence[Resource], _: Context) -> Findings:
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    for bucket in _of(resources, BUCKETS):
        blocks = _bucket_settings(bucket, resources, "PublicAccessBlock")
        if not any(all(truthy(b.get(flag)) for flag in flags) for b in blocks):
            yield bucket, "bucket has no public access block with all four settings true"


def bucket_versioning(resources: Sequence[Resource], _: Context) -> Findings:
    for bucket in _of(resources, BUCKETS):
        settings = _bucket_settings(bucket, resources, "Versioning")
        enabled = truthy(bucket.get("versioning", "enabled")) or any(
            str(s.get("versioningConfiguration", "status")) == "Enabled" for s in settings
        )
        if not enabled:
            yield bucket, "bucket versioning is not enabled"


def bucket_aborts_uploads(resources: Sequence[Resource], _: Context) -> Findings:
    for bucket in _of(resources, BUCKETS):
        rules = [
            rule
            for config in _bucket_settings(bucket, resources, "LifecycleConfiguration")
            for rule in as_list(config.get("rules"))
        ]
        rules += as_list(bucket.get("lifecycleRules"))
        if not any(
            isinstance(rule, Mapping)
            and str(rule.get("status", "Enabled" if rule.get("enabled") else "")) == "Enabled"
            and (
                rule.get("abortIncompleteMultipartUpload")
                or rule.get("abortIncompleteMultipartUploadDays")
            )
            for rule in rules
        ):
            yield bucket, "no lifecycle rule aborts incomplete multipart uploads"


def bucket_logging(resources: Sequence[Resource], _: Context) -> Findings:
    for bucket in _of(resources, BUCKETS):
        if not (bucket.get("logging") or _bucket_settings(bucket, resources, "Logging")):
            yield bucket, "bucket has no server access logging"


def sg_rule_conflicts(resources: Sequence[Resource], _: Context) -> Findings:
    directions = {INGRESS_RULE: "ingress", EGRESS_RULE: "egress"}
    for rule in _of(resources, (INGRESS_RULE, EGRESS_RULE, SG_RULE)):
        direction = directions.get(rule.type) or str(rule.get("type"))
        for group in _of(resources, (SECURITY_GROUP,)):
            in_group = group.urn in rule.property_dependencies.get("securityGroupId", ())
            if in_group and as_list(group.get(direction)):
                yield (
                    rule,
                    f"{rule.name} adds {direction} to {group.name}, which has inline "
                    f"{direction} rules",
                )


def role_policy_conflicts(resources: Sequence[Resource], _: Context) -> Findings:
    attachments = {
        "aws:iam/rolePolicy:RolePolicy": "role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "role",
        "aws:iam/policyAttachment:PolicyAttachment": "roles",
    }
    for attachment in _of(resources, tuple(attachments)):
        prop = attachments[attachment.type]
        for role in _of(resources, (ROLE,)):
            if role.urn not in attachment.property_dependencies.get(prop, ()):
                continue
            for exclusive in ("managedPolicyArns", "inlinePolicies"):
                if as_list(role.get(exclusive)):
                    yield (
                        attachment,
                        f"{attachment.name} manages policies of role {role.name}, "
                        f"which sets {exclusive}",
                    )


STACK_RULES: tuple[Rule, ...] = (
    Rule(
        "ecr-3-lifecycle-policy",
        "ECR.3",
        "Every repository has a lifecycle policy.",
        "Keep registry.lifecycle (the registry creates one per repository).",
        stack_check=ecr_lifecycle,
    ),
    Rule(
        "ec2-6-vpc-flow-logs",
        "EC2.6",
        "Every VPC has flow logs.",
        "Keep network.flowLogs (the network creates a flow log to CloudWatch Logs).",
        stack_check=vpc_flow_logs,
    ),
    Rule(
        "alb-web-acl",
        "platform (WAF)",
        "Internet-facing ALBs are associated with a WAF web ACL.",
        "Associate an AWS WAFv2 web ACL (managed rule groups) with the ALB.",
        stack_check=alb_web_acl,
    ),
    Rule(
        "s3-bucket-public-access-blocked",
        "S3 (AWSGuard)",
        "Buckets block every kind of public access.",
        "Add a BucketPublicAccessBlock with all four flags true.",
        stack_check=bucket_public_access_block,
    ),
    Rule(
        "s3-bucket-versioning",
        "platform (S3)",
        "Buckets keep object versions.",
        "Add a BucketVersioning with status Enabled (and expire noncurrent versions).",
        stack_check=bucket_versioning,
    ),
    Rule(
        "s3-lifecycle-aborts-incomplete-uploads",
        "platform (S3)",
        "Bucket lifecycles abort incomplete multipart uploads.",
        "Add abortIncompleteMultipartUpload {daysAfterInitiation: 7} to a lifecycle rule.",
        stack_check=bucket_aborts_uploads,
    ),
    Rule(
        "s3-bucket-logging-enabled",
        "AWSGuard s3-bucket-logging-enabled",
        "Buckets have server access logging.",
        "Add a BucketLogging to a separate log bucket.",
        stack_check=bucket_logging,
    ),
    Rule(
        "security-group-no-rule-management-conflicts",
        "AWSGuard",
        "Standalone security group rules never add to a group's inline rules of that direction.",
        "Use either inline rules or standalone rule resources for one direction of a group.",
        stack_check=sg_rule_conflicts,
    ),
    Rule(
        "iam-role-no-policy-management-conflicts",
        "AWSGuard",
        "Roles with managedPolicyArns or inlinePolicies get no separate policy resources.",
        "Use either the role's exclusive arguments or RolePolicy/RolePolicyAttachment.",
        stack_check=role_policy_conflicts,
    ),
)
