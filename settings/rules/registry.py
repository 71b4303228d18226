"""Rules across `registry` keys."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem

if TYPE_CHECKING:
    from settings.platform import PlatformSettings


def production_registry(settings: PlatformSettings) -> Iterable[Problem]:
    if not settings.is_production:
        return
    if settings.registry.image_tag_mutability != "IMMUTABLE":
        yield Problem(
            "registry.imageTagMutability",
            "tier production needs IMMUTABLE tags (a deployed tag must not change under you)",
        )
    if settings.registry.force_delete:
        yield Problem("registry.forceDelete", "tier production never force-deletes repositories")


def push_needs_ci_access(settings: PlatformSettings) -> Iterable[Problem]:
    if settings.registry.push_from and settings.ci_access is None:
        yield Problem(
            "registry.pushFrom",
            "the push role trusts GitHub's OIDC provider: declare ciAccess (createOidcProvider"
            " or oidcProviderArn)",
        )


RULES = (production_registry, push_needs_ci_access)
