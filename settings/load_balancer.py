"""`ecs-platform:loadBalancer`: the environment's ALB, its listeners and access logs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from settings.domain import DomainSettings
from settings.types import (
    CERTIFICATE_ARN_PATTERN,
    LISTENER_ARN_PATTERN,
    SECURITY_GROUP_ID_PATTERN,
    Cidr,
    RetentionDays,
    Settings,
    unique,
)

TLS_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
)


class AccessLogSettings(Settings):
    enabled: bool = Field(False, description="Write ALB access logs to an S3 bucket (ELB.5).")
    expiry_days: int = Field(90, ge=1, le=3650, description="Days access log objects are kept.")


class WafSettings(Settings):
    enabled: bool = Field(
        True, description="A WAFv2 web ACL on the ALB: AWS managed rules and a rate limit."
    )
    # 10 to 2,000,000,000 is the range AWS WAF allows (RateBasedStatement.Limit, WAFv2 API).
    rate_limit: int = Field(
        2000,
        ge=10,
        le=2_000_000_000,
        description="Requests per client IP per 5 minutes (10 to 2,000,000,000).",
    )
    log_retention_days: RetentionDays = Field(
        90, description="Retention of the aws-waf-logs-* log group (days)."
    )


class PriorityRange(Settings):
    """Listener rule priorities (1-50000, ALB API RulePriorityPair) the team keeps for this
    stack on a listener it shares: its other rules use none of them."""

    first: int = Field(ge=1, le=50000, description="Lowest priority the stack's rules may use.")
    last: int = Field(ge=1, le=50000, description="Highest priority the stack's rules may use.")


class ExistingLoadBalancerSettings(Settings):
    """An ALB listener the team owns: routes become rules on it, and nothing else is created."""

    listener_arn: Annotated[str, Field(pattern=LISTENER_ARN_PATTERN)] = Field(
        description="Its HTTPS listener (same account and region as the stack)."
    )
    security_group_id: Annotated[str, Field(pattern=SECURITY_GROUP_ID_PATTERN)] = Field(
        description="A security group of that ALB: the tasks admit it on their port."
    )
    priorities: PriorityRange = Field(
        description="The range of rule priorities reserved for this stack on that listener."
    )


class LoadBalancerSettings(Settings):
    existing: ExistingLoadBalancerSettings | None = Field(
        None,
        description="Add routes to a listener the team has (needs network.existing): no ALB,"
        " listener, WAF or access-log bucket is created.",
    )
    internal: bool = Field(False, description="Internal ALB in the private subnets.")
    certificate_arn: Annotated[str, Field(pattern=CERTIFICATE_ARN_PATTERN)] | None = Field(
        None, description="ACM certificate: HTTPS on 443 and HTTP only redirects."
    )
    allow_plain_http: bool = Field(
        False, description="Serve plain HTTP when there is no certificate (development only)."
    )
    ingress_cidrs: Annotated[list[Cidr], Field(min_length=1), AfterValidator(unique)] = Field(
        default_factory=lambda: ["0.0.0.0/0"], description="Who may reach the listeners."
    )
    idle_timeout_seconds: int = Field(60, ge=1, le=4000, description="Connection idle timeout.")
    desync_mitigation_mode: Literal["defensive", "strictest"] = Field(
        "defensive", description="HTTP desync protection (ELB.12)."
    )
    ssl_policy: Literal[TLS_POLICIES] = Field(  # type: ignore[valid-type]
        TLS_POLICIES[0], description="TLS policy of the HTTPS listener."
    )
    deletion_protection: bool = Field(False, description="Refuse to delete the ALB (ELB.6).")
    access_logs: AccessLogSettings = Field(
        default_factory=AccessLogSettings, description="Access logs to S3."
    )
    waf: WafSettings = Field(default_factory=WafSettings, description="Web application firewall.")
    domain: DomainSettings | None = Field(
        None,
        description="Route 53 zone and ACM certificate (exclusive with certificateArn): routed"
        " services' hostHeaders in the zone get alias records and a DNS-validated certificate.",
    )

    @property
    def serves_https(self) -> bool:
        """HTTPS on 443 (and HTTP only redirects): a certificate brought or one to create."""
        return self.certificate_arn is not None or self.domain is not None

    @property
    def creates_load_balancer(self) -> bool:
        return self.existing is None
