"""Issue 11, hardened defaults: each one asserted per stack, and the setting that turns it off."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from harness.engine import run_program
from harness.records import Synthesis
from review.plan import build_plan, render_text
from settings.stack_files import read_stack_config

from conftest import FIXTURES, problems

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KEY = "aws:kms/key:Key"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
HTTPS = 443


def stack_config(stack: str, key: str) -> Any:
    return read_stack_config(stack, FIXTURES)[f"ecs-platform:{key}"]


def log_key(synthesis: Synthesis) -> Any:
    return synthesis.one(KEY, "logs-key")


def statements(policy: str) -> dict[str, dict[str, Any]]:
    return {s.get("Sid", ""): s for s in json.loads(policy)["Statement"]}


# -- logs encrypted -------------------------------------------------------------------------
def test_every_log_group_uses_the_environments_rotating_key(synthesis: Synthesis) -> None:
    key = log_key(synthesis)
    assert key.inputs["enableKeyRotation"] is True
    groups = synthesis.of_type(LOG_GROUP)
    assert len(groups) >= 3  # flow logs, exec logs and one per service at least
    for group in groups:
        assert group.inputs.get("kmsKeyId") == key.outputs["arn"], group.name


def test_only_this_accounts_logs_service_in_this_region_may_use_the_key(
    synthesis: Synthesis,
) -> None:
    region = read_stack_config(synthesis.stack, FIXTURES)["aws:region"]
    account = synthesis.outputs["clusterArn"].split(":")[4]
    policy = statements(log_key(synthesis).inputs["policy"])
    logs = policy["CloudWatchLogsOfThisAccount"]
    assert logs["Principal"] == {"Service": f"logs.{region}.amazonaws.com"}
    assert logs["Condition"] == {
        "ArnLike": {
            "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:*"
        }
    }
    assert not any(action.endswith("*") for action in logs["Action"])
    assert policy["AccountAdministersKey"]["Principal"] == {"AWS": f"arn:aws:iam::{account}:root"}
    assert set(policy) == {"CloudWatchLogsOfThisAccount", "AccountAdministersKey"}


def test_log_encryption_false_turns_the_key_off_outside_production() -> None:
    config = read_stack_config("dev", FIXTURES)
    config["ecs-platform:logEncryption"] = False
    synthesis = run_program("dev", stack_config=config)
    assert [k.name for k in synthesis.of_type(KEY)] == ["notifications-key"]
    assert all("kmsKeyId" not in g.inputs for g in synthesis.of_type(LOG_GROUP))
    exec_config = cluster_exec_configuration(synthesis)
    assert "kmsKeyId" not in exec_config
    assert exec_config["logConfiguration"]["cloudWatchEncryptionEnabled"] is False


def test_production_refuses_to_turn_log_encryption_off() -> None:
    assert problems("prod", lambda c: c.update({"ecs-platform:logEncryption": False})) == [
        "Pulumi.prod.yaml: logEncryption: tier production encrypts log groups and exec sessions"
        " with its key"
    ]


# -- ECS Exec configured --------------------------------------------------------------------
def cluster_exec_configuration(synthesis: Synthesis) -> dict[str, Any]:
    cluster = synthesis.one("aws:ecs/cluster:Cluster")
    return cluster.inputs["configuration"]["executeCommandConfiguration"]


def test_exec_sessions_are_encrypted_with_the_key_and_logged_to_the_exec_group(
    synthesis: Synthesis,
) -> None:
    configuration = cluster_exec_configuration(synthesis)
    exec_group = synthesis.one(LOG_GROUP, "cluster-exec-logs")
    assert configuration["kmsKeyId"] == log_key(synthesis).outputs["arn"]
    assert configuration["logging"] == "OVERRIDE"
    assert configuration["logConfiguration"] == {
        "cloudWatchLogGroupName": exec_group.inputs["name"],
        "cloudWatchEncryptionEnabled": True,
    }


def test_only_exec_enabled_task_roles_may_decrypt_sessions_with_the_key(
    synthesis: Synthesis,
) -> None:
    key_arn = log_key(synthesis).outputs["arn"]
    services = stack_config(synthesis.stack, "services")
    for name, service in services.items():
        policy = synthesis.one("aws:iam/rolePolicy:RolePolicy", f"{name}-task")
        decrypt = statements(policy.inputs["policy"]).get("EcsExecDecryptSession")
        if service.get("execEnabled"):
            assert decrypt == {
                "Sid": "EcsExecDecryptSession",
                "Effect": "Allow",
                "Action": ["kms:Decrypt"],
                "Resource": [key_arn],
            }
        else:
            assert decrypt is None, name
    assert any(s.get("execEnabled") for s in stack_config("dev", "services").values())


# -- WAF ------------------------------------------------------------------------------------
def test_prod_alb_has_a_web_acl_with_managed_rules_and_the_configured_rate_limit(
    synthesized,
) -> None:
    prod = synthesized("prod")
    waf = stack_config("prod", "loadBalancer")["waf"]
    acl = prod.one(WEB_ACL)
    rules = sorted(acl.inputs["rules"], key=lambda rule: rule["priority"])
    managed = [r["statement"]["managedRuleGroupStatement"] for r in rules[:-1]]
    assert {(m["vendorName"], m["name"]) for m in managed} == {
        ("AWS", "AWSManagedRulesCommonRuleSet"),
        ("AWS", "AWSManagedRulesKnownBadInputsRuleSet"),
        ("AWS", "AWSManagedRulesAmazonIpReputationList"),
    }
    assert all(r["overrideAction"] == {"none": {}} for r in rules[:-1])
    rate = rules[-1]
    assert rate["statement"]["rateBasedStatement"] == {
        "limit": waf["rateLimit"],
        "aggregateKeyType": "IP",
    }
    assert rate["action"] == {"block": {}}
    assert acl.inputs["scope"] == "REGIONAL"
    association = prod.one("aws:wafv2/webAclAssociation:WebAclAssociation")
    assert association.inputs["resourceArn"] == prod.one("aws:lb/loadBalancer:LoadBalancer").id
    assert association.inputs["webAclArn"] == acl.outputs["arn"]


def test_prod_waf_logs_to_an_aws_waf_logs_group_without_credentials(synthesized) -> None:
    prod = synthesized("prod")
    waf = stack_config("prod", "loadBalancer")["waf"]
    group = prod.one(LOG_GROUP, "alb-waf-logs")
    assert group.inputs["name"].startswith("aws-waf-logs-")
    assert group.inputs["retentionInDays"] == waf["logRetentionDays"]
    logging = prod.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    assert logging.inputs["logDestinationConfigs"] == [group.outputs["arn"]]
    redacted = {f["singleHeader"]["name"] for f in logging.inputs["redactedFields"]}
    assert redacted == {"authorization", "cookie"}
    text = render_text(build_plan(prod))
    assert "AWSManagedRulesCommonRuleSet" in text
    assert f"rate-limit-per-ip: block over {waf['rateLimit']} per IP" in text


def test_waf_enabled_false_turns_it_off_outside_production(synthesized) -> None:
    assert stack_config("dev", "loadBalancer")["waf"]["enabled"] is False
    assert synthesized("dev").of_type(WEB_ACL) == []
    assert problems(
        "prod", lambda c: c["ecs-platform:loadBalancer"]["waf"].update(enabled=False)
    ) == [
        "Pulumi.prod.yaml: loadBalancer.waf.enabled: tier production puts a web ACL on a public"
        " load balancer"
    ]


def test_waf_rate_limit_below_the_aws_minimum_is_refused() -> None:
    lines = problems("prod", lambda c: c["ecs-platform:loadBalancer"]["waf"].update(rateLimit=9))
    assert len(lines) == 1
    assert lines[0].startswith("Pulumi.prod.yaml: loadBalancer.waf.rateLimit:")


# -- task egress ----------------------------------------------------------------------------
def task_groups(synthesis: Synthesis) -> dict[str, Any]:
    services = stack_config(synthesis.stack, "services")
    return {name: synthesis.one(SECURITY_GROUP, f"{name}-sg") for name in services}


def test_tasks_reach_https_anywhere_and_only_the_vpc_otherwise(synthesis: Synthesis) -> None:
    vpc = ipaddress.IPv4Network(stack_config(synthesis.stack, "network")["cidr"])
    for name, group in task_groups(synthesis).items():
        allowed = {
            (r["protocol"], r["fromPort"], r["toPort"], tuple(r["cidrBlocks"]))
            for r in group.inputs["egress"]
        }
        assert allowed == {("tcp", HTTPS, HTTPS, ("0.0.0.0/0",)), ("-1", 0, 0, (str(vpc),))}, name


def test_a_service_widens_egress_explicitly_and_the_plan_shows_it() -> None:
    config = read_stack_config("dev", FIXTURES)
    config["ecs-platform:services"]["worker"]["egress"] = [
        {"description": "PostgreSQL at the partner", "fromPort": 5432, "cidrs": ["203.0.113.0/24"]},
        {
            "description": "NTP",
            "protocol": "udp",
            "fromPort": 123,
            "prefixListIds": ["pl-0123456789abcdef0"],
        },
    ]
    synthesis = run_program("dev", stack_config=config)
    egress = synthesis.one(SECURITY_GROUP, "worker-sg").inputs["egress"]
    assert egress[2:] == [
        {
            "description": "PostgreSQL at the partner",
            "protocol": "tcp",
            "fromPort": 5432,
            "toPort": 5432,
            "cidrBlocks": ["203.0.113.0/24"],
        },
        {
            "description": "NTP",
            "protocol": "udp",
            "fromPort": 123,
            "toPort": 123,
            "prefixListIds": ["pl-0123456789abcdef0"],
        },
    ]
    text = render_text(build_plan(synthesis))
    assert "tcp/5432 203.0.113.0/24" in text
    assert "udp/123 pl-0123456789abcdef0" in text
    vpc = stack_config("dev", "network")["cidr"]
    assert f"egress: tcp/443 0.0.0.0/0, all {vpc}, tcp/5432 203.0.113.0/24, udp/123 pl-" in text


def test_an_egress_entry_must_say_where() -> None:
    def change(config: dict[str, Any]) -> None:
        config["ecs-platform:services"]["worker"]["egress"] = [
            {"description": "somewhere", "fromPort": 5432}
        ]

    assert problems("dev", change) == [
        "Pulumi.dev.yaml: services.worker.egress[0]: give cidrs or prefixListIds (where the tasks"
        " connect)"
    ]


# -- access-log bucket ----------------------------------------------------------------------
def test_prod_access_log_bucket_is_versioned_and_cleans_up_after_itself(synthesized) -> None:
    prod = synthesized("prod")
    bucket = prod.one("aws:s3/bucket:Bucket", "alb-access-logs")
    versioning = prod.one("aws:s3/bucketVersioning:BucketVersioning", "alb-access-logs")
    assert versioning.inputs["bucket"] == bucket.id
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}
    lifecycle = prod.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    (rule,) = lifecycle.inputs["rules"]
    assert rule["status"] == "Enabled"
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] > 0
    assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] > 0
    # dev has no access logs (accessLogs.enabled false), so no bucket to harden
    assert synthesized("dev").of_type("aws:s3/bucket:Bucket") == []


# -- no data lost by a rename in production ---------------------------------------------------
DATA_HOLDING = (
    "aws:ecr/repository:Repository",
    LOG_GROUP,
    "aws:s3/bucket:Bucket",
    KEY,
)


def test_production_protects_every_resource_that_holds_data_or_history(synthesized) -> None:
    prod = synthesized("prod")
    holding = [r for r in prod.resources if r.type in DATA_HOLDING]
    assert [r.name for r in holding if not (r.protect or r.retain_on_delete)] == []
    assert len(holding) >= 10
    for key in prod.of_type(KEY):
        assert key.inputs["deletionWindowInDays"] == 30, key.name


def test_key_deletion_window_is_30_days_in_production_and_7_elsewhere(synthesized) -> None:
    assert log_key(synthesized("prod")).inputs["deletionWindowInDays"] == 30
    assert log_key(synthesized("dev")).inputs["deletionWindowInDays"] == 7
    assert not [r.name for r in synthesized("dev").resources if r.protect]
