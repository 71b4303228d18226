"""Who may call whom: ingress rules between services' security groups (`allowFrom`).

Built after every service exists, so two services may admit each other."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.common.naming import Naming
from settings.platform import PeerAccess


@dataclass(frozen=True)
class ServicePeeringArgs:
    accesses: list[PeerAccess]
    security_group_ids: Mapping[str, pulumi.Input[str]]
    naming: Naming
    # a renamed service's rules keep its old name (logical name, description, tags)
    deployed_names: Mapping[str, str] = field(default_factory=dict)


class ServicePeering(pulumi.ComponentResource):
    TYPE = "ecs-platform:peering:ServicePeering"  # part of every child's URN: never change it

    def __init__(
        self, name: str, args: ServicePeeringArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        for access in args.accesses:
            source = args.deployed_names.get(access.source, access.source)
            target = args.deployed_names.get(access.target, access.target)
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-{source}-to-{target}",
                security_group_id=args.security_group_ids[access.target],
                referenced_security_group_id=args.security_group_ids[access.source],
                ip_protocol="tcp",
                from_port=access.port,
                to_port=access.port,
                description=f"service {source} to service {target}",
                tags=args.naming.tags(source, "to", target),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({})
