"""The monthly estimate follows from the price file and the stack file: expected figures are
computed here from the raw price table and the stack settings, never copied from an output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.app import main
from cost import PRICES_DIR, NoPricesError, ServiceLine, estimate, load_prices
from cost.shares import shares
from harness.records import Synthesis
from review.report import cost_report
from settings.stack_files import read_stack_config

from conftest import FIXTURES

HOURLY_OFF = {"none": 0, "single": 1}
NAT_ROOT_VOLUME_GIB = 8  # components/nat_instance.py ROOT_VOLUME_GIB


def raw_prices(region: str = "eu-west-1", directory: Path = PRICES_DIR) -> dict[str, Any]:
    return yaml.safe_load((directory / f"{region}.yaml").read_text())


def figure(raw: dict[str, Any], key: str, variant: str | None = None) -> float | None:
    entry = raw["prices"][key]
    return (entry[variant] if variant else entry)["price"]


def value_of(price: float | None, source: str = "test figure") -> dict[str, Any]:
    return {"price": price, "date": "2026-12-07", "source": source}


def discount(raw: dict[str, Any], key: str) -> float:
    value = raw["assumptions"][key]["value"]
    return value / 100 if value > 1 else value


def tasks_by_provider(count: int, strategy: list[dict[str, Any]]) -> dict[str, float]:
    placed = {item["provider"]: float(min(item.get("base", 0), count)) for item in strategy}
    rest = count - sum(placed.values())
    weights = sum(item.get("weight", 1) for item in strategy)
    for item in strategy:
        placed[item["provider"]] += rest * item.get("weight", 1) / weights
    return placed


def expected(stack: str, raw: dict[str, Any], synthesis: Synthesis) -> dict[str, float]:
    """Priced monthly cost per component from the stack file (unpriced figures count as 0)."""
    config = read_stack_config(stack, FIXTURES)
    network, cluster = config["ecs-platform:network"], config["ecs-platform:cluster"]
    zones = len(network["availabilityZones"])
    hours = raw["hoursPerMonth"]

    def hourly(key: str, variant: str | None = None) -> float:
        return (figure(raw, key, variant) or 0.0) * hours

    nat = HOURLY_OFF.get(network["natGateways"], zones)
    interface = [e for e in network.get("endpoints", []) if e not in ("s3", "dynamodb")]
    if network["natGateways"] == "instance":
        # one instance: its type's hours, its Elastic IP and the public IPv4 it boots with
        nat_type = network.get("natInstance", {}).get("instanceType", "t4g.nano")
        egress = hourly("ec2InstanceHour", nat_type) + 2 * hourly("publicIpv4Hour")
        egress += NAT_ROOT_VOLUME_GIB * (figure(raw, "ebsGp3GbMonth") or 0.0)
    else:
        egress = nat * (hourly("natGatewayHour") + hourly("publicIpv4Hour"))
    costs = {
        "network": egress + len(interface) * zones * hourly("interfaceEndpointAzHour"),
        "alb": hourly("albHour") + zones * hourly("publicIpv4Hour"),  # LCUs are usage
    }
    for acl in synthesis.of_type("aws:wafv2/webAcl:WebAcl"):
        costs["alb"] += (figure(raw, "wafWebAclMonth") or 0.0) + len(acl.inputs["rules"]) * (
            figure(raw, "wafRuleMonth") or 0.0
        )
    for key in synthesis.of_type("aws:kms/key:Key"):
        owner = synthesis.top_component(key)
        assert owner is not None
        costs[owner.name] = costs.get(owner.name, 0.0) + (figure(raw, "kmsKeyMonth") or 0.0)
    spot_factor = 1 - discount(raw, "fargateSpotDiscount")
    for name, service in config["ecs-platform:services"].items():
        arch = service.get("architecture", cluster.get("defaultTaskArchitecture", "x86_64"))
        strategy = {
            "fargate": [{"provider": "FARGATE"}],
            "fargate-spot": [{"provider": "FARGATE_SPOT"}],
            "default": cluster["defaultStrategy"],
        }.get(service["capacity"], [])
        placed = tasks_by_provider(service["desiredCount"], strategy)
        task_hour = service["cpu"] / 1024 * hourly("fargateVcpuHour", arch) + service[
            "memory"
        ] / 1024 * hourly("fargateGbHour", arch)
        costs[name] = task_hour * (
            placed.get("FARGATE", 0) + placed.get("FARGATE_SPOT", 0) * spot_factor
        )
    return costs


def component_totals(stack_estimate: Any) -> dict[str, float]:
    """Per component, without alarms and dashboards (priced per metric in their own test)."""
    totals: dict[str, float] = {}
    for item in stack_estimate.items:
        if not item.price_key.startswith(("alarm", "dashboard")):
            name = item.component.split(" ")[0]
            totals[name] = totals.get(name, 0.0) + (item.monthly or 0.0)
    return totals


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_estimate_follows_from_the_price_file(stack: str, synthesized) -> None:
    synthesis = synthesized(stack)
    raw = raw_prices()
    result = estimate(synthesis.resources, load_prices("eu-west-1"))
    want = expected(stack, raw, synthesis)
    got = component_totals(result)
    for component, total in want.items():
        assert got.get(component, 0.0) == pytest.approx(total, abs=0.005), component
    pools = [p for p in read_stack_config(stack, FIXTURES)["ecs-platform:cluster"]["ec2Pools"]]
    pool_cost = sum(
        (figure(raw, "ec2InstanceHour", p["instanceTypes"][0]) or 0.0)
        * raw["hoursPerMonth"]
        * p.get("minSize", 0)
        + p.get("rootVolumeGib", 30) * p.get("minSize", 0) * (figure(raw, "ebsGp3GbMonth") or 0.0)
        for p in pools
        if p.get("onDemandBaseCapacity", 0) >= p.get("minSize", 0)  # all on demand at minSize
    )
    pool_cost += sum(
        item.monthly or 0.0 for item in result.items if item.price_key.startswith("alarm")
    ) + sum(item.monthly or 0.0 for item in result.items if item.price_key == "dashboardMonth")
    assert result.monthly == pytest.approx(sum(want.values()) + pool_cost, abs=0.01)


def test_a_missing_price_is_unpriced_and_a_price_not_found_is_left_out(
    tmp_path: Path, synthesized
) -> None:
    """Neither is guessed: both items have no monthly figure; the plan lists the first as
    unpriced and the second under what the estimate leaves out."""
    raw = raw_prices()
    del raw["prices"]["albHour"]
    raw["prices"]["interfaceEndpointAzHour"].update(value_of(None, "NOT FOUND - test"))
    (tmp_path / "eu-west-1.yaml").write_text(yaml.safe_dump(raw))
    result = estimate(synthesized("prod").resources, load_prices("eu-west-1", tmp_path))
    assert {i.price_key for i in result.unpriced} == {"albHour"}
    endpoints = read_stack_config("prod", FIXTURES)["ecs-platform:network"]["endpoints"]
    interface = [e for e in endpoints if e not in ("s3", "dynamodb")]
    assert [i.price_key for i in result.left_out] == ["interfaceEndpointAzHour"] * len(interface)
    assert all(i.monthly is None for i in result.unpriced + result.left_out)
    report = cost_report(result)
    assert any("interfaceEndpointAzHour" in line for line in report["excluded"])
    assert report["unpriced"] and all("albHour" in line for line in report["unpriced"])


def test_alarms_dashboards_and_spot_pools_with_a_complete_price_file(tmp_path, synthesized) -> None:
    raw = raw_prices()
    for key in ("alarmStandardMonth", "alarmHighResolutionMonth", "dashboardMonth"):
        raw["prices"][key] = {"unit": "USD/month", **value_of(0.25)}
    raw["prices"]["ec2InstanceHour"]["m7g.large"] = value_of(0.1)
    (tmp_path / "eu-west-1.yaml").write_text(yaml.safe_dump(raw))
    synthesis = synthesized("prod")
    result = estimate(synthesis.resources, load_prices("eu-west-1", tmp_path))
    alarms = synthesis.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    metrics = sum(
        len([q for q in a.inputs.get("metricQueries") or [] if q.get("metric")]) or 1
        for a in alarms
    )
    alarm_items = [i for i in result.items if i.price_key.startswith("alarm")]
    assert sum(i.monthly for i in alarm_items) == pytest.approx(metrics * 0.25)
    dashboards = [i for i in result.items if i.price_key == "dashboardMonth"]
    assert sum(i.monthly for i in dashboards) == pytest.approx(
        0.25 * len(synthesis.of_type("aws:cloudwatch/dashboard:Dashboard"))
    )
    pool = read_stack_config("prod", FIXTURES)["ecs-platform:cluster"]["ec2Pools"][0]
    base = min(pool["onDemandBaseCapacity"], pool["minSize"])
    on_demand = base + (pool["minSize"] - base) * (100 - pool["spotPercentage"]) / 100
    spot = pool["minSize"] - on_demand
    pool_items = [i for i in result.items if i.price_key == "ec2InstanceHour[m7g.large]"]
    assert sum(i.monthly for i in pool_items) == pytest.approx(
        0.1 * raw["hoursPerMonth"] * (on_demand + spot * (1 - discount(raw, "ec2SpotDiscount")))
    )
    assert result.unpriced == []


def test_a_region_without_prices_gives_a_message_and_no_number(
    tmp_path, capsys, fixture_project
) -> None:
    project = ["--project-dir", str(fixture_project)]
    with pytest.raises(NoPricesError, match="no price file for region xx-nowhere-1"):
        load_prices("xx-nowhere-1")
    assert main(["plan", "dev", "--json", "--prices-dir", str(tmp_path), *project]) == 0
    cost = json.loads(capsys.readouterr().out)["cost"]
    assert cost["monthly"] is None and "no price file for region eu-west-1" in cost["error"]
    assert cost["excluded"]
    assert main(["plan", "dev", "--prices-dir", str(tmp_path), *project]) == 0
    text = capsys.readouterr().out
    assert "no cost estimate: no price file for region eu-west-1" in text
    assert text.count("no cost estimate") == 1
    assert "$" not in text.split("Monthly cost estimate:")[1]


def test_a_service_on_an_ec2_pool_shows_its_share_of_the_pool(synthesized) -> None:
    """prod's worker is the only service on the general pool: its line is the whole pool."""
    raw = raw_prices()
    result = estimate(synthesized("prod").resources, load_prices("eu-west-1"))
    pool = read_stack_config("prod", FIXTURES)["ecs-platform:cluster"]["ec2Pools"][0]
    assert pool["onDemandBaseCapacity"] >= pool["minSize"]  # all on demand at minSize
    instance = figure(raw, "ec2InstanceHour", pool["instanceTypes"][0]) or 0.0
    volumes = pool.get("rootVolumeGib", 30) * (figure(raw, "ebsGp3GbMonth") or 0.0)
    pool_cost = pool["minSize"] * (instance * raw["hoursPerMonth"] + volumes)
    worker = result.services["worker"]
    assert worker.pool_shares == {f"{pool['name']}-ecs-platform-prod": 1.0}
    assert worker.monthly == pytest.approx(pool_cost)
    line = next(s for s in cost_report(result)["newServices"] if s["service"] == "worker")
    assert "100% of pool general-ecs-platform-prod (by reserved vCPU and memory)" in line["text"]


