"""Mutation test of both stack files: every leaf made wrong in every way (tests/settings/mutants.py)
is either refused cleanly, by a problem line naming the stack file and the mutated key, or
accepted for a reason listed here. Accepted mutants then run through the whole program, which
must not raise anything but a clean RunError.

Settings-level checks take about 1-2 ms a mutant; a program run about a quarter of a second, so
the program runs a deterministic sample of the accepted mutants (MUTATION_RUN_ALL=1: all of
them), once per distinct program input (`program_input`)."""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pytest
from mutants import Mutant, mutants
from settings_check import settings_problems

from harness.engine import SynthesisError, run_program
from settings.loader import SettingsError, parse_settings
from settings.stack_files import ConfigFileError, load_config, read_stack_config

from conftest import FIXTURES, STACKS

DEFAULTED = "an optional key: its documented default applies"
FEWER = "one element fewer in a list that may be shorter or empty"
OWN_NAMES = "a mapping of the user's own names (tags, variables, secrets, dimensions)"
FREE_TEXT = "free text: any string within AWS's limit (tag value 0-256, description and"
FREE_TEXT += " dimension value up to 1024, container variables and shell lines unlimited)"
ANY_NUMBER = "a CloudWatch threshold or a step bound relative to it: any number (the rules"
ANY_NUMBER += " check that thresholds and steps are in order)"

# "<kind> <key path>" patterns (* matches anything) -> why the mutant is a valid stack file.
ACCEPTED: dict[str, str] = {
    **{
        f"deleted {key}": DEFAULTED
        for key in (
            "logEncryption",
            "network.natGateways",
            "network.natInstance.*",
            "network.publicSubnetMask",
            "network.privateSubnetMask",
            "network.flowLogs.*",
            "registry.imageTagMutability",
            "registry.forceDelete",
            "registry.lifecycle.*",
            "registry.pullAccountIds",
            "cluster.containerInsights",
            "cluster.execLogRetentionDays",
            "cluster.defaultTaskArchitecture",
            "cluster.defaultStrategy[*].weight",
            "cluster.defaultStrategy[*].base",
            "cluster.ec2Pools[*].amiRelease",
            "cluster.ec2Pools[*].detailedMonitoring",
            "cluster.ec2Pools[*].forceDelete",
            "cluster.ec2Pools[*].instanceRefresh.*",
            "cluster.ec2Pools[*].maximumScalingStepSize",
            "cluster.ec2Pools[*].minSize",
            "cluster.ec2Pools[*].onDemandBaseCapacity",
            "cluster.ec2Pools[*].spotPercentage",
            "cluster.ec2Pools[*].targetCapacity",
            "loadBalancer.accessLogs.enabled",  # production: on (settings/tier_defaults.py)
            "loadBalancer.accessLogs.expiryDays",
            "loadBalancer.deletionProtection",
            "loadBalancer.desyncMitigationMode",
            "loadBalancer.idleTimeoutSeconds",
            "loadBalancer.sslPolicy",
            "loadBalancer.waf.enabled",
            "loadBalancer.waf.rateLimit",
            "loadBalancer.waf.logRetentionDays",  # production: 365 (tier_defaults.py)
            "services.*.capacity",
            "services.*.cpu",
            "services.*.memory",
            "services.*.desiredCount",
            "services.*.execEnabled",
            # read-only by default; ECS Exec then gets writable agent paths (containers.py)
            "services.*.readOnlyRootFilesystem",
            "services.*.healthCheck.path",
            "services.*.logRetentionDays",
            "services.*.scaling.cpuTarget",
            "services.*.scaling.memoryTarget",
            "services.*.scaling.requestsPerTarget",
            "services.*.scaling.minCount",
            "services.*.scaling.schedules[*].timezone",
            "services.*.scaling.customMetric.statistic",
            "services.*.scaling.customMetric.scaleOut.steps[0].lowerBound",
            "services.*.scaling.customMetric.scaleIn.steps[0].upperBound",
            "alarms.actionsEnabled",
            "alarms.thresholds.*",
            "alarms.custom[*].datapointsToAlarm",
            "alarms.custom[*].evaluationPeriods",
            "alarms.custom[*].page",
            "alarms.custom[*].statistic",
            "alarms.custom[*].treatMissingData",
        )
    },
    **{
        f"deleted {key}": FEWER
        for key in (
            "network.availabilityZones[*]",
            "network.endpoints[*]",
            "registry.repositories[*]",
            "cluster.ec2Pools[*].instanceTypes[*]",
            "services.*.writablePaths[*]",
            "services.*.deploymentAlarms[*]",
            "services.*.permissions[*].actions[*]",
            "alarms.notify.emails[*]",
            "alarms.notify.httpsEndpoints[*]",
            "alarms.page.emails[*]",
        )
    },
    **{
        f"{kind} {key}": OWN_NAMES
        for kind in ("deleted", "unknown-key")
        for key in ("tags.*", "services.*.environment.*", "alarms.custom[*].dimensions.*")
    },
    "deleted services.*.secrets.*": OWN_NAMES,
    "empty-string tags.*": FREE_TEXT,
    "*-string services.*.environment.*": FREE_TEXT,
    "long-string services.*.containerHealthCheck.command[1]": FREE_TEXT,
    "long-string alarms.custom[*].dimensions.*": FREE_TEXT,
    "long-string alarms.custom[*].description": FREE_TEXT,
    "* services.*.scaling.customMetric.*.threshold": ANY_NUMBER,
    "negative services.*.scaling.customMetric.*.steps[*].*Bound": ANY_NUMBER,
    "huge services.*.scaling.customMetric.scaleIn.steps[*].upperBound": ANY_NUMBER,
    "* alarms.custom[*].threshold": ANY_NUMBER,
}

