"""Mock answers for ACM and Route 53, shaped like the provider's: a certificate's validation
options (one CNAME per name, *.example.com sharing example.com's), a record's fqdn, a zone."""

from __future__ import annotations

import hashlib
from typing import Any

MOCK_ZONE_PREFIX = "Z0"


def _digest(*parts: str, length: int = 32) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def validation_option(domain_name: str, account_id: str) -> dict[str, str]:
    """What DescribeCertificate returns for a name: ACM derives the CNAME from the name (and
    the account), so a wildcard and its base name get the same record (trailing dots kept,
    as ACM returns them)."""
    base = domain_name.removeprefix("*.")
    return {
        "domainName": domain_name,
        "resourceRecordName": f"_{_digest(account_id, base)}.{base}.",
        "resourceRecordType": "CNAME",
        "resourceRecordValue": f"_{_digest(base, account_id)}.{_digest(base, length=10)}"
        ".acm-validations.aws.",
    }


def certificate_state(inputs: dict[str, Any], arn: str, account_id: str) -> dict[str, Any]:
    names = [inputs["domainName"], *(inputs.get("subjectAlternativeNames") or [])]
    names = list(dict.fromkeys(names))
    return {
        "arn": arn,
        "status": "PENDING_VALIDATION",
        # the provider adds the domain name to the SANs (acm/certificate.go CustomizeDiff)
        "subjectAlternativeNames": names,
        "domainValidationOptions": [validation_option(name, account_id) for name in names],
    }


def record_state(inputs: dict[str, Any]) -> dict[str, Any]:
    # the provider stores the name without its trailing dot, in lower case (route53/record.go)
    return {"fqdn": str(inputs.get("name", "")).removesuffix(".").lower()}


def zone_result(args: dict[str, Any]) -> dict[str, Any]:
    """aws:route53/getZone: the public zone of that name (name without the trailing dot)."""
    name = str(args.get("name") or "").removesuffix(".")
    zone_id = args.get("zoneId") or f"{MOCK_ZONE_PREFIX}{_digest('zone', name, length=19).upper()}"
    return {
        "id": zone_id,
        "zoneId": zone_id,
        "name": name,
        "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
        "privateZone": bool(args.get("privateZone")),
        "nameServers": [f"ns-{n}.awsdns-{n:02d}.org" for n in range(1, 5)],
        "resourceRecordSetCount": 2,
    }
