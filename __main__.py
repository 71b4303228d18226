"""ecs-platform: loads the stack's settings, composes the components, exports the outputs."""

import pulumi
import pulumi_aws as aws

from components.naming import Naming
from components.network import Network, NetworkArgs
from components.settings import load_settings

settings = load_settings()
naming = Naming(project=settings.project, stack=settings.stack, base_tags=settings.tags)
account_id = aws.get_caller_identity_output().account_id

network = Network(
    "network",
    NetworkArgs(
        settings=settings.network, naming=naming, region=settings.region, account_id=account_id
    ),
)

pulumi.export("environment", settings.environment)
pulumi.export("region", settings.region)
pulumi.export("vpcId", network.vpc_id)
pulumi.export("vpcCidr", network.cidr_block)
pulumi.export("availabilityZones", network.availability_zones)
pulumi.export("publicSubnetIds", network.public_subnet_ids)
pulumi.export("privateSubnetIds", network.private_subnet_ids)
