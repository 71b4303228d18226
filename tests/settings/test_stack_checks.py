"""Checks across stack files (settings/rules/stacks.py): each problem in one stack's file,
naming the other file."""

from __future__ import annotations

import dataclasses

from workload_helpers import edit, shipped_copy

from settings.loader import load_stack
from settings.rules.stacks import check_stacks, physical_name_clashes


def _pin(account: str):
    return lambda d: d["config"].update({"aws:allowedAccountIds": [account]})


def test_stacks_of_different_pinned_accounts_may_share_a_range(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    edit(
        project,
        "Pulumi.prod.yaml",
        lambda d: d["config"]["ecs-platform:network"].update(cidr="10.10.0.0/16"),
    )
    edit(project, "Pulumi.dev.yaml", _pin("111111111111"))
    edit(project, "Pulumi.prod.yaml", _pin("222222222222"))
    stacks = [load_stack(s, project) for s in ("dev", "prod")]
    assert check_stacks(stacks) == []
    edit(project, "Pulumi.prod.yaml", _pin("111111111111"))
    stacks = [load_stack(s, project) for s in ("dev", "prod")]
    lines = [p.line("") for p in check_stacks(stacks)]
    assert lines == [
        "Pulumi.dev.yaml: network.cidr: 10.10.0.0/16 overlaps 10.10.0.0/16 of Pulumi.prod.yaml"
        " (network.cidr), in the same account 111111111111: peering and VPN routes need distinct"
        " ranges",
        "Pulumi.prod.yaml: network.cidr: 10.10.0.0/16 overlaps 10.10.0.0/16 of Pulumi.dev.yaml"
        " (network.cidr), in the same account 111111111111: peering and VPN routes need distinct"
        " ranges",
        "Pulumi.dev.yaml: ciAccess.createOidcProvider: Pulumi.prod.yaml creates the GitHub OIDC"
        " provider of account 111111111111 too: keep createOidcProvider: true in one, and in the"
        " other set oidcProviderArn: arn:aws:iam::<account>:oidc-provider/"
        "token.actions.githubusercontent.com",
        "Pulumi.prod.yaml: ciAccess.createOidcProvider: Pulumi.dev.yaml creates the GitHub OIDC"
        " provider of account 111111111111 too: keep createOidcProvider: true in one, and in the"
        " other set oidcProviderArn: arn:aws:iam::<account>:oidc-provider/"
        "token.actions.githubusercontent.com",
    ]
    assert check_stacks(stacks, only="prod") == [
        p for p in check_stacks(stacks) if p.file == "Pulumi.prod.yaml"
    ]


def test_the_same_physical_name_in_one_account_and_region_is_a_clash(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    dev, prod = (
        dataclasses.replace(load_stack(s, project), account_id="111111111111")
        for s in ("dev", "prod")
    )
    names = {"dev": {"aws:sqs/queue:Queue orders"}, "prod": {"aws:sqs/queue:Queue orders"}}
    (first, _) = physical_name_clashes([dev, prod], names)
    assert first.line("") == (
        "Pulumi.dev.yaml: Pulumi.prod.yaml registers the same physical names in eu-west-1,"
        " in the same account 111111111111: aws:sqs/queue:Queue orders"
    )
    unpinned = dataclasses.replace(prod, account_id=None)
    assert list(physical_name_clashes([dev, unpinned], names)) == []
    elsewhere = dataclasses.replace(prod, region="us-east-1")
    assert list(physical_name_clashes([dev, elsewhere], names)) == []
