"""Rules for `loadBalancer.domain`: what a zone, a certificate and the routed hostnames must
agree on before ACM and Route 53 are asked for anything."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.domain import (
    COMMON_NAME_MAX,
    PRIMARY,
    WILDCARD,
    DomainSettings,
    ZonePlan,
    declared_zones,
    is_pattern,
    plan_zones,
    routed_hostnames,
    wildcard_covers,
    zone_of,
)
from settings.rules.problem import Problem

if TYPE_CHECKING:
    from settings.platform import PlatformSettings

DOMAIN = "loadBalancer.domain"


def _host_headers(settings: PlatformSettings) -> dict[str, list[str]]:
    return {
        name: list(service.routing.host_headers)
        for name, service in settings.services.items()
        if service.routing is not None
    }


def domain_keys(settings: PlatformSettings) -> Iterable[Problem]:
    """One way to name the zone, one way to bring the certificate, in the stack's region."""
    balancer = settings.load_balancer
    domain = balancer.domain
    if domain is None:
        return
    if balancer.certificate_arn is not None:
        yield Problem(
            DOMAIN,
            "exclusive with loadBalancer.certificateArn: with a domain, bring a certificate as"
            " domain.certificate: <ACM ARN> (or let the stack create one)",
        )
    if domain.zone_name and domain.zone_id:
        yield Problem(f"{DOMAIN}.zoneId", "give the hosted zone by zoneName or by zoneId, not both")
    if not domain.zone_name and not domain.zone_id:
        yield Problem(f"{DOMAIN}.zoneName", "required: the hosted zone's name (or its zoneId)")
    if domain.wildcard and not domain.zone_name:
        yield Problem(
            f"{DOMAIN}.wildcard", "a wildcard certificate is named *.<zoneName>: give zoneName"
        )
    # ELB uses certificates from its own region only (ACM is regional: "Services integrated
    # with ACM", https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html).
    if domain.certificate != "create" and domain.certificate.split(":")[3] != settings.region:
        yield Problem(
            f"{DOMAIN}.certificate",
            f"the certificate must be in the stack's region {settings.region} (aws:region)",
        )
    names = [name for _, _, name in declared_zones(domain) if name]
    for index, zone in enumerate(domain.additional_zones):
        if names.count(zone.zone_name) > 1:
            yield Problem(
                f"{DOMAIN}.additionalZones[{index}].zoneName",
                f"{zone.zone_name} is declared more than once",
            )


def domain_hostnames(settings: PlatformSettings) -> Iterable[Problem]:
    """Every routed hostname a created certificate must cover is a DNS name in a declared zone
    and, where the zone asks for a wildcard, one label below it."""
    domain = settings.load_balancer.domain
    if domain is None:
        return
    plans = {plan.key: plan for plan in plan_zones(domain, _host_headers(settings))}
    for service, hosts in routed_hostnames(_host_headers(settings)).items():
        for index, host in enumerate(hosts):
            path = f"services.{service}.routing.hostHeaders[{index}]"
            key = zone_of(domain, host)
            plan = plans.get(key) if key else None
            yield from _hostname(domain, path, host, plan)


def _hostname(
    domain: DomainSettings, path: str, host: str, plan: ZonePlan | None
) -> Iterable[Problem]:
    if plan is None:
        if domain.certificate == "create":
            zones = ", ".join(name for _, _, name in declared_zones(domain) if name)
            yield Problem(
                path,
                f"{host} is in none of the declared zones ({zones}): the certificate the stack"
                " creates could not be validated for it (add its zone to"
                " loadBalancer.domain.additionalZones)",
            )
        return
    if is_pattern(host):
        yield Problem(
            path,
            f"{host} is a host pattern, not a DNS name: a record and a certificate need a"
            f" hostname (or one leading {WILDCARD})",
        )
        return
    wildcard = plan.wildcard and plan.zone_name and plan.creates_certificate
    if wildcard and plan.zone_name and not wildcard_covers(plan.zone_name, host):
        yield Problem(
            path,
            f"{host} is not covered by the wildcard certificate {WILDCARD}{plan.zone_name}"
            " (a wildcard covers one label below the zone)",
        )


def domain_certificates(settings: PlatformSettings) -> Iterable[Problem]:
    """Each certificate the stack creates has a name, fits ACM's quota of names per
    certificate, and has a subject name short enough."""
    domain = settings.load_balancer.domain
    if domain is None:
        return
    limit = settings.config.quotas.certificate_domain_names
    for plan in plan_zones(domain, _host_headers(settings)):
        if not plan.creates_certificate:
            continue
        zone = plan.zone_name or plan.zone_id
        names = plan.certificate_names
        if not names:
            key = "zoneName" if plan.key != PRIMARY or domain.zone_name else "zoneId"
            yield Problem(
                f"{plan.path}.{key}",
                f"no routed service has a hostname in {zone}: add one to a service's"
                " routing.hostHeaders, or set wildcard: true",
            )
            continue
        if len(names) > limit:
            yield Problem(
                plan.path,
                f"{len(names)} names on the certificate for {zone}, above ACM's quota of {limit}"
                " names per certificate (set wildcard: true, or raise it with AWS, then set"
                " quotas.certificateDomainNames)",
            )
        if len(names[0]) > COMMON_NAME_MAX:
            yield Problem(
                plan.path,
                f"every hostname in {zone} is longer than {COMMON_NAME_MAX} characters: ACM needs"
                " one that short as the certificate's subject name",
            )


RULES = (domain_keys, domain_hostnames, domain_certificates)