def test_services_share_a_pool_by_reserved_vcpu_and_memory() -> None:
    def line(tasks: float, vcpu: float, gib: float) -> ServiceLine:
        return ServiceLine("c", tasks, vcpu, gib, "arm64", {"pool": tasks}, 0.0)

    # vCPU: 2 and 2 reserved (half each); memory: 4 and 8 GB (a third, two thirds)
    got = shares({"a": line(2, 1, 2), "b": line(1, 2, 8), "c": line(0, 4, 4)}, "pool")
    assert got == pytest.approx({"a": (1 / 2 + 1 / 3) / 2, "b": (1 / 2 + 2 / 3) / 2})


def test_the_prod_plan_as_json_has_no_unpriced_item(capsys, fixture_project) -> None:
    assert main(["plan", "prod", "--format", "json", "--project-dir", str(fixture_project)]) == 0
    cost = json.loads(capsys.readouterr().out)["cost"]
    assert cost["monthly"] is not None and cost["unpriced"] == []
    worker = next(s for s in cost["newServices"] if s["service"] == "worker")
    assert worker["poolShares"] == {"general-ecs-platform-prod": 1.0} and worker["monthly"] > 0


def test_an_unpublished_management_fee_is_named_in_the_leaves_out_line(
    tmp_path: Path, capsys, fixture_project
) -> None:
    raw = raw_prices()
    fees = raw["prices"]["managedInstancesFeeHour"]
    for name in [k for k in fees if k not in ("unit", "note")]:
        fees[name] = value_of(None, "NOT FOUND - not published (test)")
    (tmp_path / "eu-west-1.yaml").write_text(yaml.safe_dump(raw))
    project = ["--project-dir", str(fixture_project), "--prices-dir", str(tmp_path)]
    assert main(["plan", "managed", *project]) == 0
    text = capsys.readouterr().out
    leaves_out = next(line for line in text.splitlines() if "leaves out:" in line)
    assert "management fee (managedInstancesFeeHour[" in leaves_out
    assert f"no eu-west-1 price found, see {tmp_path / 'eu-west-1.yaml'}" in leaves_out
    assert "unpriced" not in text
