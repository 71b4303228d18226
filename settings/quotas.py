"""`ecs-platform:quotas`: AWS quotas this account has raised (default: AWS's defaults)."""

from __future__ import annotations

from pydantic import Field

from settings.types import Settings


class QuotaSettings(Settings):
    listener_rules: int = Field(100, ge=1, description="Rules per ALB (AWS default 100).")
    target_groups: int = Field(100, ge=1, description="Target groups per ALB (AWS default 100).")
    security_group_rules: int = Field(
        60, ge=1, description="Inbound (and, apart, outbound) rules per security group (60)."
    )
    managed_policies_per_role: int = Field(
        10, ge=1, description="IAM managed policies attached per role (AWS default 10)."
    )
    # ACM "Domain names per ACM certificate": 10 by default, adjustable, at most 100
    # (https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html).
    certificate_domain_names: int = Field(
        10, ge=1, le=100, description="Names per ACM certificate (AWS default 10, at most 100)."
    )


# Not adjustable: Application Auto Scaling, scheduled actions per scalable target.
SCHEDULED_ACTIONS_PER_TARGET = 200
# Not adjustable: ECS "Capacity providers per cluster" (FARGATE and FARGATE_SPOT count too).
CAPACITY_PROVIDERS_PER_CLUSTER = 20
# Fixed by the services' own egress rules: HTTPS anywhere and anything inside the VPC.
DEFAULT_TASK_EGRESS_RULES = 2
# Not adjustable: security groups in a task's awsvpcConfiguration (ECS API AwsVpcConfiguration).
TASK_SECURITY_GROUPS = 5
