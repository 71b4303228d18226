"""`ecs-platform:cluster.managedInstancePools`: ECS Managed Instances capacity providers.

AWS launches, patches and replaces the instances of such a pool itself, choosing instance types
from the pool's attribute requirements (vCPUs, memory, allowed types, CPU makers). The ranges
and value sets below are the provider's own checks (terraform-provider-aws
internal/service/ecs/capacity_provider.go: vcpu_count/memory_mib `min` >= 1, `max` >= 1;
allowed_instance_types at most 400 of 1-30 characters `[a-zA-Z0-9.*-]`; scale_in_after -1..3600;
storage_size_gib >= 1; capacity_option_type ON_DEMAND | SPOT | RESERVED).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from settings.types import POOL_NAME_PATTERN, Architecture, Settings, unique

# An instance type, family or wildcard pattern as ECS takes them: m7g.large, c6i.*, m6*.*.
INSTANCE_TYPE_GLOB = r"^[a-z0-9][a-zA-Z0-9.*-]{0,29}$"
CpuManufacturer = Literal["intel", "amd", "amazon-web-services"]
# Which CPU makers build which architecture: Graviton is AWS's (arm64), Intel and AMD x86_64.
MANUFACTURER_ARCHITECTURE: dict[str, str] = {
    "intel": "x86_64",
    "amd": "x86_64",
    "amazon-web-services": "arm64",
}
CAPACITY_OPTION_TYPES = {"onDemand": "ON_DEMAND", "spot": "SPOT"}


class CountRange(Settings):
    min: int = Field(ge=1, description="Fewest (inclusive).")
    max: int | None = Field(None, ge=1, description="Most (inclusive); default: no limit.")


class ManagedInstancePoolSettings(Settings):
    name: str = Field(
        pattern=POOL_NAME_PATTERN,
        description="Pool name (lowercase), unique across ec2Pools and managedInstancePools.",
    )
    renamed_from: str | None = Field(
        None,
        pattern=POOL_NAME_PATTERN,
        description="The pool's name before a rename: its resources keep their AWS names and"
        " URNs (docs/data-safety.md). Keep it while the pool lives.",
    )
    architecture: Architecture = Field(
        "x86_64", description="CPU architecture of the instances (and of the tasks placed here)."
    )
    vcpu: CountRange = Field(description="vCPUs per instance: {min, max}.")
    memory_mib: CountRange = Field(description="Memory per instance (MiB): {min, max}.")
    capacity: Literal["onDemand", "spot"] = Field(
        "onDemand",
        description="On-Demand or Spot instances. Changing it replaces the capacity provider.",
    )
    instance_types: Annotated[
        list[Annotated[str, Field(pattern=INSTANCE_TYPE_GLOB)]],
        Field(max_length=400),
        AfterValidator(unique),
    ] = Field(
        default_factory=list,
        description="Allow-list of instance types or patterns (m7g.large, c7g.*); default: any"
        " type that meets the other requirements.",
    )
    cpu_manufacturers: Annotated[list[CpuManufacturer], AfterValidator(unique)] = Field(
        default_factory=list,
        description="intel, amd, amazon-web-services; default: the makers of `architecture`.",
    )
    gpus: CountRange | None = Field(
        None, description="GPUs per instance: {min, max}; default: instances without GPUs."
    )
    storage_gib: int | None = Field(
        None, ge=1, le=16384, description="Size of the instances' task volume (GiB); default AWS's."
    )
    scale_in_after_seconds: int | None = Field(
        None,
        ge=-1,
        le=3600,
        description="Seconds an idle or underused instance waits before ECS removes it; -1 turns"
        " that optimization off; default AWS's.",
    )
    detailed_monitoring: bool = Field(False, description="1-minute EC2 metrics.")

    def deployed(self) -> ManagedInstancePoolSettings:
        """The pool as its resources are built: under its name before a rename, if any."""
        return self.model_copy(update={"name": self.renamed_from}) if self.renamed_from else self

    @property
    def capacity_option_type(self) -> str:
        return CAPACITY_OPTION_TYPES[self.capacity]

    @property
    def manufacturers(self) -> list[str]:
        """The CPU makers sent to ECS: those declared, or every maker of the architecture (so
        ECS never picks an instance the tasks' images cannot run on)."""
        if self.cpu_manufacturers:
            return list(self.cpu_manufacturers)
        return [m for m, arch in MANUFACTURER_ARCHITECTURE.items() if arch == self.architecture]
