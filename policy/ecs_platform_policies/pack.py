"""The rules as `pulumi_policy` objects. Building them starts nothing; only PolicyPack does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .catalog import RULES, context_for, evaluate
from .model import TIERS, Resource, Rule
from .waivers import Waiver, load_waivers, waiver_for

PACK_NAME = "ecs-platform"
WAIVED_FINDINGS = "waived-findings"
COMMON_CONFIG: dict[str, dict[str, Any]] = {
    "tier": {
        "type": "string",
        "enum": list(TIERS),
        "default": "production",
        "description": "The stack's ecs-platform:tier (policies cannot read stack config).",
    },
    "reason": {"type": "string", "description": "Why a stack's config changes this policy."},
}


def config_schema(rule: Rule | None = None) -> PolicyConfigSchema:
    extra = dict(rule.config_schema) if rule else {}
    return PolicyConfigSchema(properties={**COMMON_CONFIG, **extra})


def _from_args(args: ResourceValidationArgs) -> Resource:
    return Resource(args.resource_type, args.name, args.urn, args.props, bool(args.opts.protect))


def _from_stack(resource: PolicyResource) -> Resource:
    dependencies = {
        prop: [d.urn for d in deps] for prop, deps in resource.property_dependencies.items()
    }
    return Resource(
        resource.resource_type,
        resource.name,
        resource.urn,
        resource.props,
        bool(resource.opts.protect),
        dependencies,
    )


def _report(
    rule: Rule,
    waivers: tuple[Waiver, ...],
    config: Mapping[str, Any],
    findings: list[tuple[Resource, str]],
    report: ReportViolation,
) -> None:
    tier = context_for(rule, config).tier
    for resource, message in findings:
        if waiver_for(waivers, rule.name, resource, message, tier) is None:
            report(f"{resource.name}: {message}. Fix: {rule.remediation}", resource.urn)


def resource_policy(rule: Rule, waivers: tuple[Waiver, ...]) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in rule.types:
            return
        ctx = context_for(rule, args.get_config())
        findings = rule.findings([_from_args(args)], ctx)
        _report(rule, waivers, args.get_config(), findings, report)

    return ResourceValidationPolicy(
        name=rule.name,
        description=f"{rule.control}: {rule.description}",
        validate=validate,
        config_schema=config_schema(rule),
        remediation_steps=rule.remediation,
    )


def stack_policy(rule: Rule, waivers: tuple[Waiver, ...]) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = [_from_stack(r) for r in args.resources]
        findings = rule.findings(resources, context_for(rule, args.get_config()))
        _report(rule, waivers, args.get_config(), findings, report)

    return StackValidationPolicy(
        name=rule.name,
        description=f"{rule.control}: {rule.description}",
        validate=validate,
        config_schema=config_schema(rule),
        remediation_steps=rule.remediation,
    )


def waived_findings_policy(waivers: tuple[Waiver, ...]) -> StackValidationPolicy:
    """Lists what the waivers cover, so a waived finding stays visible (never blocking)."""

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        tier = args.get_config().get("tier", "production")
        config = {rule.name: {"tier": tier} for rule in RULES}
        resources = [_from_stack(r) for r in args.resources]
        for finding in evaluate(resources, config, waivers):
            if finding.waiver is not None:
                report(
                    f"{finding.policy}: {finding.resource.name}: {finding.message}. "
                    f"Waived: {finding.waiver.reason}",
                    finding.resource.urn,
                )

    return StackValidationPolicy(
        name=WAIVED_FINDINGS,
        description="Findings that policy/waivers.yaml waives, with why.",
        validate=validate,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=config_schema(),
    )


def build_policies(waivers: tuple[Waiver, ...] | None = None) -> list[Any]:
    chosen = load_waivers() if waivers is None else waivers
    policies: list[Any] = [
        stack_policy(rule, chosen) if rule.stack_check else resource_policy(rule, chosen)
        for rule in RULES
    ]
    return [*policies, waived_findings_policy(chosen)]
