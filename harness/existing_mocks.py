"""Mock answers for what a team already has: its VPC, subnets, listener and load balancer, keyed
off the ids the stack file gives (`network.existing`, `loadBalancer.existing`), shaped like the
provider's data sources (getVpc, getSubnet, getListener, getLoadBalancer).

The world they describe is a well-formed one: the declared subnets are in the declared VPC, the
n-th subnet of each list in the region's n-th AZ (a, b, c, then a again), the listener is HTTPS
on 443 in front of an application load balancer in that VPC whose security group is the one
declared. A subnet id the stack file does not declare is not found, as AWS would answer. The
checks of a world that is not well formed are tested on settings/looked_up.py directly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ZONE_LETTERS = "abc"


def _digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _json(value: Any) -> Any:
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class ExistingWorld:
    """The ids a stack file names as existing."""

    vpc_id: str = ""
    public_subnet_ids: tuple[str, ...] = ()
    private_subnet_ids: tuple[str, ...] = ()
    security_group_id: str = ""
    subnets: dict[str, int] = field(default_factory=dict)  # id -> its position in its list

    @classmethod
    def from_config(cls, project: str, config: Mapping[str, Any]) -> ExistingWorld:
        network = _json(config.get(f"{project}:network")).get("existing") or {}
        balancer = _json(config.get(f"{project}:loadBalancer")).get("existing") or {}
        public = tuple(str(s) for s in network.get("publicSubnetIds") or [])
        private = tuple(str(s) for s in network.get("privateSubnetIds") or [])
        positions = {s: i for ids in (public, private) for i, s in enumerate(ids)}
        return cls(
            vpc_id=str(network.get("vpcId") or ""),
            public_subnet_ids=public,
            private_subnet_ids=private,
            security_group_id=str(balancer.get("securityGroupId") or ""),
            subnets=positions,
        )


def vpc_result(world: ExistingWorld, args: Mapping[str, Any], region: str, account: str) -> dict:
    vpc_id = str(args.get("id") or world.vpc_id)
    second = 64 + int(_digest(vpc_id, length=2), 16) % 64  # 10.64.0.0/16 to 10.127.0.0/16
    return {
        "id": vpc_id,
        "arn": f"arn:aws:ec2:{region}:{account}:vpc/{vpc_id}",
        "cidrBlock": f"10.{second}.0.0/16",
        "default": False,
        "state": "available",
        "ownerId": account,
        "enableDnsHostnames": True,
        "enableDnsSupport": True,
    }


def subnet_result(
    world: ExistingWorld, args: Mapping[str, Any], region: str, account: str
) -> dict[str, Any]:
    subnet_id = str(args.get("id"))
    if subnet_id not in world.subnets:
        raise ValueError(f"no matching EC2 Subnet found ({subnet_id})")  # as the provider says
    position = world.subnets[subnet_id]
    public = subnet_id in world.public_subnet_ids
    second = 64 + int(_digest(world.vpc_id, length=2), 16) % 64
    third = position + (0 if public else 100)
    return {
        "id": subnet_id,
        "arn": f"arn:aws:ec2:{region}:{account}:subnet/{subnet_id}",
        "availabilityZone": f"{region}{ZONE_LETTERS[position % len(ZONE_LETTERS)]}",
        "cidrBlock": f"10.{second}.{third}.0/24",
        "vpcId": world.vpc_id,
        "mapPublicIpOnLaunch": False,
        "state": "available",
        "ownerId": account,
    }


def listener_result(args: Mapping[str, Any]) -> dict[str, Any]:
    """An HTTPS listener on 443; listener/app/<name>/<lb id>/<id> belongs to the load balancer
    loadbalancer/app/<name>/<lb id>."""
    arn = str(args.get("arn"))
    prefix, _, path = arn.partition(":listener/")
    load_balancer = f"{prefix}:loadbalancer/{path.rsplit('/', 1)[0]}"
    return {
        "id": arn,
        "arn": arn,
        "loadBalancerArn": load_balancer,
        "port": 443,
        "protocol": "HTTPS",
        "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "certificateArn": f"{prefix.replace('elasticloadbalancing', 'acm')}:certificate/mock",
        "defaultActions": [{"type": "fixed-response"}],
        "tags": {},
    }


def load_balancer_result(world: ExistingWorld, args: Mapping[str, Any], region: str) -> dict:
    arn = str(args.get("arn"))
    suffix = arn.split(":loadbalancer/", 1)[-1]  # app/<name>/<id>
    _, name, identifier = suffix.split("/")
    return {
        "id": arn,
        "arn": arn,
        "arnSuffix": suffix,
        "name": name,
        "dnsName": f"{name}-{identifier[:10]}.{region}.elb.amazonaws.com",
        "zoneId": "Z32O12XQLNTSW2",
        "loadBalancerType": "application",
        "internal": False,
        "vpcId": world.vpc_id,
        "securityGroups": [world.security_group_id] if world.security_group_id else [],
        "subnets": list(world.public_subnet_ids),
    }
