"""Entry point Pulumi runs for `--policy-pack policy`: build the pack (this starts its server)."""

from ecs_platform_policies.pack import PACK_NAME, build_policies
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name=PACK_NAME,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=build_policies(),
)
