"""The plan shows each managed instance pool's requirements; the estimate prices its minimum as
the cheapest fitting instance type plus the management fee (left out where no fee is known)."""

from __future__ import annotations

import math

import pytest
import yaml

from cost import PRICES_DIR, estimate, load_prices
from cost.managed import INSTANCE_SPECS, Fit, cheapest_fit, fits, instances_needed
from harness.engine import run_program
from harness.records import Synthesis
from review.plan import build_plan, render_text
from settings.stack_files import read_stack_config

from conftest import FIXTURES


@pytest.fixture(scope="module")
def managed() -> Synthesis:
    return run_program("managed", stack_config=read_stack_config("managed", FIXTURES))


def pool_config() -> dict:
    return read_stack_config("managed", FIXTURES)["ecs-platform:cluster"]["managedInstancePools"][0]


def test_plan_shows_the_pool_requirements(managed: Synthesis) -> None:
    text = render_text(build_plan(managed))
    pool = pool_config()
    assert "cluster-batch-infrastructure" in text
    assert "name: batch-ecs-platform-managed" in text
    assert f"vcpus: {pool['vcpu']['min']}-{pool['vcpu']['max']}" in text
    assert f"memory: {pool['memoryMib']['min']}-{pool['memoryMib']['max']} MiB" in text
    assert "managedInstances: ON_DEMAND" in text
    assert "instanceTypes: " + ", ".join(pool["instanceTypes"]) in text
    assert f"storageGib: {pool['storageGib']}" in text
    assert "lifetime: drained 14 days after launch, replaced by day 21 (AWS)" in text


@pytest.mark.parametrize("region", ["eu-west-1", "us-east-1"])
def test_estimate_prices_the_cheapest_fitting_type_and_the_fee(
    managed: Synthesis, region: str
) -> None:
    raw = yaml.safe_load((PRICES_DIR / f"{region}.yaml").read_text())["prices"]
    pool = pool_config()
    service = read_stack_config("managed", FIXTURES)["ecs-platform:services"]["reports"]
    # by hand: the priced arm64 types inside the pool's ranges and allow-list
    candidates = {
        name: value["price"]
        for name, value in raw["ec2InstanceHour"].items()
        if name in INSTANCE_SPECS
        and isinstance(value["price"], float)
        and INSTANCE_SPECS[name][2] == "amazon-web-services"
        and pool["vcpu"]["min"] <= INSTANCE_SPECS[name][0] <= pool["vcpu"]["max"]
        and pool["memoryMib"]["min"] <= INSTANCE_SPECS[name][1] <= pool["memoryMib"]["max"]
        and name.split(".")[0] in {"m7g", "c7g", "t4g"}
    }
    cheapest = min(candidates, key=candidates.get)
    vcpu, memory = INSTANCE_SPECS[cheapest][:2]
    count = max(
        math.ceil(service["desiredCount"] * service["cpu"] / 1024 / vcpu),
        math.ceil(service["desiredCount"] * service["memory"] / memory),
    )
    items = [i for i in estimate(managed.resources, load_prices(region)).items if "batch" in i.what]
    instance, fee = items
    assert instance.price_key == f"ec2InstanceHour[{cheapest}]"
    assert instance.quantity == count
    assert instance.monthly == pytest.approx(count * candidates[cheapest] * 730)
    assert fee.price_key == f"managedInstancesFeeHour[{cheapest}]"
    expected_fee = raw["managedInstancesFeeHour"][cheapest]["price"]
    assert fee.unit_price == expected_fee  # None (left out) where no fee was found
    assert fee.left_out == (expected_fee is None)
    assert "management fee" in fee.what


def test_fit_checks_every_requirement() -> None:
    arm = {"vcpuCount": {"min": 2, "max": 4}, "memoryMib": {"min": 4096}}
    assert fits("t4g.medium", {**arm, "cpuManufacturers": ["amazon-web-services"]})
    assert not fits("t4g.medium", {**arm, "cpuManufacturers": ["intel", "amd"]})
    assert not fits("t4g.small", arm)  # 2 GiB is below the memory minimum
    assert not fits("c6a.2xlarge", arm)  # 8 vCPUs is above the maximum
    assert not fits("m7g.large", {**arm, "allowedInstanceTypes": ["c7g.*"]})
    assert fits("c7g.xlarge", {**arm, "allowedInstanceTypes": ["c7g.*"]})
    assert not fits("m7g.large", {**arm, "acceleratorCount": {"min": 1}})
    assert not fits("x9.huge", arm)  # unknown specs are never guessed


def test_cheapest_fit_skips_unpriced_types() -> None:
    requirements = {"vcpuCount": {"min": 2}, "memoryMib": {"min": 8192}}
    prices = {"m7g.large": 0.09, "m6g.large": None, "c7g.xlarge": 0.08}
    found = cheapest_fit(requirements, prices)
    assert found == Fit("c7g.xlarge", 0.08, 4, 8192)
    assert cheapest_fit({"vcpuCount": {"min": 64}, "memoryMib": {"min": 1}}, prices) is None


def test_instances_needed_covers_cpu_and_memory_and_scales_to_zero() -> None:
    fit = Fit("t4g.medium", 0.03, 2, 4096)
    assert instances_needed(fit, []) == 0
    assert instances_needed(fit, [(0, 1, 2048)]) == 0
    assert instances_needed(fit, [(1, 0.25, 512)]) == 1
    assert instances_needed(fit, [(3, 1, 1024)]) == 2  # 3 vCPUs on 2-vCPU instances
    assert instances_needed(fit, [(2, 0.5, 6144)]) == 3  # 12 GiB on 4-GiB instances
