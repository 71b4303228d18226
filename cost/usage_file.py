"""Usage-based cost inputs, like Infracost's usage file: how much traffic and data a stack sees.

`usage.<stack>.yaml` beside the stack file (optional) sets any of the keys of `Usage`; the keys it
leaves out take the defaults of the stack's tier (`TIER_DEFAULTS`, documented in docs/cost.md).
`--usage FILE` on the plan points elsewhere. A bad file is refused with the file and key named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from settings.stack_files import ConfigFileError


class JobUsage(BaseModel):
    """How long one job runs (and, on demand, how often): `jobs.<name>` in the usage file."""

    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", frozen=True)

    minutes_per_run: float | None = Field(
        None, ge=0, description="Minutes one run takes (default: jobMinutesPerRun)."
    )
    runs_per_month: float | None = Field(
        None,
        ge=0,
        description="Runs a month (default: from the job's schedule; 0 for an on-demand job).",
    )


class Usage(BaseModel):
    """Monthly usage the fixed-price resources cannot tell: traffic, log volume, requests."""

    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", frozen=True)

    nat_gateway_gb_per_month: float = Field(
        0, ge=0, description="GB processed by the NAT gateways in total (not by a NAT instance)."
    )
    load_balancer_lcu: float = Field(
        0, ge=0, description="Average load balancer capacity units per ALB, every hour."
    )
    log_ingestion_gb_per_month: float = Field(
        0, ge=0, description="GB ingested into CloudWatch Logs (standard class) by all groups."
    )
    log_storage_gb: float = Field(0, ge=0, description="GB stored in CloudWatch Logs on average.")
    data_transfer_out_gb_per_month: float = Field(
        0, ge=0, description="GB sent from the stack to the internet (first pricing tier)."
    )
    interface_endpoint_gb_per_month: float = Field(
        0, ge=0, description="GB processed by all interface VPC endpoints (first tier)."
    )
    sqs_requests_per_month: float = Field(
        0, ge=0, description="SQS standard-queue requests (only priced when the stack has queues)."
    )
    waf_requests_per_month: float = Field(
        0, ge=0, description="Requests inspected by the web ACL (only priced with a web ACL)."
    )
    ecr_storage_gb: float = Field(0, ge=0, description="GB of images stored in ECR.")
    efs_storage_gb: float = Field(
        0, ge=0, description="GB stored in the stack's own EFS file system (Standard class)."
    )
    job_minutes_per_run: float = Field(
        0, ge=0, description="Minutes a job's run takes, for jobs the file does not list."
    )
    jobs: dict[str, JobUsage] = Field(
        default_factory=dict, description="Per job: minutesPerRun, runsPerMonth (by job name)."
    )

    def job(self, name: str) -> tuple[float, float | None]:
        """(minutes per run, runs a month or None to take them from the schedule) of a job."""
        own = self.jobs.get(name, JobUsage())
        minutes = own.minutes_per_run
        return (self.job_minutes_per_run if minutes is None else minutes), own.runs_per_month


# Defaults when no usage file sets a key: a quiet development stack and a modest production one.
# They are assumptions about traffic, not prices; every estimate says which were used.
TIER_DEFAULTS: dict[str, dict[str, float]] = {
    "development": {
        "natGatewayGbPerMonth": 10,
        "loadBalancerLcu": 1,
        "logIngestionGbPerMonth": 5,
        "logStorageGb": 5,
        "dataTransferOutGbPerMonth": 10,
        "interfaceEndpointGbPerMonth": 5,
        "sqsRequestsPerMonth": 1_000_000,
        "wafRequestsPerMonth": 1_000_000,
        "ecrStorageGb": 10,
        "efsStorageGb": 5,
        "jobMinutesPerRun": 5,
    },
    "production": {
        "natGatewayGbPerMonth": 100,
        "loadBalancerLcu": 2,
        "logIngestionGbPerMonth": 50,
        "logStorageGb": 200,
        "dataTransferOutGbPerMonth": 100,
        "interfaceEndpointGbPerMonth": 50,
        "sqsRequestsPerMonth": 10_000_000,
        "wafRequestsPerMonth": 10_000_000,
        "ecrStorageGb": 50,
        "efsStorageGb": 50,
        "jobMinutesPerRun": 15,
    },
}


class UsageFileError(ConfigFileError):
    """A usage file that is not YAML, not a mapping, or has a bad key or value."""


@dataclass(frozen=True)
class UsageInputs:
    values: Usage
    source: str  # the file read, or "defaults for tier <tier>"
    from_file: tuple[str, ...] = ()  # keys the file set


def usage_file(stack: str, project_dir: Path) -> Path:
    return project_dir / f"usage.{stack}.yaml"


def _problems(path: Path, error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        key = ".".join(str(part) for part in problem["loc"])
        message = "unknown key" if problem["type"] == "extra_forbidden" else problem["msg"]
        lines.append(f"{path.name}: {key}: {message}")
    return "\n".join(lines)


def parse_usage(data: Any, path: Path, tier: str | None) -> UsageInputs:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageFileError(f"{path.name}: expected a mapping of usage keys, got {data!r}")
    defaults = TIER_DEFAULTS.get(tier or "", TIER_DEFAULTS["development"])
    try:
        values = Usage.model_validate({**defaults, **data})
    except ValidationError as error:
        raise UsageFileError(_problems(path, error)) from None
    return UsageInputs(values, str(path.name), tuple(sorted(data)))


def load_usage(
    stack: str, project_dir: Path, tier: str | None, path: Path | None = None
) -> UsageInputs:
    """The usage for a stack: `path` (must exist), else `usage.<stack>.yaml`, else tier defaults."""
    candidate = path or usage_file(stack, project_dir)
    if path is not None and not path.is_file():
        raise UsageFileError(f"{path}: no such usage file")
    if not candidate.is_file():
        defaults = TIER_DEFAULTS.get(tier or "", TIER_DEFAULTS["development"])
        return UsageInputs(Usage.model_validate(defaults), f"defaults for tier {tier}")
    try:
        data = yaml.safe_load(candidate.read_text())
    except yaml.YAMLError as error:
        raise UsageFileError(f"{candidate.name}: not valid YAML: {error}") from None
    return parse_usage(data, candidate, tier)
