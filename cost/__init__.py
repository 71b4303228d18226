"""Monthly cost of a stack from its recorded resources and a per-region price file.

Pure: `estimate(resources, prices, usage)`. Prices come from `cost/prices/<region>.yaml` (each
figure with its unit, source and date); an item the file has no figure for is reported as
unpriced, one whose price the file records as not found is listed under what the estimate
leaves out: neither is guessed. Fixed costs follow from the resources; usage-based costs
(traffic, LCUs, log volume) from the usage inputs (cost/usage_file.py, priced in
cost/usage.py), kept apart. The items and totals are in model.py; tasks, pools and instances in
compute.py; Managed Instances sizing in managed.py; each service's share of the pools it runs
on in shares.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cost.compute import price_instance, price_managed_pool, price_pool, price_service
from cost.model import ADD_INSTANCE_TYPE as ADD_INSTANCE_TYPE
from cost.model import EXCLUDED as EXCLUDED
from cost.model import CostItem as CostItem
from cost.model import Estimate, Pricer
from cost.model import ServiceLine as ServiceLine
from cost.model import iter_left_out as iter_left_out
from cost.model import iter_unpriced as iter_unpriced
from cost.price_table import PRICES_DIR as PRICES_DIR
from cost.price_table import NoPricesError as NoPricesError
from cost.price_table import PriceTable
from cost.price_table import load_prices as load_prices
from cost.price_table import price_file as price_file
from cost.shares import with_pool_shares
from harness.deployments import doubled_task_notes
from harness.records import RecordedResource, as_document, component_namer


def nat_gateways(inputs: dict[str, Any]) -> int:
    strategy = (inputs.get("natGateways") or {}).get("strategy", "OnePerAz")
    zones = len(inputs.get("availabilityZoneNames") or [])
    return {"None": 0, "Single": 1}.get(strategy, zones)


def _vpc(pricer: Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    nat = nat_gateways(resource.inputs)
    pricer.add(resource, "NAT gateways", nat, "natGatewayHour")
    pricer.add(resource, "NAT gateway public IPv4 addresses", nat, "publicIpv4Hour")


def _load_balancer(pricer: Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    inputs = resource.inputs
    if (inputs.get("loadBalancerType") or "application") != "application":
        return
    pricer.add(resource, f"ALB {resource.name}", 1, "albHour")  # LCUs: usage (cost/usage.py)
    if not inputs.get("internal"):
        zones = len(inputs.get("subnets") or inputs.get("subnetMappings") or [])
        pricer.add(resource, f"ALB {resource.name}: public IPv4 per AZ", zones, "publicIpv4Hour")


def _endpoint(pricer: Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    if resource.inputs.get("vpcEndpointType") == "Interface":
        zones = len(resource.inputs.get("subnetIds") or [])
        service_name = str(resource.inputs.get("serviceName") or resource.name)
        service = service_name.split(".", 3)[-1]  # com.amazonaws.<region>.<service>
        pricer.add(
            resource, f"interface endpoint {service} (per AZ)", zones, "interfaceEndpointAzHour"
        )


def alarm_metrics(inputs: dict[str, Any]) -> tuple[int, bool]:
    """(metrics billed, high resolution) of one alarm: metric math bills each metric it reads."""
    queries = inputs.get("metricQueries") or []
    metrics = [q.get("metric") or {} for q in queries if q.get("metric")]
    periods = [m.get("period") or 60 for m in metrics] or [inputs.get("period") or 60]
    return max(len(metrics), 1), min(periods) < 60


def _alarm(pricer: Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    metrics, high = alarm_metrics(resource.inputs)
    key = "alarmHighResolutionMonth" if high else "alarmStandardMonth"
    pricer.add(resource, "alarm metrics" + (" (high resolution)" if high else ""), metrics, key)


def _waf(pricer: Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    pricer.add(resource, f"WAF web ACL {resource.name}", 1, "wafWebAclMonth")
    pricer.add(resource, "WAF rules", len(resource.inputs.get("rules") or []), "wafRuleMonth")


PRICERS: dict[str, Callable[[Pricer, RecordedResource, dict[str, Any]], None]] = {
    "awsx:ec2:Vpc": _vpc,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _endpoint,
    "aws:ecs/service:Service": price_service,
    "aws:autoscaling/group:Group": price_pool,
    "aws:ec2/instance:Instance": price_instance,
    "aws:ecs/capacityProvider:CapacityProvider": price_managed_pool,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/dashboard:Dashboard": lambda p, r, _: p.add(
        r, "dashboards", 1, "dashboardMonth"
    ),
    "aws:kms/key:Key": lambda p, r, _: p.add(r, "KMS keys", 1, "kmsKeyMonth"),
    "aws:ec2/eip:Eip": lambda p, r, _: p.add(r, f"Elastic IP {r.name}", 1, "publicIpv4Hour"),
    "aws:wafv2/webAcl:WebAcl": _waf,
}


def _context(resources: Sequence[RecordedResource]) -> dict[str, Any]:
    tasks = {
        r.outputs.get("arn"): r
        for r in resources
        if r.type == "aws:ecs/taskDefinition:TaskDefinition"
    }
    default = next(
        (
            r.inputs.get("defaultCapacityProviderStrategies")
            for r in resources
            if r.type == "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
        ),
        None,
    )
    templates = {
        r.id: r.inputs for r in resources if r.type == "aws:ec2/launchTemplate:LaunchTemplate"
    }
    services = [r for r in resources if r.type == "aws:ecs/service:Service"]
    return {
        "taskDefinitions": tasks,
        "defaultStrategy": default,
        "launchTemplates": templates,
        "services": services,
    }


def _plain(resources: Sequence[RecordedResource]) -> list[RecordedResource]:
    """Records with JSON documents parsed and secrets masked (prices only read plain inputs)."""
    return [RecordedResource(**{**r.__dict__, "inputs": as_document(r.inputs)}) for r in resources]


def estimate(
    resources: Sequence[RecordedResource],
    table: PriceTable,
    usage: Callable[[Pricer, Sequence[RecordedResource]], None] | None = None,
    usage_source: str | None = None,
) -> Estimate:
    """Fixed costs of `resources`; then `usage` (cost/usage.py: usage_pricer) adds usage items."""
    resources = _plain(resources)
    pricer = Pricer(table, component_namer(resources))
    context = _context(resources)
    for resource in resources:
        price = PRICERS.get(resource.type)
        if price is not None and (resource.custom or resource.remote):
            price(pricer, resource, context)
    if usage is not None:
        usage(pricer, resources)
    services = with_pool_shares(pricer.services, pricer.items, resources)
    return Estimate(table, pricer.items, services, usage_source, doubled_task_notes(resources))
