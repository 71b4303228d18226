"""`loadBalancer.domain`: the Route 53 hosted zone(s) the stack writes records in and the ACM
certificate(s) it requests for the routed services' hostnames (`routing.hostHeaders`).

Also the pure planning both the rules and the component use: which declared zone each routed
hostname falls in, and which names each zone's certificate must carry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from settings.types import (
    CERTIFICATE_ARN_PATTERN,
    DNS_NAME_PATTERN,
    HOSTED_ZONE_ID_PATTERN,
    Settings,
    unique,
)

DnsName = Annotated[str, Field(pattern=DNS_NAME_PATTERN, max_length=253)]
HostedZoneId = Annotated[str, Field(pattern=HOSTED_ZONE_ID_PATTERN)]
CertificateArn = Annotated[str, Field(pattern=CERTIFICATE_ARN_PATTERN)]

# ACM: the first name (the certificate's subject common name) is at most 64 octets (RFC 5280);
# further names go in the subject alternative names, up to 253. (ACM RequestCertificate API,
# DomainName: https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html)
COMMON_NAME_MAX = 64
WILDCARD = "*."
PRIMARY = "default"  # the key of the zone declared at loadBalancer.domain itself


class AdditionalZoneSettings(Settings):
    zone_name: DnsName = Field(
        description="A further public hosted zone (like example.org); it gets its own"
        " DNS-validated certificate, attached to the HTTPS listener."
    )
    wildcard: bool = Field(
        False, description="Certificate for *.<zoneName> instead of one name per hostname."
    )


class DomainSettings(Settings):
    zone_name: DnsName | None = Field(
        None, description="The public hosted zone, looked up by name (like example.com)."
    )
    zone_id: HostedZoneId | None = Field(
        None,
        description="Or the hosted zone's id (like Z0123456789ABCDEFGHIJ): no lookup by name;"
        " hostnames outside the additional zones are written to it.",
    )
    certificate: Literal["create"] | CertificateArn = Field(
        "create",
        description="create: an ACM certificate validated through the zone (DNS); or the ARN"
        " of a certificate you bring (in the stack's region).",
    )
    wildcard: bool = Field(
        False,
        description="Certificate for *.<zoneName> (one label below the zone) instead of one"
        " name per hostname.",
    )
    additional_zones: Annotated[list[AdditionalZoneSettings], AfterValidator(unique)] = Field(
        default_factory=list, description="Further zones for hostnames outside the first."
    )


@dataclass(frozen=True)
class ZonePlan:
    """One declared zone: the routed hostnames it holds and the certificate it gets."""

    key: str  # "default" or the additional zone's name: part of logical names
    path: str  # the settings key it was declared at
    zone_name: str | None
    zone_id: str | None
    wildcard: bool
    hostnames: tuple[str, ...]
    certificate_arn: str | None = None  # a certificate brought by the team (default zone only)

    @property
    def creates_certificate(self) -> bool:
        return self.certificate_arn is None

    @property
    def certificate_names(self) -> tuple[str, ...]:
        """Every name the certificate carries, the subject (common) name first."""
        if self.wildcard and self.zone_name:
            apex = (self.zone_name,) if self.zone_name in self.hostnames else ()
            return (WILDCARD + self.zone_name, *apex)
        names = sorted(self.hostnames, key=lambda name: (len(name) > COMMON_NAME_MAX, name))
        return tuple(names)

    @property
    def validation_names(self) -> tuple[str, ...]:
        """ACM asks one validation CNAME per name with any leading `*.` removed: *.example.com
        and example.com share a record (terraform-aws-modules/terraform-aws-acm main.tf,
        `distinct_domain_names`)."""
        return tuple(dict.fromkeys(name.removeprefix(WILDCARD) for name in self.certificate_names))


def in_zone(hostname: str, zone: str) -> bool:
    return hostname == zone or hostname.endswith("." + zone)


def wildcard_covers(zone: str, hostname: str) -> bool:
    """*.<zone> covers exactly one label below the zone, not the zone itself nor deeper names
    (https://docs.aws.amazon.com/acm/latest/userguide/acm-certificate.html, wildcard names);
    the apex is added to a wildcard certificate as its own name."""
    if hostname == zone:
        return True
    label = hostname.removesuffix("." + zone)
    return in_zone(hostname, zone) and "." not in label


def is_pattern(hostname: str) -> bool:
    """An ALB host condition with wildcards other than one leading `*.` is not a DNS name."""
    return "?" in hostname or "*" in hostname.removeprefix(WILDCARD)


def declared_zones(domain: DomainSettings) -> list[tuple[str, str, str | None]]:
    """(key, settings path, zone name) of every declared zone, the default zone first."""
    zones: list[tuple[str, str, str | None]] = [(PRIMARY, "loadBalancer.domain", domain.zone_name)]
    zones += [
        (zone.zone_name, f"loadBalancer.domain.additionalZones[{index}]", zone.zone_name)
        for index, zone in enumerate(domain.additional_zones)
    ]
    return zones


def zone_of(domain: DomainSettings, hostname: str) -> str | None:
    """The key of the zone a hostname's record goes in: the longest declared zone name that
    holds it; else the default zone when it is given by id only (its name is unknown here)."""
    named = [
        (len(name), key)
        for key, _, name in declared_zones(domain)
        if name and in_zone(hostname, name)
    ]
    if named:
        return max(named)[1]
    return PRIMARY if domain.zone_name is None and domain.zone_id else None


def routed_hostnames(host_headers: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """service -> its host headers in lower case (DNS and ALB host matching ignore case)."""
    return {name: [host.lower() for host in hosts] for name, hosts in host_headers.items()}


def plan_zones(domain: DomainSettings, host_headers: Mapping[str, Sequence[str]]) -> list[ZonePlan]:
    """One plan per declared zone with the routed hostnames that fall in it (patterns and
    hostnames outside every zone are left out: the rules refuse them where they matter)."""
    members: dict[str, list[str]] = {key: [] for key, _, _ in declared_zones(domain)}
    for hosts in routed_hostnames(host_headers).values():
        for host in hosts:
            key = zone_of(domain, host)
            if key is not None and not is_pattern(host) and host not in members[key]:
                members[key].append(host)
    byo = None if domain.certificate == "create" else domain.certificate
    plans = [
        ZonePlan(
            PRIMARY,
            "loadBalancer.domain",
            domain.zone_name,
            domain.zone_id,
            domain.wildcard,
            tuple(sorted(members[PRIMARY])),
            byo,
        )
    ]
    plans += [
        ZonePlan(
            zone.zone_name,
            f"loadBalancer.domain.additionalZones[{index}]",
            zone.zone_name,
            None,
            zone.wildcard,
            tuple(sorted(members[zone.zone_name])),
        )
        for index, zone in enumerate(domain.additional_zones)
    ]
    return plans


def url_path(path_patterns: Sequence[str]) -> str:
    """The literal start of the first path pattern (/api/* -> /api/), or nothing."""
    if not path_patterns:
        return ""
    literal = path_patterns[0].split("*")[0].split("?")[0]
    return "" if literal == "/" else literal


def service_urls(
    domain: DomainSettings, routes: Mapping[str, tuple[Sequence[str], Sequence[str]]]
) -> dict[str, str]:
    """service -> https URL on its first hostname that gets a record (services without one are
    left out). `routes` maps a service to its (host headers, path patterns)."""
    urls = {}
    for service, (hosts, paths) in routes.items():
        managed = [
            host
            for host in routed_hostnames({service: hosts})[service]
            if not host.startswith(WILDCARD) and not is_pattern(host) and zone_of(domain, host)
        ]
        if managed:
            urls[service] = f"https://{managed[0]}{url_path(paths)}"
    return urls
