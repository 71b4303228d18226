"""Hostnames for the routed services: the hosted zone(s), DNS-validated ACM certificates, and
Route 53 alias records to the ALB.

Two components, because the HTTPS listener sits between them: it is created only once the
certificate is issued (it takes the validation's certificate ARN), and the alias records point
at its load balancer. `Certificates` comes before the load balancer, `Hostnames` after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common.naming import Naming
from settings.domain import PRIMARY, WILDCARD, ZonePlan

# The provider's own example for DNS validation uses 60 s; the record never changes anyway
# (website/docs/r/acm_certificate_validation.html.markdown, terraform-provider-aws).
VALIDATION_TTL = 60


def alias_records(plans: Sequence[ZonePlan], dual_stack: bool) -> list[tuple[str, str, str]]:
    """(zone key, hostname, record type) for every routed hostname: A, and AAAA when the load
    balancer answers on IPv6 too. Route 53 alias records to an ELB load balancer are A or AAAA
    (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-elb-load-balancer.html)."""
    types = ("A", "AAAA") if dual_stack else ("A",)
    return [(plan.key, host, kind) for plan in plans for host in plan.hostnames for kind in types]


def validation_option(options: Sequence[Any], name: str) -> Any:
    """The certificate's domain validation option for `name` (or for *.`name`, which ACM
    validates with the same record)."""
    for option in options:
        if option.domain_name.removeprefix(WILDCARD) == name:
            return option
    raise LookupError(f"ACM returned no validation record for {name}")


@dataclass(frozen=True)
class CertificatesArgs:
    zones: Sequence[ZonePlan]  # the default zone first
    naming: Naming
    protect: bool


class Certificates(pulumi.ComponentResource):
    """Per declared zone: the zone's id (looked up by name, or given), and unless the team
    brings one, an ACM certificate for the zone's hostnames, its validation records in the
    zone, and the validation that waits until ACM has issued it."""

    TYPE = "ecs-platform:domain:Certificates"  # part of every child's URN: never change it
    zone_ids: dict[str, pulumi.Output[str]]
    certificate_arn: pulumi.Output[str]
    additional_certificate_arns: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: CertificatesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name, self._args = name, args
        self.zone_ids = {plan.key: self._zone_id(plan) for plan in args.zones}
        issued = {
            plan.key: self._issued_certificate(plan)
            for plan in args.zones
            if plan.creates_certificate
        }
        default = args.zones[0]
        self.certificate_arn = (
            issued[PRIMARY]
            if PRIMARY in issued
            else pulumi.Output.from_input(str(default.certificate_arn))
        )
        self.additional_certificate_arns = {k: v for k, v in issued.items() if k != PRIMARY}
        self.register_outputs(
            {
                "zoneIds": self.zone_ids,
                "certificateArn": self.certificate_arn,
                "additionalCertificateArns": self.additional_certificate_arns,
            }
        )

    def _zone_id(self, plan: ZonePlan) -> pulumi.Output[str]:
        if plan.zone_id is not None:
            return pulumi.Output.from_input(plan.zone_id)
        # The data source lists every hosted zone (ListHostedZones) and keeps the public one of
        # this name; it fails unless exactly one matches (route53/zone_data_source.go).
        zone = aws.route53.get_zone_output(
            name=plan.zone_name,
            private_zone=False,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        return zone.zone_id

    def _issued_certificate(self, plan: ZonePlan) -> pulumi.Output[str]:
        """Request, validate through DNS, wait: the validation's ARN is known only once ACM
        has issued the certificate, so whatever takes it waits for that."""
        naming, names = self._args.naming, plan.certificate_names
        # Every name is ForceNew (acm/certificate.go): a changed hostname replaces the
        # certificate. Not protected for that reason: it holds no data and is issued again in
        # minutes; the new one is created and attached before the old one is deleted (delete
        # retries while the listener still uses it, ResourceInUseException, up to 20 minutes).
        certificate = aws.acm.Certificate(
            f"{self._name}-{plan.key}",
            domain_name=names[0],
            subject_alternative_names=list(names[1:]) or None,
            validation_method="DNS",
            tags=naming.tags("certificate", plan.key),
            opts=pulumi.ResourceOptions(parent=self),
        )
        records = [
            self._validation_record(plan, certificate, name) for name in plan.validation_names
        ]
        # Waits (up to 75 minutes) for ISSUED, after checking every validation record ACM asks
        # for is among validation_record_fqdns (acm/certificate_validation.go); delete is a no-op.
        validation = aws.acm.CertificateValidation(
            f"{self._name}-{plan.key}",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn for record in records],
            opts=pulumi.ResourceOptions(parent=self),
        )
        return validation.certificate_arn

    def _validation_record(
        self, plan: ZonePlan, certificate: aws.acm.Certificate, name: str
    ) -> aws.route53.Record:
        """One record per validated name, keyed by the name (known now, so the plan and a
        preview show it) with its CNAME taken from what ACM returned for that name."""
        option = certificate.domain_validation_options.apply(
            lambda options: validation_option(options, name)
        )
        return aws.route53.Record(
            f"{self._name}-{plan.key}-validation-{name}",
            zone_id=self.zone_ids[plan.key],
            name=option.apply(lambda o: o.resource_record_name),
            type=option.apply(lambda o: o.resource_record_type),
            records=[option.apply(lambda o: o.resource_record_value)],
            ttl=VALIDATION_TTL,
            # UPSERT instead of CREATE (route53/record.go): ACM gives the same CNAME for a name
            # to every certificate of the account, so a record left by an earlier certificate
            # (or one made by hand) is taken over instead of failing the update.
            allow_overwrite=True,
            # ACM renews through this record for as long as the certificate lives: a production
            # stack leaves it in the zone when it stops managing it.
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=self._args.protect),
        )


@dataclass(frozen=True)
class HostnamesArgs:
    zones: Sequence[ZonePlan]
    zone_ids: Mapping[str, pulumi.Input[str]]
    alias_dns_name: pulumi.Input[str]  # the load balancer's DNS name
    alias_zone_id: pulumi.Input[str]  # and its canonical hosted zone id (not the record's zone)
    listener_arn: pulumi.Input[str]  # the HTTPS listener
    protect: bool
    dual_stack: bool = False
    additional_certificate_arns: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


class Hostnames(pulumi.ComponentResource):
    """Alias records from every routed hostname to the load balancer, and the certificates of
    the additional zones attached to the HTTPS listener (it picks one by SNI)."""

    TYPE = "ecs-platform:domain:Hostnames"  # part of every child's URN: never change it

    def __init__(
        self, name: str, args: HostnamesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name, self._args = name, args
        self._attach_certificates()
        self.records = self._alias_records()
        self.register_outputs({"hostnames": sorted({host for _, host, _ in self.records})})

    def _attach_certificates(self) -> None:
        # AddListenerCertificates / RemoveListenerCertificates; both arguments are ForceNew
        # (elbv2/listener_certificate.go).
        for key, arn in self._args.additional_certificate_arns.items():
            aws.lb.ListenerCertificate(
                f"{self._name}-{key}",
                listener_arn=self._args.listener_arn,
                certificate_arn=arn,
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _alias_records(self) -> list[tuple[str, str, str]]:
        args = self._args
        records = alias_records(args.zones, args.dual_stack)
        for key, host, kind in records:
            aws.route53.Record(
                f"{self._name}-{host}-{kind}",
                zone_id=args.zone_ids[key],
                name=host,
                type=kind,
                aliases=[
                    {
                        "name": args.alias_dns_name,
                        "zone_id": args.alias_zone_id,
                        # Route 53 answers with the ALB while any of its target groups has a
                        # healthy target (AliasTarget.EvaluateTargetHealth, Route 53 API).
                        "evaluate_target_health": True,
                    }
                ],
                # A record going away takes a URL offline: production asks for an explicit
                # `pulumi state unprotect` first (the plan diff flags the removal too).
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
        return records