# Refused, but by a rule that spans keys and names another one: "<kind> <key path>" pattern ->
# (the key path pattern the problem names, why that key).
REPORTED_AT: dict[str, tuple[str, str]] = {
    "deleted cluster.ec2Pools[*].architecture": (
        "cluster.ec2Pools[*].instanceTypes[*]",
        "the default x86_64 contradicts the Graviton instance types, reported on each type",
    ),
    "deleted loadBalancer.allowPlainHttp": (
        "loadBalancer.certificateArn",
        "without plain HTTP the listener needs the missing certificate",
    ),
    "deleted services.*.image.*": (
        "services.*.image",
        "an image is repository plus tag or digest, or uri: a rule over the whole mapping",
    ),
    "deleted services.*.port": ("services.*.routing", "a routed service needs a port"),
    "deleted services.*.routing.pathPatterns[*]": (
        "services.*.routing",
        "a route needs path patterns or host headers: a rule over the whole mapping",
    ),
    "deleted services.*.capacity": (
        "services.*.architecture",
        "the default strategy holds Fargate Spot, which has no arm64 tasks",
    ),
    "deleted services.*.scaling.customMetric.queueName": (
        "services.*.scaling.customMetric",
        "a custom metric is a queue or a namespace and metric name: a rule over the mapping",
    ),
    "* services.*.scaling.customMetric.scaleOut.threshold": (
        "services.*.scaling.customMetric.scaleIn.threshold",
        "the scale-in threshold must stay below the scale-out one",
    ),
    "* services.*.scaling.customMetric.*.steps[*].*Bound": (
        "services.*.scaling.customMetric.*.steps*",
        "step bounds are checked across the list: each below the next, without gaps",
    ),
}


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


def _first_match(table: Mapping[str, Any], name: str) -> str | None:
    return next((pattern for pattern in table if _glob(pattern).fullmatch(name)), None)


def names_key(problem_path: str, key_path: str) -> bool:
    return problem_path == key_path or problem_path.startswith((f"{key_path}.", f"{key_path}["))


@dataclass
class Outcomes:
    """What the settings made of every mutant of one stack."""

    total: int = 0
    refused: list[Mutant] = field(default_factory=list)
    accepted: dict[str, list[Mutant]] = field(default_factory=dict)  # by ACCEPTED pattern
    failures: list[str] = field(default_factory=list)
    patterns_used: set[str] = field(default_factory=set)
    reported_at_related_key: int = 0


def _judge_refusal(stack: str, mutant: Mutant, lines: list[str]) -> tuple[str | None, str | None]:
    """(why the refusal is not clean or None, the REPORTED_AT pattern it needed or None)."""
    prefix = f"Pulumi.{stack}.yaml: "
    if not all(line.startswith(prefix) and ": " in line[len(prefix) :] for line in lines):
        return (
            f"{mutant.name}: a problem line does not name the stack file and a key: {lines}",
            None,
        )
    paths = [line[len(prefix) :].split(": ", 1)[0] for line in lines]
    if any(names_key(path, mutant.key_path) for path in paths):
        return None, None
    elsewhere = _first_match(REPORTED_AT, mutant.name)
    if elsewhere and any(_glob(REPORTED_AT[elsewhere][0]).fullmatch(path) for path in paths):
        return None, elsewhere
    return f"{mutant.name}: refused, but no problem names {mutant.key_path}: {lines}", None


def _engine_refusal_problem(stack: str, mutant: Mutant, error: ConfigFileError) -> list[str]:
    message = str(error)
    if message.startswith(f"Pulumi.{stack}.yaml: ") and str(mutant.location[0]) in message:
        return []
    return [f"{mutant.name}: the engine's refusal names neither file nor key: {message}"]


