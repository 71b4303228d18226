"""Checks across stack files: what only the set of a project's stacks can answer.

Each check takes the settings of every stack (`PlatformSettings`, with `account_id` where the
stack file pins one account in `aws:allowedAccountIds`) and reports a problem in one stack's
file that names the other file. Two stacks are "of one account" when both pin the same one:
the checks about an account (ranges, the OIDC provider, physical names) need the accounts
pinned; a deploy environment two stacks share is a problem in any accounts.
Run by `ecs-platform plan` (the planned stack against the others) and the generic suite.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from settings.rules.problem import Problem

if TYPE_CHECKING:
    from settings.platform import PlatformSettings


def _same_account(a: PlatformSettings, b: PlatformSettings) -> bool:
    return a.account_id is not None and a.account_id == b.account_id


def _pairs(
    stacks: Sequence[PlatformSettings],
) -> Iterable[tuple[PlatformSettings, PlatformSettings]]:
    """Each stack against every other one, in both directions (each file gets its line)."""
    for one in stacks:
        for other in stacks:
            if one.stack != other.stack:
                yield one, other


def _account_words(a: PlatformSettings, b: PlatformSettings) -> str:
    return f"in the same account {a.account_id}"


def overlapping_cidrs(stacks: Sequence[PlatformSettings]) -> Iterable[Problem]:
    """VPCs of one account with overlapping ranges cannot be peered or routed to each other
    (VPC peering: "You cannot create a VPC peering connection between VPCs that have matching
    or overlapping IPv4 CIDR blocks", https://docs.aws.amazon.com/vpc/latest/peering/
    vpc-peering-basics.html#vpc-peering-limitations)."""
    for one, other in _pairs(stacks):
        if one.network.cidr is None or other.network.cidr is None:
            continue  # network.existing: the VPC is not the stack's to number
        mine = ipaddress.ip_network(one.network.cidr)
        theirs = ipaddress.ip_network(other.network.cidr)
        if _same_account(one, other) and mine.overlaps(theirs):
            yield Problem(
                "network.cidr",
                f"{mine} overlaps {theirs} of {other.stack_file} (network.cidr),"
                f" {_account_words(one, other)}: peering and VPN routes need distinct ranges",
                one.stack_file,
            )


def shared_deploy_environments(stacks: Sequence[PlatformSettings]) -> Iterable[Problem]:
    """A deploy role trusts one GitHub environment: two stacks naming the same one let that
    environment's jobs deploy both (the OIDC `sub` is the same)."""
    for one, other in _pairs(stacks):
        mine, theirs = one.ci_access, other.ci_access
        if mine is None or theirs is None:
            continue
        if mine.deploy_subject == theirs.deploy_subject:
            yield Problem(
                "ciAccess.deployEnvironment",
                f"{mine.deploy_environment!r} is also the deploy environment of"
                f" {other.stack_file}: its deploy role would trust the jobs that deploy"
                f" {other.stack} (give each stack its own GitHub environment)",
                one.stack_file,
            )


def oidc_providers(stacks: Sequence[PlatformSettings]) -> Iterable[Problem]:
    """An account holds one OIDC provider per URL (IAM CreateOpenIDConnectProvider fails with
    EntityAlreadyExists), so one stack per pinned account creates GitHub's."""
    for one, other in _pairs(stacks):
        mine, theirs = one.ci_access, other.ci_access
        if mine is None or theirs is None or one.account_id is None:
            continue
        both = mine.create_oidc_provider is True and theirs.create_oidc_provider is True
        if one.account_id == other.account_id and both:
            yield Problem(
                "ciAccess.createOidcProvider",
                f"{other.stack_file} creates the GitHub OIDC provider of account"
                f" {one.account_id} too: keep createOidcProvider: true in one, and in the"
                " other set oidcProviderArn: arn:aws:iam::<account>:oidc-provider/"
                "token.actions.githubusercontent.com",
                one.stack_file,
            )


def physical_name_clashes(
    stacks: Sequence[PlatformSettings], names: Mapping[str, Iterable[str]]
) -> Iterable[Problem]:
    """The same physical name registered by two stacks of one account and region: the second
    create fails (names are unique per account and region for every named resource type the
    program creates). `names` maps a stack to the physical names it registers (from a
    synthesis)."""
    for one, other in _pairs(stacks):
        if one.region != other.region or not _same_account(one, other):
            continue
        shared = sorted(set(names.get(one.stack, ())) & set(names.get(other.stack, ())))
        if shared:
            shown = ", ".join(shared[:3]) + (
                f" and {len(shared) - 3} more" if len(shared) > 3 else ""
            )
            yield Problem(
                "",
                f"{other.stack_file} registers the same physical names in {one.region},"
                f" {_account_words(one, other)}: {shown}",
                one.stack_file,
            )


RULES = (overlapping_cidrs, shared_deploy_environments, oidc_providers)


def check_stacks(stacks: Sequence[PlatformSettings], only: str | None = None) -> list[Problem]:
    """Every cross-stack problem (only those in stack `only`'s file, when given)."""
    found = [problem for rule in RULES for problem in rule(stacks)]
    if only is not None:
        found = [p for p in found if p.file == f"Pulumi.{only}.yaml"]
    return found
