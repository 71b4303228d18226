"""The ALB: HTTPS with a modern policy where a certificate is set, HTTP only redirects, 404
default, hardened attributes, access logs to a locked-down bucket."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from harness.engine import run_program
from harness.mocks import MOCK_ELB_ACCOUNT_ARN
from harness.records import Synthesis

from conftest import fixture_config as stack_config
from conftest import problems

ALB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
NOT_FOUND = {
    "type": "fixed-response",
    "fixedResponse": {"contentType": "text/plain", "messageBody": "Not Found", "statusCode": "404"},
}


def alb_config(stack: str) -> dict[str, Any]:
    return stack_config(stack)["ecs-platform:loadBalancer"]


def listeners(synthesis: Synthesis) -> dict[int, dict[str, Any]]:
    return {r.inputs["port"]: r.inputs for r in synthesis.of_type(LISTENER)}


def test_alb_attributes_follow_settings(stack: str, synthesis: Synthesis) -> None:
    alb = synthesis.one(ALB)
    config = alb_config(stack)
    assert alb.inputs["loadBalancerType"] == "application"
    assert alb.inputs["internal"] is False
    assert alb.inputs["subnets"] == synthesis.outputs["publicSubnetIds"]
    assert alb.inputs["dropInvalidHeaderFields"] is True
    assert alb.inputs["desyncMitigationMode"] == config.get("desyncMitigationMode", "defensive")
    assert alb.inputs["idleTimeout"] == config["idleTimeoutSeconds"]
    assert alb.inputs["enableDeletionProtection"] is config["deletionProtection"]
    assert alb.protect is (stack == "prod")


def test_security_group_admits_only_listener_ports_from_configured_cidrs(stack, synthesis):
    group = synthesis.one("aws:ec2/securityGroup:SecurityGroup", "alb-sg")
    ports = [443, 80] if alb_config(stack).get("certificateArn") else [80]
    assert sorted((r["fromPort"], r["toPort"]) for r in group.inputs["ingress"]) == sorted(
        (p, p) for p in ports
    )
    for rule in group.inputs["ingress"]:
        assert rule["cidrBlocks"] == alb_config(stack)["ingressCidrs"]
    assert [r["cidrBlocks"] for r in group.inputs["egress"]] == [[synthesis.outputs["vpcCidr"]]]
    assert synthesis.one(ALB).inputs["securityGroups"] == [group.outputs["id"]]


def test_dev_serves_plain_http_with_a_404_default(synthesized) -> None:
    dev = listeners(synthesized("dev"))
    assert sorted(dev) == [80]
    assert dev[80]["protocol"] == "HTTP"
    assert dev[80]["defaultActions"] == [NOT_FOUND]


def test_prod_serves_https_and_http_only_redirects(synthesized) -> None:
    prod = listeners(synthesized("prod"))
    assert sorted(prod) == [80, 443]
    assert prod[443]["protocol"] == "HTTPS"
    assert prod[443]["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert prod[443]["certificateArn"] == alb_config("prod")["certificateArn"]
    assert prod[443]["defaultActions"] == [NOT_FOUND]
    assert prod[80]["defaultActions"] == [
        {
            "type": "redirect",
            "redirect": {"port": "443", "protocol": "HTTPS", "statusCode": "HTTP_301"},
        }
    ]


def test_dev_has_no_access_log_bucket(synthesized) -> None:
    dev = synthesized("dev")
    assert dev.of_type("aws:s3/bucket:Bucket") == []
    assert "accessLogs" not in dev.one(ALB).inputs


def test_prod_access_logs_go_to_a_private_encrypted_expiring_bucket(synthesized) -> None:
    prod = synthesized("prod")
    bucket = prod.one("aws:s3/bucket:Bucket")
    assert bucket.protect is True
    assert prod.one("aws:s3/bucketPolicy:BucketPolicy").urn in prod.one(ALB).dependencies
    assert prod.one(ALB).inputs["accessLogs"] == {
        "bucket": bucket.outputs["bucket"],
        "enabled": True,
        "prefix": "alb",
    }
    block = prod.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[key] is True for key in (
        "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"
    ))  # fmt: skip
    encryption = prod.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    ).inputs
    assert encryption["rules"] == [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}
    ]
    lifecycle = prod.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    assert lifecycle.inputs["rules"][0]["expiration"] == {
        "days": alb_config("prod")["accessLogs"]["expiryDays"]
    }
    policy = json.loads(prod.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    objects = f"arn:aws:s3:::{bucket.outputs['bucket']}/alb/AWSLogs/123456789012/*"
    assert by_sid["ElbLogDeliveryService"]["Principal"] == {
        "Service": "logdelivery.elasticloadbalancing.amazonaws.com"
    }
    assert by_sid["ElbLogDeliveryAccount"]["Principal"] == {"AWS": MOCK_ELB_ACCOUNT_ARN}
    for sid in ("ElbLogDeliveryService", "ElbLogDeliveryAccount"):
        assert by_sid[sid]["Action"] == ["s3:PutObject"]
        assert by_sid[sid]["Resource"] == [objects]
    deny = by_sid["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_internal_alb_sits_in_the_private_subnets() -> None:
    config = stack_config("dev")
    config["ecs-platform:loadBalancer"]["internal"] = True
    synthesis = run_program("dev", stack_config=config)
    assert synthesis.one(ALB).inputs["internal"] is True
    assert synthesis.one(ALB).inputs["subnets"] == synthesis.outputs["privateSubnetIds"]


Config = dict[str, Any]


def alb(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:loadBalancer"])


BAD_ALB_CONFIG: list[tuple[str, str, Callable[[Config], Any], list[str]]] = [
    (
        "no certificate and no plain HTTP",
        "dev",
        alb(lambda b: b.update(allowPlainHttp=False)),
        [
            "loadBalancer.certificateArn: required: HTTPS needs a certificate (or a domain; or"
            " set allowPlainHttp: true in development)"
        ],
    ),
    (
        "certificate in another region",
        "prod",
        alb(
            lambda b: b.update(
                certificateArn="arn:aws:acm:us-east-1:123456789012:certificate/abc-123"
            )
        ),
        [
            "loadBalancer.certificateArn: the certificate must be in the stack's region eu-west-1"
            " (aws:region)"
        ],
    ),
    (
        "malformed certificate",
        "prod",
        alb(lambda b: b.update(certificateArn="my-cert")),
        [
            "loadBalancer.certificateArn: 'my-cert' is not an ACM certificate ARN"
            " (arn:aws:acm:<region>:<account>:certificate/)"
        ],
    ),
    (
        "outdated TLS policy",
        "prod",
        alb(lambda b: b.update(sslPolicy="ELBSecurityPolicy-2016-08")),
        [
            "loadBalancer.sslPolicy: Input should be 'ELBSecurityPolicy-TLS13-1-2-2021-06',"
            " 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06' or 'ELBSecurityPolicy-TLS13-1-3-2021-06'"
            " (got 'ELBSecurityPolicy-2016-08')"
        ],
    ),
    (
        "unknown desync mode",
        "dev",
        alb(lambda b: b.update(desyncMitigationMode="monitor")),
        [
            "loadBalancer.desyncMitigationMode: Input should be 'defensive' or 'strictest'"
            " (got 'monitor')"
        ],
    ),
    (
        "production weakened",
        "prod",
        alb(
            lambda b: (
                b.pop("certificateArn"),
                b.update(
                    allowPlainHttp=True, deletionProtection=False, accessLogs={"enabled": False}
                ),
            )
        ),
        [
            "loadBalancer.allowPlainHttp: tier production serves HTTPS only",
            "loadBalancer.deletionProtection: tier production turns deletion protection on",
            "loadBalancer.accessLogs.enabled: tier production keeps access logs",
        ],
    ),
]


@pytest.mark.parametrize(
    ("stack", "change", "expected"),
    [pytest.param(st, change, exp, id=case) for case, st, change, exp in BAD_ALB_CONFIG],
)
def test_bad_load_balancer_config_is_refused(stack, change, expected) -> None:
    assert problems(stack, change) == [f"Pulumi.{stack}.yaml: {line}" for line in expected]