@functools.cache
def outcomes(stack: str) -> Outcomes:
    base = read_stack_config(stack, FIXTURES)
    found = Outcomes()
    for mutant in mutants(base):
        found.total += 1
        try:
            lines = settings_problems(stack, mutant.apply, base=base)
        except ConfigFileError as error:  # what the engine refuses (a required key deleted)
            found.refused.append(mutant)
            found.failures += _engine_refusal_problem(stack, mutant, error)
            continue
        if lines:
            failure, related = _judge_refusal(stack, mutant, lines)
            found.failures += [failure] if failure else []
            found.refused.append(mutant)
            if related:
                found.patterns_used.add(related)
                found.reported_at_related_key += 1
            continue
        pattern = _first_match(ACCEPTED, mutant.name)
        if pattern is None:
            found.failures.append(f"{mutant.name} = {mutant.replacement!r:.40}: accepted")
            continue
        found.accepted.setdefault(pattern, []).append(mutant)
        found.patterns_used.add(pattern)
    return found


PROGRAM_RUNS_PER_STACK = 16


def program_sample(accepted: Mapping[str, list[Mutant]]) -> list[Mutant]:
    """The first accepted mutant of each reason, then evenly spaced others (deterministic)."""
    everything = [mutant for group in accepted.values() for mutant in group]
    if os.environ.get("MUTATION_RUN_ALL"):
        return everything
    first_of_reason: dict[str, Mutant] = {}
    for pattern, group in accepted.items():
        first_of_reason.setdefault(ACCEPTED[pattern], group[0])
    chosen = list(first_of_reason.values())
    rest = [mutant for mutant in everything if mutant not in chosen]
    room = max(PROGRAM_RUNS_PER_STACK - len(chosen), 0)
    step = max(len(rest) // room, 1) if room else len(rest) + 1
    return chosen + rest[::step][:room]


def program_input(stack: str, config: Mapping[str, Any]) -> str:
    """What a run of the program depends on, for one stack and mock seed: the validated settings
    (the settings loader is the only reader of config: tests/program/test_layout.py) and the
    `aws:*` keys the default provider receives. Two mutants with the same input run alike."""
    project, flat = load_config(stack, stack_config=config)
    settings = parse_settings(flat, project=project, stack=stack)
    provider = sorted((key, value) for key, value in flat.items() if key.startswith("aws:"))
    return json.dumps([settings.region, provider, settings.config.model_dump(mode="json")])


def program_failure(stack: str, config: dict[str, Any]) -> str | None:
    """None when the whole program synthesizes `config` or refuses it cleanly."""
    try:
        run_program(stack, stack_config=config)
    except SynthesisError as error:
        if isinstance(error.cause, SettingsError) and error.resources:
            return f"refused after {len(error.resources)} resources"
        if not isinstance(error.cause, pulumi.RunError):
            return f"{type(error.cause).__name__}: {error.cause}"
    return None


def program_failures(stack: str, sample: list[Mutant]) -> list[str]:
    """Each mutant of `sample` through the program: one run per distinct program input (a
    mutant that only spells out a default runs the fixture itself, as other tests do)."""
    base = read_stack_config(stack, FIXTURES)
    runs = {program_input(stack, base): base}
    inputs = []
    for mutant in sample:
        config = read_stack_config(stack, FIXTURES)
        mutant.apply(config)
        inputs.append(program_input(stack, config))
        runs.setdefault(inputs[-1], config)
    outcome = {key: program_failure(stack, runs[key]) for key in dict.fromkeys(inputs)}
    pairs = zip(sample, inputs, strict=True)
    return [f"{mutant.name}: {outcome[key]}" for mutant, key in pairs if outcome[key]]


@pytest.mark.parametrize("stack", STACKS)
def test_every_mutant_is_refused_cleanly_or_accepted_for_a_reason(stack: str) -> None:
    found = outcomes(stack)
    assert found.total > 500  # every leaf of the file, several ways each
    assert found.failures == []


@pytest.mark.parametrize("stack", STACKS)
def test_accepted_mutants_run_through_the_program_without_a_traceback(stack: str) -> None:
    sample = program_sample(outcomes(stack).accepted)
    assert sample
    assert program_failures(stack, sample) == []


def test_every_listed_reason_is_still_needed() -> None:
    used = set().union(*(outcomes(stack).patterns_used for stack in STACKS))
    assert sorted((set(ACCEPTED) | set(REPORTED_AT)) - used) == []


def summary(stack: str) -> str:
    """Counts for people (python -c 'from test_mutations import summary; ...')."""
    found = outcomes(stack)
    by_reason = Counter(ACCEPTED[p] for p, group in found.accepted.items() for _ in group)
    lines = [
        f"{stack}: {found.total} mutants, {len(found.refused)} refused cleanly"
        f" ({found.reported_at_related_key} of them at a related key, REPORTED_AT),"
        f" {sum(by_reason.values())} accepted, {len(program_sample(found.accepted))} program runs"
    ]
    lines += [f"  {count:4d} accepted: {reason}" for reason, count in by_reason.most_common()]
    return "\n".join(lines)
