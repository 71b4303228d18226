"""Usage-based cost items: the usage inputs (cost/usage_file.py) at the region's prices.

Each line is priced only when the stack has the resource that bills it (NAT processing only with
NAT gateways, endpoint processing only with interface endpoints, SQS requests only with queues,
job runs only with jobs: cost/jobs.py),
and attached to the component of that resource. Items are marked `usage` and kept apart from the
fixed cost in every rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cost import nat_gateways
from cost.jobs import price_jobs
from cost.model import Pricer
from cost.usage_file import Usage
from harness.records import RecordedResource

VPC = "awsx:ec2:Vpc"
ALB = "aws:lb/loadBalancer:LoadBalancer"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
QUEUE = "aws:sqs/queue:Queue"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
REPOSITORY = "aws:ecr/repository:Repository"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"


def _first(resources: Sequence[RecordedResource], type_: str, **match: Any) -> RecordedResource:
    return next(
        (
            r
            for r in resources
            if r.type == type_ and all(r.inputs.get(k) == v for k, v in match.items())
        ),
        None,
    )  # type: ignore[return-value]


def _albs(resources: Sequence[RecordedResource]) -> list[RecordedResource]:
    return [
        r
        for r in resources
        if r.type == ALB and (r.inputs.get("loadBalancerType") or "application") == "application"
    ]


def price_usage(pricer: Pricer, resources: Sequence[RecordedResource], usage: Usage) -> None:
    """Adds one usage item per usage input the stack's resources make billable."""
    vpc = _first(resources, VPC)
    if vpc is not None and nat_gateways(vpc.inputs) > 0:
        pricer.add(
            vpc,
            f"NAT gateway data processed, {usage.nat_gateway_gb_per_month:g} GB",
            usage.nat_gateway_gb_per_month,
            "natGatewayGb",
            usage=True,
        )
    endpoint = _first(resources, ENDPOINT, vpcEndpointType="Interface")
    if endpoint is not None:
        pricer.add(
            endpoint,
            f"interface endpoint data processed, {usage.interface_endpoint_gb_per_month:g} GB",
            usage.interface_endpoint_gb_per_month,
            "interfaceEndpointGb",
            usage=True,
        )
    for alb in _albs(resources):
        lcus = usage.load_balancer_lcu
        pricer.add(alb, f"ALB {alb.name}: {lcus:g} LCU", lcus, "albLcuHour", usage=True)
    if vpc is not None:
        gb = usage.data_transfer_out_gb_per_month
        pricer.add(vpc, f"data transfer out, {gb:g} GB", gb, "dataTransferOutGb", usage=True)
    _logs_and_requests(pricer, resources, usage)
    price_jobs(pricer, resources, usage)


def _logs_and_requests(pricer: Pricer, resources: Sequence[RecordedResource], usage: Usage) -> None:
    log_group = _first(resources, LOG_GROUP)
    if log_group is not None:
        ingest, stored = usage.log_ingestion_gb_per_month, usage.log_storage_gb
        pricer.add(
            log_group, f"log ingestion, {ingest:g} GB", ingest, "logsIngestionGb", usage=True
        )
        pricer.add(
            log_group, f"log storage, {stored:g} GB", stored, "logsStorageGbMonth", usage=True
        )
    repository = _first(resources, REPOSITORY)
    if repository is not None:
        gb = usage.ecr_storage_gb
        pricer.add(repository, f"ECR storage, {gb:g} GB", gb, "ecrStorageGbMonth", usage=True)
    file_system = _first(resources, FILE_SYSTEM)  # the stack's own; a team's is the team's bill
    if file_system is not None:
        gb = usage.efs_storage_gb
        pricer.add(file_system, f"EFS storage, {gb:g} GB", gb, "efsStandardGbMonth", usage=True)
    queue = _first(resources, QUEUE)
    if queue is not None:
        millions = usage.sqs_requests_per_month / 1e6
        pricer.add(
            queue, f"SQS requests, {millions:g} million", millions, "sqsRequestsMillion", usage=True
        )
    acl = _first(resources, WEB_ACL)
    if acl is not None:
        millions = usage.waf_requests_per_month / 1e6
        pricer.add(
            acl, f"WAF requests, {millions:g} million", millions, "wafRequestsMillion", usage=True
        )


def usage_pricer(usage: Usage) -> Callable[[Pricer, Sequence[RecordedResource]], None]:
    """The `usage` argument of `cost.estimate` for these inputs."""
    return lambda pricer, resources: price_usage(pricer, resources, usage)
