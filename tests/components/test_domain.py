"""Domains: a routed service at https://<hostname> from `loadBalancer.domain`, with a
DNS-validated ACM certificate the HTTPS listener waits for and alias records to the ALB."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from components.domain import alias_records
from harness.engine import SynthesisError, run_program
from harness.records import Synthesis
from settings.domain import ZonePlan, url_path, wildcard_covers
from settings.loader import SettingsError
from settings.stack_files import read_stack_config

from conftest import FIXTURES

CERTIFICATE = "aws:acm/certificate:Certificate"
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
RECORD = "aws:route53/record:Record"
LISTENER = "aws:lb/listener:Listener"
LISTENER_CERTIFICATE = "aws:lb/listenerCertificate:ListenerCertificate"
ALB = "aws:lb/loadBalancer:LoadBalancer"
Config = dict[str, Any]


def domain_config() -> Config:
    return read_stack_config("domain", FIXTURES)


def synthesize(change: Callable[[Config], Any] | None = None) -> Synthesis:
    config = domain_config()
    if change is not None:
        change(config)
    return run_program("domain", stack_config=config)


@pytest.fixture(scope="module")
def domain() -> Synthesis:
    return synthesize()


def https_listener(synthesis: Synthesis) -> Any:
    return next(r for r in synthesis.of_type(LISTENER) if r.inputs["port"] == 443)


def records(synthesis: Synthesis, kind: str) -> dict[str, Any]:
    return {r.inputs["name"]: r for r in synthesis.of_type(RECORD) if r.inputs["type"] == kind}


def test_certificate_for_the_routed_hostname_validated_through_the_zone(domain) -> None:
    certificate = domain.one(CERTIFICATE)
    assert certificate.inputs["domainName"] == "api.example.com"
    assert certificate.inputs["validationMethod"] == "DNS"
    assert "subjectAlternativeNames" not in certificate.inputs
    zone = next(args for token, args in domain.invokes if token == "aws:route53/getZone:getZone")
    assert zone == {"name": "example.com", "privateZone": False}
    (option,) = certificate.outputs["domainValidationOptions"]
    (record,) = records(domain, "CNAME").values()
    assert record.inputs["name"] == option["resourceRecordName"]
    assert record.inputs["records"] == [option["resourceRecordValue"]]
    assert record.inputs["allowOverwrite"] is True
    assert record.inputs["zoneId"] == records(domain, "A")["api.example.com"].inputs["zoneId"]
    assert record.retain_on_delete is True  # production keeps what ACM renews through
    validation = domain.one(VALIDATION)
    assert validation.inputs["certificateArn"] == certificate.outputs["arn"]
    assert validation.inputs["validationRecordFqdns"] == [record.outputs["fqdn"]]


def test_https_listener_waits_for_the_issued_certificate(domain) -> None:
    listener, validation = https_listener(domain), domain.one(VALIDATION)
    assert listener.inputs["certificateArn"] == validation.outputs["certificateArn"]
    assert validation.urn in listener.dependencies
    assert domain.one(CERTIFICATE).protect is False  # replaced whenever a name changes


def test_alias_record_points_the_hostname_at_the_alb(domain) -> None:
    alb = domain.one(ALB)
    alias = records(domain, "A")["api.example.com"]
    assert alias.inputs["aliases"] == [
        {
            "name": alb.outputs["dnsName"],
            "zoneId": alb.outputs["zoneId"],
            "evaluateTargetHealth": True,
        }
    ]
    assert alias.protect is True
    assert records(domain, "AAAA") == {}  # the ALB is IPv4 only


def test_service_url_output(domain) -> None:
    assert domain.outputs["serviceUrls"] == {"api": "https://api.example.com"}


def test_domain_resources_live_in_their_own_components(domain) -> None:
    for type_ in (CERTIFICATE, VALIDATION, RECORD):
        for resource in domain.of_type(type_):
            top = domain.top_component(resource)
            assert top is not None
            assert top.type in ("ecs-platform:domain:Certificates", "ecs-platform:domain:Hostnames")


def test_byo_certificate_arn_keeps_working_without_domain_resources(synthesized) -> None:
    prod = synthesized("prod")
    assert prod.of_type(CERTIFICATE) == prod.of_type(RECORD) == []
    config = read_stack_config("prod", FIXTURES)
    certificate_arn = config["ecs-platform:loadBalancer"]["certificateArn"]
    assert https_listener(prod).inputs["certificateArn"] == certificate_arn
    assert prod.outputs["serviceUrls"] == {}


def test_a_brought_certificate_gets_records_but_no_request() -> None:
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-byo"
    synthesis = synthesize(lambda c: _domain(c).update(certificate=arn))
    assert synthesis.of_type(CERTIFICATE) == synthesis.of_type(VALIDATION) == []
    assert https_listener(synthesis).inputs["certificateArn"] == arn
    assert set(records(synthesis, "A")) == {"api.example.com"}


def test_wildcard_and_additional_zone() -> None:
    def change(config: Config) -> None:
        _domain(config).update(wildcard=True, additionalZones=[{"zoneName": "example.org"}])
        _routing(config)["hostHeaders"] = ["api.example.com", "example.com", "api.example.org"]

    synthesis = synthesize(change)
    names = {
        r.name: [r.inputs["domainName"], *r.inputs.get("subjectAlternativeNames", [])]
        for r in synthesis.of_type(CERTIFICATE)
    }
    assert names == {
        "certificates-default": ["*.example.com", "example.com"],
        "certificates-example.org": ["api.example.org"],
    }
    # *.example.com and example.com share one validation record; example.org has its own
    validations = sorted(r.name for r in records(synthesis, "CNAME").values())
    assert validations == [
        "certificates-default-validation-example.com",
        "certificates-example.org-validation-api.example.org",
    ]
    attached = synthesis.one(LISTENER_CERTIFICATE)
    assert attached.inputs["listenerArn"] == https_listener(synthesis).outputs["arn"]
    extra = synthesis.one(VALIDATION, "certificates-example.org")
    assert attached.inputs["certificateArn"] == extra.outputs["certificateArn"]
    zones = {r.inputs["name"]: r.inputs["zoneId"] for r in records(synthesis, "A").values()}
    assert zones["api.example.com"] == zones["example.com"] != zones["api.example.org"]


def test_zone_taken_by_id_is_not_looked_up() -> None:
    synthesis = synthesize(lambda c: _domain(c).update(zoneName=None, zoneId="Z0123456789ABC"))
    assert not [t for t, _ in synthesis.invokes if t == "aws:route53/getZone:getZone"]
    assert {r.inputs["zoneId"] for r in synthesis.of_type(RECORD)} == {"Z0123456789ABC"}


def test_alias_records_add_aaaa_for_a_dual_stack_alb() -> None:
    plan = ZonePlan("default", "domain", "example.com", None, False, ("a.example.com",))
    assert alias_records([plan], dual_stack=False) == [("default", "a.example.com", "A")]
    assert alias_records([plan], dual_stack=True) == [
        ("default", "a.example.com", "A"),
        ("default", "a.example.com", "AAAA"),
    ]


@pytest.mark.parametrize(
    ("host", "covered"),
    [
        ("api.example.com", True),
        ("example.com", True),  # the apex is added to the certificate as its own name
        ("v1.api.example.com", False),  # a wildcard covers one label only
        ("api.example.org", False),
        ("badexample.com", False),
    ],
)
def test_wildcard_covers_one_label(host: str, covered: bool) -> None:
    assert wildcard_covers("example.com", host) is covered


def test_url_path_is_the_literal_start_of_the_first_path_pattern() -> None:
    assert url_path([]) == ""
    assert url_path(["/*"]) == ""
    assert url_path(["/api/*", "/v2/*"]) == "/api/"


# -- refusals -------------------------------------------------------------------------------
def _domain(config: Config) -> dict[str, Any]:
    return config["ecs-platform:loadBalancer"]["domain"]


def _routing(config: Config, service: str = "api") -> dict[str, Any]:
    return config["ecs-platform:services"][service]["routing"]


def _more_routed_services(config: Config) -> None:
    """Four routed services with three hostnames each: 12 names in example.com."""
    services = config["ecs-platform:services"]
    for index in range(4):
        service = copy.deepcopy(services["api"])
        service["routing"] = {
            "hostHeaders": [f"s{index}-{n}.example.com" for n in range(3)],
            "priority": 20 + index,
        }
        services[f"api{index}"] = service


def _refused(change: Callable[[Config], Any]) -> list[str]:
    config = domain_config()
    change(config)
    with pytest.raises(SynthesisError) as failure:
        run_program("domain", stack_config=config)
    assert failure.value.resources == []  # refused before anything is registered
    assert isinstance(failure.value.cause, SettingsError)
    return failure.value.cause.lines


BAD_DOMAIN_CONFIG: list[tuple[str, Callable[[Config], Any], list[str]]] = [
    (
        "hostname outside every declared zone",
        lambda c: _routing(c).update(hostHeaders=["api.example.com", "api.example.net"]),
        [
            "services.api.routing.hostHeaders[1]: api.example.net is in none of the declared"
            " zones (example.com): the certificate the stack creates could not be validated"
            " for it (add its zone to loadBalancer.domain.additionalZones)"
        ],
    ),
    (
        "more names than ACM's default quota",
        _more_routed_services,
        [
            "loadBalancer.domain: 13 names on the certificate for example.com, above ACM's"
            " quota of 10 names per certificate (set wildcard: true, or raise it with AWS, then"
            " set quotas.certificateDomainNames)"
        ],
    ),
    (
        "wildcard that does not cover a hostname",
        lambda c: (
            _domain(c).update(wildcard=True),
            _routing(c).update(hostHeaders=["v1.api.example.com"]),
        ),
        [
            "services.api.routing.hostHeaders[0]: v1.api.example.com is not covered by the"
            " wildcard certificate *.example.com (a wildcard covers one label below the zone)"
        ],
    ),
    (
        "zone by name and by id",
        lambda c: _domain(c).update(zoneId="Z0123456789ABC"),
        ["loadBalancer.domain.zoneId: give the hosted zone by zoneName or by zoneId, not both"],
    ),
    (
        "plain HTTP in production",
        lambda c: c["ecs-platform:loadBalancer"].update(allowPlainHttp=True),
        ["loadBalancer.allowPlainHttp: tier production serves HTTPS only"],
    ),
    (
        "domain and certificateArn",
        lambda c: c["ecs-platform:loadBalancer"].update(
            certificateArn="arn:aws:acm:eu-west-1:123456789012:certificate/abc-123"
        ),
        [
            "loadBalancer.domain: exclusive with loadBalancer.certificateArn: with a domain,"
            " bring a certificate as domain.certificate: <ACM ARN> (or let the stack create one)"
        ],
    ),
    (
        "brought certificate in another region",
        lambda c: _domain(c).update(
            certificate="arn:aws:acm:us-east-1:123456789012:certificate/abc-123"
        ),
        [
            "loadBalancer.domain.certificate: the certificate must be in the stack's region"
            " eu-west-1 (aws:region)"
        ],
    ),
    (
        "host pattern in a managed zone",
        lambda c: _routing(c).update(hostHeaders=["api-?.example.com"]),
        [
            "services.api.routing.hostHeaders[0]: api-?.example.com is a host pattern, not a DNS"
            " name: a record and a certificate need a hostname (or one leading *.)",
            "loadBalancer.domain.zoneName: no routed service has a hostname in example.com: add"
            " one to a service's routing.hostHeaders, or set wildcard: true",
        ],
    ),
    (
        "wildcard without a zone name",
        lambda c: _domain(c).update(zoneName=None, zoneId="Z0123456789ABC", wildcard=True),
        [
            "loadBalancer.domain.wildcard: a wildcard certificate is named *.<zoneName>: give"
            " zoneName"
        ],
    ),
    (
        "malformed zone",
        lambda c: _domain(c).update(zoneName="Example.com."),
        [
            "loadBalancer.domain.zoneName: 'Example.com.' is not a DNS name in lower case"
            " (like example.com)"
        ],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [pytest.param(change, expected, id=case) for case, change, expected in BAD_DOMAIN_CONFIG],
)
def test_bad_domain_config_is_refused(change, expected) -> None:
    assert _refused(change) == [f"Pulumi.domain.yaml: {line}" for line in expected]


@pytest.mark.parametrize(
    "allow",
    [
        pytest.param(lambda c: _domain(c).update(wildcard=True), id="wildcard"),
        pytest.param(
            lambda c: c.setdefault("ecs-platform:quotas", {}).update(certificateDomainNames=13),
            id="raised quota",
        ),
    ],
)
def test_many_names_fit_with_a_wildcard_or_a_raised_quota(allow) -> None:
    synthesis = synthesize(lambda c: (_more_routed_services(c), allow(c)))
    assert len(records(synthesis, "A")) == 13
