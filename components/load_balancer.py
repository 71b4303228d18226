"""The environment's Application Load Balancer: HTTPS with a modern TLS policy, HTTP that only
redirects, a 404 for anything no service claims, and optional access logs to S3."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.naming import Naming
from settings.load_balancer import LoadBalancerSettings
from settings.looked_up import LookedUp

HTTP, HTTPS = 80, 443
NOT_FOUND = {
    "type": "fixed-response",
    "fixed_response": {
        "content_type": "text/plain",
        "message_body": "Not Found",
        "status_code": "404",
    },
}
# Regions opened since August 2022 deliver logs as this service, older ones as a regional ELB
# account: the bucket policy admits both, so one template serves every region.
LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"
NONCURRENT_VERSION_DAYS = 30  # an overwritten or deleted log object stays this long
INCOMPLETE_UPLOAD_DAYS = 7
# AWS managed rule groups (no extra fee): OWASP-style common rules, request patterns known to be
# malicious (Log4j and the like), and IP addresses Amazon threat intelligence flags.
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
REDACTED_HEADERS = ("authorization", "cookie")
WAF_LOG_PREFIX = "aws-waf-logs-"  # WAF only logs to destinations named so


def visibility(metric_name: str) -> dict[str, Any]:
    return {
        "cloudwatch_metrics_enabled": True,
        "metric_name": metric_name,
        "sampled_requests_enabled": True,
    }


def web_acl_rules(rate_limit: int) -> list[dict[str, Any]]:
    """Managed groups in order (their own block actions apply), then a per-IP rate limit."""
    rules: list[dict[str, Any]] = [
        {
            "name": group,
            "priority": priority,
            "override_action": {"none": {}},
            "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
            "visibility_config": visibility(group),
        }
        for priority, group in enumerate(MANAGED_RULE_GROUPS)
    ]
    rules.append(
        {
            "name": "rate-limit-per-ip",
            "priority": len(rules),
            "action": {"block": {}},
            "statement": {
                "rate_based_statement": {"limit": rate_limit, "aggregate_key_type": "IP"}
            },
            "visibility_config": visibility("rate-limit-per-ip"),
        }
    )
    return rules


@dataclass(frozen=True)
class RouteTarget:
    """What a routed service needs of the ALB."""

    listener_arn: pulumi.Input[str]
    security_group_id: pulumi.Input[str]
    arn_suffix: pulumi.Input[str]


def existing_route_target(settings: LoadBalancerSettings, facts: LookedUp) -> RouteTarget:
    """`loadBalancer.existing`: the team's listener and ALB security group, and the ALB's
    metric dimension (its ARN suffix) as looked up (components/existing.py)."""
    existing, listener = settings.existing, facts.listener
    assert existing is not None and listener is not None  # checked before any resource
    return RouteTarget(
        listener_arn=existing.listener_arn,
        security_group_id=existing.security_group_id,
        arn_suffix=listener.arn_suffix,
    )


@dataclass(frozen=True)
class LoadBalancerArgs:
    settings: LoadBalancerSettings
    naming: Naming
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    public_subnet_ids: pulumi.Input[Sequence[str]]
    private_subnet_ids: pulumi.Input[Sequence[str]]
    account_id: pulumi.Input[str]
    protect: bool
    kms_key_id: pulumi.Input[str] | None = None  # the WAF log group's key (None: AWS's)
    region: str = ""  # in the access-log bucket's name (bucket names are global)
    # An issued certificate from `loadBalancer.domain` (components.domain.Certificates): the
    # validation's ARN, so the HTTPS listener is created only once ACM has issued it.
    certificate_arn: pulumi.Input[str] | None = None


class LoadBalancer(pulumi.ComponentResource):
    TYPE = "ecs-platform:loadBalancer:LoadBalancer"  # part of every child's URN: never change it
    arn: pulumi.Output[str]
    arn_suffix: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    listener_arn: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    # The ALB is IPv4 only (no ipAddressType setting; the VPC has no IPv6): alias records
    # follow this, A only, AAAA as well once it is dual-stack.
    dual_stack = False

    def __init__(
        self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name, self._args = name, args
        self.security_group = self._security_group()
        self.load_balancer = self._load_balancer()
        if args.settings.waf.enabled:
            self.web_acl = self._web_acl(name, args)
        self.listener = self._listeners()

        self.arn = self.load_balancer.arn
        self.arn_suffix = self.load_balancer.arn_suffix
        self.dns_name = self.load_balancer.dns_name
        self.zone_id = self.load_balancer.zone_id
        self.security_group_id = self.security_group.id
        self.listener_arn = self.listener.arn
        self.route_target = RouteTarget(
            listener_arn=self.listener_arn,
            security_group_id=self.security_group_id,
            arn_suffix=self.arn_suffix,
        )
        self.register_outputs(
            {
                "arn": self.arn,
                "dnsName": self.dns_name,
                "securityGroupId": self.security_group_id,
                "listenerArn": self.listener_arn,
            }
        )

    def _listener_ports(self) -> list[int]:
        return [HTTP, HTTPS] if self._args.settings.serves_https else [HTTP]

    def _security_group(self) -> aws.ec2.SecurityGroup:
        name, args = self._name, self._args
        settings = args.settings
        child = pulumi.ResourceOptions(parent=self)
        ports = self._listener_ports()
        return aws.ec2.SecurityGroup(
            f"{name}-sg",
            name=args.naming.physical("security-group", "alb"),
            description="ALB listeners from the configured CIDRs; out only into the VPC",
            vpc_id=args.vpc_id,
            ingress=[
                {
                    "description": f"listener {port}",
                    "protocol": "tcp",
                    "from_port": port,
                    "to_port": port,
                    "cidr_blocks": list(settings.ingress_cidrs),
                }
                for port in ports
            ],
            egress=[
                {
                    "description": "to targets in the VPC",
                    "protocol": "tcp",
                    "from_port": 0,
                    "to_port": 65535,
                    "cidr_blocks": [args.vpc_cidr],
                }
            ],
            tags=args.naming.tags("alb"),
            opts=child,
        )

    def _load_balancer(self) -> aws.lb.LoadBalancer:
        name, args = self._name, self._args
        settings = args.settings
        access_logs, log_policy = (
            self._access_log_bucket(name, args) if settings.access_logs.enabled else (None, None)
        )
        return aws.lb.LoadBalancer(
            name,
            name=args.naming.physical("alb"),
            load_balancer_type="application",
            internal=settings.internal,
            subnets=args.private_subnet_ids if settings.internal else args.public_subnet_ids,
            security_groups=[self.security_group.id],
            drop_invalid_header_fields=True,
            desync_mitigation_mode=settings.desync_mitigation_mode,
            idle_timeout=settings.idle_timeout_seconds,
            enable_deletion_protection=settings.deletion_protection,
            access_logs=(
                {"bucket": access_logs.bucket, "enabled": True, "prefix": "alb"}
                if access_logs is not None
                else None
            ),
            tags=args.naming.tags("alb"),
            # ELB checks that it may write the bucket when access logs are turned on.
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, depends_on=[log_policy] if log_policy else []
            ),
        )

    def _listeners(self) -> aws.lb.Listener:
        """HTTPS with the certificate and HTTP that only redirects; or plain HTTP (development).
        Unrouted requests get a 404; services add their own rules."""
        settings = self._args.settings
        if not settings.serves_https:
            return self._listener("http", HTTP, [NOT_FOUND])
        redirect = {
            "type": "redirect",
            "redirect": {"port": str(HTTPS), "protocol": "HTTPS", "status_code": "HTTP_301"},
        }
        self._listener("http", HTTP, [redirect])
        return self._listener(
            "https",
            HTTPS,
            [NOT_FOUND],
            ssl_policy=settings.ssl_policy,
            certificate_arn=(
                self._args.certificate_arn
                if self._args.certificate_arn is not None
                else settings.certificate_arn
            ),
        )

    def _listener(
        self, kind: str, port: int, actions: list[dict[str, Any]], **tls: Any
    ) -> aws.lb.Listener:
        return aws.lb.Listener(
            f"{self._name}-{kind}",
            load_balancer_arn=self.load_balancer.arn,
            port=port,
            protocol=kind.upper(),
            default_actions=actions,
            tags=self._args.naming.tags("alb", kind),
            opts=pulumi.ResourceOptions(parent=self),
            **tls,
        )

    def _log_bucket(self, name: str, args: LoadBalancerArgs) -> aws.s3.Bucket:
        return aws.s3.Bucket(
            f"{name}-access-logs",
            # Unique per account and region: a bare `<prefix>-alb-logs` fails the first `up`
            # with BucketAlreadyExists when any account on AWS owns that name.
            bucket=pulumi.Output.from_input(args.account_id).apply(
                lambda account: args.naming.bucket("alb-logs", account, args.region)
            ),
            force_destroy=not args.protect,
            tags=args.naming.tags("alb-logs"),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                # A bucket cannot be renamed (the provider's `bucket` is ForceNew: internal/
                # service/s3/bucket.go): a stack deployed with the old name keeps its bucket and
                # logs; only new stacks get the account-and-region name.
                ignore_changes=["bucket"],
            ),
        )

    def _access_log_bucket(
        self, name: str, args: LoadBalancerArgs
    ) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
        child = pulumi.ResourceOptions(parent=self)
        bucket = self._log_bucket(name, args)
        # Versioning keeps an overwritten or deleted log object for NONCURRENT_VERSION_DAYS.
        aws.s3.BucketVersioning(
            f"{name}-access-logs",
            bucket=bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-access-logs",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        # ALB log delivery supports only SSE-S3.
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-access-logs",
            bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-access-logs",
            bucket=bucket.id,
            rules=[
                {
                    "id": "expire-access-logs",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "expiration": {"days": args.settings.access_logs.expiry_days},
                    "noncurrent_version_expiration": {"noncurrent_days": NONCURRENT_VERSION_DAYS},
                    "abort_incomplete_multipart_upload": {
                        "days_after_initiation": INCOMPLETE_UPLOAD_DAYS
                    },
                }
            ],
            opts=child,
        )
        elb_account = aws.elb.get_service_account_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).arn
        log_objects = pulumi.Output.concat(bucket.arn, "/alb/AWSLogs/", args.account_id, "/*")
        bucket_policy = aws.s3.BucketPolicy(
            f"{name}-access-logs",
            bucket=bucket.id,
            policy=policies.document(
                [
                    policies.statement(
                        ["s3:PutObject"],
                        [log_objects],
                        sid="ElbLogDeliveryService",
                        principals={"Service": LOG_DELIVERY_SERVICE},
                    ),
                    policies.statement(
                        ["s3:PutObject"],
                        [log_objects],
                        sid="ElbLogDeliveryAccount",
                        principals={"AWS": elb_account},
                    ),
                    policies.statement(
                        ["s3:*"],
                        [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")],
                        effect="Deny",
                        sid="DenyInsecureTransport",
                        principals={"AWS": "*"},
                        conditions={"Bool": {"aws:SecureTransport": "false"}},
                    ),
                ]
            ),
            opts=child,
        )
        return bucket, bucket_policy

    def _web_acl(self, name: str, args: LoadBalancerArgs) -> aws.wafv2.WebAcl:
        waf = args.settings.waf
        child = pulumi.ResourceOptions(parent=self)
        web_acl = aws.wafv2.WebAcl(
            f"{name}-waf",
            name=args.naming.physical("web-acl", "alb"),
            description=f"Web ACL of the ALB {args.naming.name()}",
            scope="REGIONAL",
            default_action={"allow": {}},
            rules=web_acl_rules(waf.rate_limit),
            visibility_config=visibility(args.naming.name("alb")),
            tags=args.naming.tags("alb", "waf"),
            opts=child,
        )
        aws.wafv2.WebAclAssociation(
            f"{name}-waf",
            resource_arn=self.load_balancer.arn,
            web_acl_arn=web_acl.arn,
            opts=child,
        )
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-waf-logs",
            name=WAF_LOG_PREFIX + args.naming.prefix,
            retention_in_days=waf.log_retention_days,
            kms_key_id=args.kms_key_id,
            tags=args.naming.tags("waf-logs"),
            # a production tier keeps its history through renames and refactors
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-waf",
            resource_arn=web_acl.arn,
            log_destination_configs=[log_group.arn],
            redacted_fields=[{"single_header": {"name": h}} for h in REDACTED_HEADERS],
            opts=child,
        )
        return web_acl
