"""Fail a deploy whose ECS rollout failed or was rolled back, before the next stack is touched.

    ecs-platform rollout-check --cluster C --services-file names.json [--expect-file f]
    ecs-platform rollout-check --response describe-services.json [--expect-file f]

The first form polls `aws ecs describe-services` until every service's PRIMARY deployment is
COMPLETED and alone (exit 0), any deployment is FAILED or a service runs another task
definition than the one deployed (exit 1: the circuit breaker rolled it back), or the timeout
passes (exit 1). The second form judges one saved response (`-` reads stdin): 0 done, 1 failed,
3 still rolling out. `names.json` maps service keys to ECS service names (the `serviceNames`
stack output); `--expect-file` maps the same keys, or ECS names, to task definition ARNs.

    ecs-platform rollout-check --cluster C --services-file names.json --follow-deployments

follows each service's newest service deployment instead (ListServiceDeployments and
DescribeServiceDeployments through boto3, ops/service_deployments.py): through canary or
linear steps and the bake time of blue/green, canary and linear deployments, and rolling ones
alike. Exit 0 when all are SUCCESSFUL; 1 on any rollback (printing the lifecycle stage it reached
and the alarms that fired) or when one is still shifting or baking at the timeout; 4 when one
still waits for its approval at the timeout (`ecs-platform approve` / `rollback`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ops import aws

DESCRIBE_BATCH = 10  # DescribeServices accepts at most 10 services per call
State = Literal["done", "rolling", "failed"]
EXIT_CODES: dict[State, int] = {"done": 0, "failed": 1, "rolling": 3}
DEPLOYMENT_EXIT_CODES = {"done": 0, "failed": 1, "rolling": 1, "waiting": 4}


class RolloutInputError(Exception):
    """A file given to the check cannot be read, or is not JSON."""


class RolloutAwsError(Exception):
    """AWS could not be asked: the AWS CLI is missing or failed."""


@dataclass
class Verdict:
    state: State
    problems: list[str] = field(default_factory=list)


def _service_problems(service: Mapping[str, Any], expected: str | None) -> tuple[bool, list[str]]:
    """(still rolling, failures) for one service of a DescribeServices response."""
    name = service.get("serviceName", "?")
    deployments = service.get("deployments") or []
    failures = [
        f"{name}: deployment {d.get('id')} FAILED: {d.get('rolloutStateReason', 'no reason')}"
        for d in deployments
        if d.get("rolloutState") == "FAILED"
    ]
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    if primary is None:
        return False, [*failures, f"{name}: no PRIMARY deployment"]
    if expected is not None and primary.get("taskDefinition") != expected:
        failures.append(
            f"{name}: runs {primary.get('taskDefinition')}, not the deployed {expected}"
            " (ECS rolled the deployment back)"
        )
    state = primary.get("rolloutState")
    settled = state == "COMPLETED" or (
        state is None and primary.get("runningCount") == primary.get("desiredCount")
    )
    return not settled or len(deployments) > 1, failures


def evaluate(response: Mapping[str, Any], expected: Mapping[str, str] | None = None) -> Verdict:
    """Judge one DescribeServices response; `expected` maps ECS service names to task defs."""
    expected = expected or {}
    problems = [
        f"{failure.get('arn')}: {failure.get('reason')}" for failure in response.get("failures", [])
    ]
    rolling = False
    for service in response.get("services") or []:
        service_rolling, failures = _service_problems(
            service, expected.get(str(service.get("serviceName")))
        )
        rolling = rolling or service_rolling
        problems.extend(failures)
    if problems:
        return Verdict("failed", problems)
    return Verdict("rolling" if rolling else "done")


def expected_by_service_name(
    expected: Mapping[str, str], service_names: Mapping[str, str]
) -> dict[str, str]:
    """Task definitions keyed by ECS service name, from keys that are service keys or names."""
    return {service_names.get(key, key): arn for key, arn in expected.items()}


def describe_services(cluster: str, names: list[str], region: str | None) -> dict[str, Any]:
    """One merged DescribeServices response from the AWS CLI, in batches of ten."""
    merged: dict[str, Any] = {"services": [], "failures": []}
    for start in range(0, len(names), DESCRIBE_BATCH):
        command = ["aws", "ecs", "describe-services", "--cluster", cluster, "--output", "json"]
        command += ["--services", *names[start : start + DESCRIBE_BATCH]]
        command += ["--region", region] if region else []
        result = _aws_json(command)
        merged["services"] += result.get("services", [])
        merged["failures"] += result.get("failures", [])
    return merged


def _aws_json(command: list[str]) -> Any:
    """The JSON an `aws` CLI command prints; RolloutAwsError when it is missing or fails."""
    try:
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        return json.loads(done.stdout)
    except FileNotFoundError:
        raise RolloutAwsError(
            "the AWS CLI (aws) is not installed: it runs `aws ecs describe-services`"
        ) from None
    except subprocess.CalledProcessError as failed:
        said = [line for line in (failed.stderr or "").splitlines() if line.strip()]
        why = said[-1].strip() if said else "no message"
        raise RolloutAwsError(
            f"aws ecs describe-services failed (exit {failed.returncode}): {why}"
        ) from None
    except json.JSONDecodeError:
        raise RolloutAwsError("aws ecs describe-services printed no JSON") from None


def wait_for_rollout(
    describe: Callable[[], Mapping[str, Any]],
    expected: Mapping[str, str],
    timeout_seconds: float,
    interval_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> Verdict:
    """Poll until done or failed; a rollout still going after the timeout counts as failed."""
    waited = 0.0
    while True:
        verdict = evaluate(describe(), expected)
        if verdict.state != "rolling":
            return verdict
        if waited >= timeout_seconds:
            return Verdict("failed", [f"still rolling out after {int(waited)} s"])
        sleep(interval_seconds)
        waited += interval_seconds


def read_json(source: str) -> Any:
    """A JSON file's content, or stdin's for `-`; RolloutInputError naming the file."""
    name = "stdin" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text()
        return json.loads(text)
    except OSError as error:
        raise RolloutInputError(f"{name}: cannot be read: {error.strerror or error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RolloutInputError(f"{name}: not JSON: {error}") from None


def follow_deployments(
    cluster: str,
    names: dict[str, str],
    region: str | None,
    timeout_seconds: float,
    interval_seconds: float,
    stack: str | None = None,
) -> int:
    """Follow each service's newest service deployment to its end; the exit status of
    DEPLOYMENT_EXIT_CODES, with one line per step on stdout and the verdict's lines on stderr.
    A pause names the commands that answer it: with the stack's name when given."""
    from ops.service_deployments import approval_hint, follow

    hints = {
        key: approval_hint(key, f"--stack {stack}")
        if stack
        else approval_hint(name, f"--cluster {cluster} --region {region or '<region>'}")
        for key, name in names.items()
    }
    verdict = follow(
        aws.client("ecs", region),
        cluster,
        names,
        timeout_seconds=timeout_seconds,
        interval_seconds=interval_seconds,
        report=lambda line: print(f"rollout check: {line}"),
        hints=hints,
    )
    for line in verdict.lines:
        print(f"rollout check: {line}", file=sys.stderr)
    print(f"rollout check: {verdict.state}")
    return DEPLOYMENT_EXIT_CODES[verdict.state]


def check_rollout(
    names: dict[str, str],
    expected_file: str | None,
    *,
    response: str | None = None,
    cluster: str | None = None,
    region: str | None = None,
    timeout_seconds: float = 1200,
    interval_seconds: float = 15,
) -> int:
    """Judge a saved response, or poll `cluster` until done or failed; the status of EXIT_CODES."""
    expected = expected_by_service_name(read_json(expected_file) if expected_file else {}, names)
    if response:
        verdict = evaluate(read_json(response), expected)
    else:
        services = sorted(names.values())
        verdict = wait_for_rollout(
            lambda: describe_services(str(cluster), services, region),
            expected,
            timeout_seconds,
            interval_seconds,
        )
    for problem in verdict.problems:
        print(f"rollout check: {problem}", file=sys.stderr)
    print(f"rollout check: {verdict.state}")
    return EXIT_CODES[verdict.state]
