"""How a service deploys (`services.<name>.deployment`): ECS's native strategies.

rolling (the default) replaces tasks in place behind one target group, guarded by the deployment
circuit breaker. blueGreen, canary and linear start a full second set of tasks (green) behind an
alternate target group, shift the production listener rule's weights to it (all at once, one
canary step, or in equal steps), keep blue running for `bakeTimeMinutes`, and roll back on a
deployment alarm, a failed Lambda hook or a PAUSE approval answered with rollback. ECS does this
itself (no CodeDeploy): deploymentConfiguration.strategy in the ECS API, `strategy`,
`bake_time_in_minutes`, `canary_configuration`, `linear_configuration` and `lifecycle_hooks` in
pulumi-aws 7.51.1 (pulumi_aws/ecs/_inputs.py, ServiceDeploymentConfigurationArgs). Limits below
are the provider's validators (terraform-provider-aws internal/service/ecs/service.go:
bake times IntBetween(0, 1440), canary_percent FloatBetween(0.1, 100), step_percent
FloatBetween(3, 100)) and the ECS API reference (DeploymentLifecycleHookTimeoutConfiguration:
timeoutInMinutes 1-20160, default 1440; action ROLLBACK | CONTINUE, default ROLLBACK).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from settings.types import Settings

Strategy = Literal["rolling", "blueGreen", "canary", "linear"]
# The ECS API's names (DeploymentConfiguration.strategy).
ECS_STRATEGY: dict[str, str] = {
    "rolling": "ROLLING",
    "blueGreen": "BLUE_GREEN",
    "canary": "CANARY",
    "linear": "LINEAR",
}
# Lifecycle stages a hook may name, as the pulumi-aws 7.51.1 docs of
# ServiceDeploymentConfigurationLifecycleHookArgs.lifecycle_stages list them. (The ECS API also has
# PRE_PRODUCTION_TRAFFIC_SHIFT, newer than what this provider documents: not offered here.)
HookStage = Literal[
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
]
# "PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages"
# (ECS API reference, DeploymentLifecycleHook.lifecycleStages; developer guide, "Pause hooks for
# Amazon ECS service deployments"): while traffic is shifting, ECS does not stop to wait.
TRAFFIC_SHIFT_STAGES = ("TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")
LAMBDA_ARN = re.compile(
    r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$"
)
# ALB http-header conditions: the name is 1-40 of A-Z a-z 0-9 and ! # $ % & ' * + - . ^ _ ` | ~;
# a value is up to 128 characters, * and ? wildcards (ALB guide, "HTTP header conditions").
HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$")


def check_lambda_arn(value: str) -> str:
    if not LAMBDA_ARN.match(value):
        raise ValueError(
            f"{value!r} is not a Lambda function ARN"
            " (arn:aws:lambda:<region>:<account>:function:<name>[:<version or alias>])"
        )
    return value


def check_header_name(value: str) -> str:
    if not HEADER_NAME.match(value):
        raise ValueError(
            f"{value!r} is not an HTTP header name (1-40 letters, digits and ! # $ % & ' * + - ."
            " ^ _ ` | ~)"
        )
    return value


LambdaArn = Annotated[str, AfterValidator(check_lambda_arn)]
HeaderName = Annotated[str, AfterValidator(check_header_name)]
BakeMinutes = Annotated[int, Field(ge=0, le=1440)]


class CanarySettings(Settings):
    percent: float = Field(
        ge=0.1, le=100, description="Share of production traffic the canary gets first (0.1-100)."
    )
    bake_time_minutes: BakeMinutes = Field(
        description="Minutes at that share before the rest shifts (0-1440)."
    )


class LinearSettings(Settings):
    step_percent: float = Field(
        ge=3, le=100, description="Share of production traffic moved at each step (3-100)."
    )
    step_bake_time_minutes: BakeMinutes = Field(description="Minutes between steps (0-1440).")


class TestTrafficSettings(Settings):
    """A test listener rule on the production listener: the service's paths and hosts plus one
    header, ahead of the production rule (lower priority number). ECS points it at green during
    TEST_TRAFFIC_SHIFT, so a request with the header reaches the new revision before any
    production traffic does."""

    __test__ = False  # not a pytest class, whatever its name

    header_name: HeaderName = Field(
        "X-Test-Traffic", description="Header that marks a test request."
    )
    header_value: str = Field(
        min_length=1,
        max_length=128,
        pattern=r"^[ -~]+$",
        description="Its value (printable ASCII; * and ? are wildcards). Keep it unguessable.",
    )
    priority: int = Field(
        ge=1,
        le=50000,
        description="Listener rule priority: below routing.priority, unique on the listener.",
    )


class LambdaHookSettings(Settings):
    stage: HookStage = Field(description="Lifecycle stage at which ECS invokes the function.")
    lambda_arn: LambdaArn = Field(
        description="Function ECS invokes; it answers hookStatus SUCCEEDED, FAILED (roll back)"
        " or IN_PROGRESS (ask again)."
    )


class ApprovalSettings(Settings):
    """A PAUSE hook: the deployment waits at `stage` for ContinueServiceDeployment
    (`ecs-platform approve` or `ecs-platform rollback`) until `timeoutMinutes`, then does
    `onTimeout`."""

    stage: HookStage = Field(
        "POST_TEST_TRAFFIC_SHIFT",
        description="Stage to wait at (not TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT).",
    )
    timeout_minutes: int = Field(
        1440, ge=1, le=20160, description="Minutes to wait for an answer (1-20160)."
    )
    on_timeout: Literal["rollback", "continue"] = Field(
        "rollback", description="What ECS does when nobody answers in time."
    )


class DeploymentSettings(Settings):
    strategy: Strategy = Field(
        "rolling",
        description="rolling (in place, circuit breaker), blueGreen, canary or linear (a second"
        " set of tasks behind an alternate target group; routed services only).",
    )
    bake_time_minutes: BakeMinutes | None = Field(
        None,
        description="Minutes blue keeps running after all traffic moved, for an instant"
        " rollback (0-1440; non-rolling only; default 0).",
    )
    canary: CanarySettings | None = Field(None, description="Canary step (strategy canary).")
    linear: LinearSettings | None = Field(None, description="Linear steps (strategy linear).")
    test_traffic: TestTrafficSettings | None = Field(
        None, description="Header rule that lets test requests reach green first."
    )
    hooks: list[LambdaHookSettings] = Field(
        default_factory=list, description="Lambda hooks (at most 10)."
    )
    approval: ApprovalSettings | None = Field(
        None, description="Manual approval: a PAUSE hook at one stage."
    )

    @property
    def progressive(self) -> bool:
        """True for the strategies that run blue and green side by side."""
        return self.strategy != "rolling"

    @property
    def ecs_strategy(self) -> str:
        return ECS_STRATEGY[self.strategy]
