"""Bad managed instance pool settings: one clear line each, naming the file and the key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from settings_check import settings_problems

from harness.engine import SynthesisError, run_program
from settings.stack_files import read_stack_config

from conftest import FIXTURES

Config = dict[str, Any]
FILE = "Pulumi.managed.yaml"
BASE = read_stack_config("managed", FIXTURES)
MIX_MESSAGE = (
    "mixes managed instance pool (batch) and Fargate or EC2 pool ({others}) providers; a"
    " strategy uses one kind only"
)


def pool(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:cluster"]["managedInstancePools"][0])


def cluster(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:cluster"])


def reports(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:services"]["reports"])


def lines(change: Callable[[Config], Any], tier: str = "production") -> list[str]:
    def apply(config: Config) -> None:
        config["ecs-platform:tier"] = tier
        change(config)

    return settings_problems("managed", apply, base=BASE)


BAD: list[tuple[str, Callable[[Config], Any], list[str]]] = [
    ("name shared with an EC2 pool", pool(lambda p: p.update(name="general")),
     ["cluster.managedInstancePools[0].name: duplicate pool name 'general' (names are unique"
      " across ec2Pools and managedInstancePools: each is a capacity provider)",
      "services.reports.capacity: unknown capacity 'batch' (known: default, fargate,"
      " fargate-spot, general, general)"]),
    ("reserved provider name", pool(lambda p: p.update(name="ecsbatch")),
     ["cluster.managedInstancePools[0].name: 'ecsbatch': capacity provider names cannot start"
      " with aws, ecs or fargate",
      "services.reports.capacity: unknown capacity 'batch' (known: default, fargate,"
      " fargate-spot, general, ecsbatch)"]),
    ("vcpu range reversed", pool(lambda p: p.update(vcpu={"min": 8, "max": 4})),
     ["cluster.managedInstancePools[0].vcpu.min: 8 is above max 4"]),
    ("memory range reversed", pool(lambda p: p.update(memoryMib={"min": 65536, "max": 32768})),
     ["cluster.managedInstancePools[0].memoryMib.min: 65536 is above max 32768"]),
    ("vcpu below one", pool(lambda p: p.update(vcpu={"min": 0})),
     ["cluster.managedInstancePools[0].vcpu.min: Input should be greater than or equal to 1"
      " (got 0)"]),
    ("gpu range reversed", pool(lambda p: p.update(gpus={"min": 4, "max": 1})),
     ["cluster.managedInstancePools[0].gpus.min: 4 is above max 1"]),
    ("scale-in delay out of range", pool(lambda p: p.update(scaleInAfterSeconds=7200)),
     ["cluster.managedInstancePools[0].scaleInAfterSeconds: Input should be less than or equal"
      " to 3600 (got 7200)"]),
    ("unknown capacity option", pool(lambda p: p.update(capacity="reserved")),
     ["cluster.managedInstancePools[0].capacity: Input should be 'onDemand' or 'spot'"
      " (got 'reserved')"]),
    ("cpu maker of the other architecture", pool(lambda p: p.update(cpuManufacturers=["intel"])),
     ["cluster.managedInstancePools[0].cpuManufacturers[0]: intel builds x86_64 CPUs but the"
      " pool's architecture is arm64"]),
    ("instance type of the other architecture",
     pool(lambda p: p.update(instanceTypes=["m7g.*", "m7i.large"])),
     ["cluster.managedInstancePools[0].instanceTypes[1]: m7i.large is x86_64 but the pool's"
      " architecture is arm64"]),
    ("task architecture differs from the pool", reports(lambda s: s.update(architecture="x86_64")),
     ["services.reports.architecture: x86_64 tasks cannot run on managed instance pool batch"
      " (arm64)"]),
    ("task larger than the largest instance", reports(lambda s: s.update(cpu=16384)),
     ["services.reports.cpu: 16384 CPU units do not fit pool batch (at most 8 vCPUs = 8192"
      " units per instance)"]),
    ("task memory above the pool's", reports(lambda s: s.update(memory=65536)),
     ["services.reports.memory: 65536 MiB does not fit pool batch (at most 32768 MiB per"
      " instance)"]),
    ("windows on a managed pool",
     reports(lambda s: s.update(operatingSystem="windows", architecture=None)),
     ["services.reports.architecture: x86_64 tasks cannot run on managed instance pool batch"
      " (arm64)",
      "services.reports.capacity: Windows tasks run on Fargate only, not Fargate Spot, EC2 or"
      " managed instance pools"]),
    ("launchType is not a key",
     reports(lambda s: s.update(launchType="EC2")),
     ["services.reports.launchType: unknown key (allowed: "]),
    ("networkMode is not a key",
     reports(lambda s: s.update(networkMode="bridge")),
     ["services.reports.networkMode: unknown key (allowed: "]),
    ("default strategy mixes Fargate and a managed pool",
     cluster(lambda c: c["defaultStrategy"].append({"provider": "batch", "weight": 1})),
     ["cluster.defaultStrategy: " + MIX_MESSAGE.format(others="FARGATE, FARGATE_SPOT"),
      "services.api.architecture: x86_64 tasks cannot run on managed instance pool batch"
      " (arm64)"]),
    ("default strategy mixes an EC2 pool and a managed pool",
     lambda config: (
         config["ecs-platform:cluster"].update(
             defaultStrategy=[{"provider": "general"}, {"provider": "batch"}]
         ),
         config["ecs-platform:services"]["api"].update(architecture="arm64"),
     ),
     ["cluster.defaultStrategy: " + MIX_MESSAGE.format(others="general")]),
    ("14-day drain with one task and no spare",
     reports(lambda s: s.update(desiredCount=1, minHealthyPercent=0)),
     ["services.reports.minHealthyPercent: 0: managed instances are drained 14 days after"
      " launch (by day 21 at the latest, earlier for patches), and with fewer than 2 tasks ECS"
      " would stop this one before its replacement runs; tier production keeps"
      " minHealthyPercent: 100 here, or runs at least 2 tasks"]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "change", "expected"), BAD, ids=[c[0] for c in BAD])
def test_refused_with_file_and_key(
    case: str, change: Callable[[Config], Any], expected: list[str]
) -> None:
    found = lines(change)
    prefixed = [f"{FILE}: {line}" for line in expected]
    if case.endswith("is not a key"):
        # The platform never sets launchType and always uses awsvpc (one of the modes Managed
        # Instances accept), so neither is a key: the loader refuses both, listing the keys.
        assert len(found) == 1 and found[0].startswith(prefixed[0])
        return
    assert found == prefixed


def test_the_fixture_itself_is_accepted() -> None:
    assert lines(lambda config: None) == []


def test_development_may_run_one_task_without_a_spare() -> None:
    change = reports(lambda s: s.update(desiredCount=1, minHealthyPercent=0))
    assert lines(change, tier="development") == []


def test_a_service_and_the_default_strategy_may_use_managed_pools() -> None:
    def change(config: Config) -> None:
        config["ecs-platform:cluster"]["defaultStrategy"] = [{"provider": "batch", "weight": 1}]
        config["ecs-platform:services"]["api"]["architecture"] = "arm64"

    assert lines(change) == []


def test_a_refused_pool_registers_nothing() -> None:
    config = read_stack_config("managed", FIXTURES)
    config["ecs-platform:cluster"]["managedInstancePools"][0]["vcpu"] = {"min": 8, "max": 4}
    with pytest.raises(SynthesisError) as failure:
        run_program("managed", stack_config=config)
    assert failure.value.resources == []
    assert f"{FILE}: cluster.managedInstancePools[0].vcpu.min: 8 is above max 4" in str(
        failure.value.cause
    )
