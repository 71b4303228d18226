"""What the program looked up about the network and load balancer a team already has: plain
answers (the lookups are components/existing.py's; the rules that need them are
settings/rules/looked_up.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SubnetFacts:
    id: str
    vpc_id: str
    availability_zone: str
    cidr_block: str
    map_public_ip_on_launch: bool


@dataclass(frozen=True)
class ListenerFacts:
    """The listener and its load balancer (aws.lb.get_listener, aws.lb.get_load_balancer)."""

    arn: str
    protocol: str
    port: int
    load_balancer_arn: str
    load_balancer_type: str
    vpc_id: str
    security_group_ids: tuple[str, ...]
    dns_name: str

    @property
    def arn_suffix(self) -> str:
        """`app/<name>/<id>`: the LoadBalancer dimension of ALB metrics."""
        return self.load_balancer_arn.split(":loadbalancer/", 1)[-1]


@dataclass(frozen=True)
class LookedUp:
    """The answers, by id. Empty when the stack moves in beside nothing."""

    account_id: str = ""
    vpc_cidr: str = ""
    subnets: dict[str, SubnetFacts] = field(default_factory=dict)
    listener: ListenerFacts | None = None
    # key path -> why its lookup found nothing (not found, no permission): reported as is
    missing: dict[str, str] = field(default_factory=dict)

    def zones(self, subnet_ids: list[str]) -> list[str]:
        """The distinct AZs of `subnet_ids`, in order of first appearance."""
        return list(dict.fromkeys(self.subnets[s].availability_zone for s in subnet_ids))

    def one_per_zone(self, subnet_ids: list[str]) -> dict[str, str]:
        """AZ -> the first of `subnet_ids` in it (EFS: one mount target per AZ)."""
        chosen: dict[str, str] = {}
        for subnet in subnet_ids:
            chosen.setdefault(self.subnets[subnet].availability_zone, subnet)
        return chosen
