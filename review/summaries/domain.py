"""What the offline plan shows of certificates and DNS records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from review.risks.domain import certificate_names

Summary = dict[str, Any]


def _record(inputs: dict[str, Any]) -> Summary:
    aliases = inputs.get("aliases") or []
    target = (
        f"alias {aliases[0].get('name')} (health={aliases[0].get('evaluateTargetHealth')})"
        if aliases
        else ", ".join(str(r) for r in inputs.get("records") or [])
    )
    return {"record": f"{inputs.get('name')} {inputs.get('type')} -> {target}"}


DOMAIN_SUMMARIES: dict[str, Callable[[dict[str, Any]], Summary]] = {
    "aws:acm/certificate:Certificate": lambda i: {
        "names": certificate_names(i),
        "validation": i.get("validationMethod"),
    },
    "aws:acm/certificateValidation:CertificateValidation": lambda i: {
        "waitsFor": i.get("validationRecordFqdns"),
    },
    "aws:route53/record:Record": _record,
    "aws:lb/listenerCertificate:ListenerCertificate": lambda i: {
        "certificate": i.get("certificateArn"),
    },
}
