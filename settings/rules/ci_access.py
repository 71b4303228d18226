"""Rules across `ciAccess` keys."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem

if TYPE_CHECKING:
    from settings.platform import PlatformSettings


def immutable_ids_together(settings: PlatformSettings) -> Iterable[Problem]:
    ci = settings.ci_access
    if ci is None or (ci.owner_id is None) == (ci.repository_id is None):
        return
    missing = "repositoryId" if ci.repository_id is None else "ownerId"
    yield Problem(
        f"ciAccess.{missing}",
        "ownerId and repositoryId go together (the immutable-id subject needs both)",
    )


def one_oidc_provider_choice(settings: PlatformSettings) -> Iterable[Problem]:
    """An account holds one GitHub OIDC provider: exactly one stack creates it, the others
    name its ARN. A second stack creating it fails at deploy time (EntityAlreadyExists)."""
    ci = settings.ci_access
    if ci is None:
        return
    creates = ci.create_oidc_provider is True
    if creates and ci.oidc_provider_arn is not None:
        yield Problem(
            "ciAccess.oidcProviderArn",
            "set either createOidcProvider: true (this stack creates the account's GitHub"
            " OIDC provider) or oidcProviderArn (use the one another stack created), not both",
        )
    elif not creates and ci.oidc_provider_arn is None:
        yield Problem(
            "ciAccess.createOidcProvider",
            "choose who owns the account's one GitHub OIDC provider: createOidcProvider: true"
            " in exactly one stack per account, and in the others oidcProviderArn:"
            " arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
        )


RULES = (immutable_ids_together, one_oidc_provider_choice)
