"""Risk flags for domains on a plan diff: a hostname that stops resolving, a certificate that is
replaced. Pure functions over diff.Change yielding (code, urn, message); review.risks wraps
them into its Risk (so this module does not import it back)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.records import inputs_document
from review.diff import Change

CERTIFICATE = "aws:acm/certificate:Certificate"
RECORD = "aws:route53/record:Record"
Flag = tuple[str, str | None, str]  # (code, urn, message)


def certificate_names(inputs: dict[str, Any]) -> list[str]:
    names = [inputs.get("domainName"), *(inputs.get("subjectAlternativeNames") or [])]
    return list(dict.fromkeys(str(name) for name in names if name))


def hostname_removed(change: Change, tier: str) -> Iterator[Flag]:
    """An alias record deleted: the hostname stops resolving, its URL goes away."""
    old = inputs_document(change.old)
    if change.type != RECORD or change.action != "delete" or not old.get("aliases"):
        return
    host = old.get("name")
    yield (
        "hostname-removed",
        change.urn,
        f"{host} would stop resolving ({old.get('type')} record deleted): https://{host}"
        " goes away.",
    )


def certificate_replaced(change: Change, tier: str) -> Iterator[Flag]:
    """ACM names are immutable (acm/certificate.go: domain_name and subject_alternative_names
    are ForceNew): a changed name list is a new certificate, validated again through DNS
    before the listener switches to it."""
    if change.type != CERTIFICATE or change.old is None or change.new is None:
        return
    before, after = (
        certificate_names(inputs_document(change.old)),
        certificate_names(inputs_document(change.new)),
    )
    if before == after and change.action != "replace":
        return
    yield (
        "certificate-replaced",
        change.urn,
        f"{change.name} would be replaced: names {', '.join(before)} -> {', '.join(after)};"
        " the new certificate must be issued (DNS validation) before the HTTPS listener"
        " switches to it.",
    )


DOMAIN_CHECKS = (hostname_removed, certificate_replaced)
