"""Every risk code the plan diff can raise, whether it blocks, and when it fires.

`review.risks.Risk` refuses a code that is not listed here, so a new kind of risk cannot reach
a pull-request comment without its line in the generated docs page (docs/reference/risks.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from settings.acknowledgements import ACKNOWLEDGEMENT_DAYS


@dataclass(frozen=True)
class RiskCode:
    blocking: bool
    fires_when: str


RISK_CODES: dict[str, RiskCode] = {
    "stateful-delete": RiskCode(
        False,
        "a resource of a type that holds data (in a development stack) or identity (the table"
        " below) would be deleted",
    ),
    "stateful-replace": RiskCode(False, "one of those would be replaced (deleted, then created)"),
    "protect-removed": RiskCode(False, "a `protect`ed resource would be left unprotected"),
    "protected-delete": RiskCode(
        True,
        "a `protect`ed resource would be deleted: the engine refuses it, in every tier (the"
        " message gives the safe sequence for its kind)",
    ),
    "protected-replace": RiskCode(
        True,
        "a `protect`ed resource would be replaced while it stays protected: the engine refuses it",
    ),
    "data-loss-delete": RiskCode(
        True,
        "a resource of a type that holds data (the table below) would be deleted in a"
        " production stack",
    ),
    "data-loss-replace": RiskCode(True, "one of those would be replaced in a production stack"),
    "loss-acknowledged": RiskCode(
        False,
        "one of the four above, acknowledged for that resource in `acknowledgedLosses` (at most"
        f" {ACKNOWLEDGEMENT_DAYS} days old); the message says when and why",
    ),
    "probable-rename": RiskCode(
        False,
        "a service or pool is removed and one of the same shape added: the message gives the"
        " `renamedFrom` line that keeps its resources",
    ),
    "ingress-widened": RiskCode(
        False,
        "a new ingress source or rule, any `0.0.0.0/0` or `::/0`, a wider port range (a CIDR"
        " inside one already allowed is not)",
    ),
    "iam-widened": RiskCode(
        False,
        "new actions, actions newly on `*`, a new trusted account on an existing role (roles,"
        " role policies, repository, topic and key policies); a trust policy is not a grant",
    ),
    "public-exposure": RiskCode(
        False,
        "an internal ALB made internet-facing, a public IP on tasks or instances, a new account"
        " allowed to pull images",
    ),
    "capacity-reduced": RiskCode(
        False,
        "min/max/desired of an Auto Scaling group, scalable target or service lowered in a"
        " production stack",
    ),
    "cost-up": RiskCode(False, "the monthly estimate rises by more than 10%"),
    "capacity-move": RiskCode(
        False, "a service moves between an EC2 pool and Fargate (deploy it on its own)"
    ),
    "image-not-pushed": RiskCode(
        False,
        "a service pulls from an ECR repository the same change creates (see the first `up` in"
        " docs/lifecycle.md)",
    ),
    "deployment-strategy": RiskCode(
        False, "a service moves between rolling, blue/green, canary and linear deployments"
    ),
    "hostname-removed": RiskCode(False, "a routed hostname (a service URL) goes away"),
    "shared-listener": RiskCode(
        False,
        "a listener rule is added to (or moves on) a listener the stack does not own"
        " (`loadBalancer.existing`): its priority must be free there",
    ),
    "security-group-joined": RiskCode(
        False,
        "a service's tasks join a security group the stack file names"
        " (`services.<name>.securityGroups`): they reach whatever admits it",
    ),
    "certificate-replaced": RiskCode(False, "the load balancer's ACM certificate is replaced"),
    "schedule-changed": RiskCode(
        False,
        "a job's schedule changes (expression, time zone or state) or is removed: its runs come"
        " at other times, or only on demand",
    ),
    "transition-provider-in-use": RiskCode(
        True,
        "a capacity provider leaves the cluster while the base still places a service on it"
        " (move the service, deploy, then remove the pool)",
    ),
    "transition-capacity-move": RiskCode(
        True,
        "a service moves between an EC2 pool and Fargate in the same change as a change to"
        " that pool",
    ),
    "transition-unique-value": RiskCode(
        True,
        "a listener rule priority, listener port, Service Connect name or physical name goes"
        " from one resource to another",
    ),
    "transition-leave-progressive": RiskCode(
        True,
        "a service leaves blue/green, canary or linear for rolling: production may be on the"
        " alternate target group the change removes (`ecs-platform svc status` names it)",
    ),
    "transition-replace-in-use": RiskCode(
        True,
        "a resource with a fixed name (target group, security group, capacity provider) is"
        " replaced delete-first while a resource that is not replaced still uses it",
    ),
}
