"""Every policy: a recorded prod resource changed to break it is reported; a compliant one not."""

from __future__ import annotations

from typing import Any

import pytest
from ecs_platform_policies.catalog import RULES_BY_NAME, context_for
from ecs_platform_policies.model import Resource
from managed_cases import PROVIDER, TASK, with_managed_pool
from policy_cases import (
    ASG,
    BUCKET,
    KEY,
    KEY_ARN,
    LB,
    LIFECYCLE,
    LISTENER,
    LOGS,
    LT,
    REPO,
    ROLE_POLICY,
    RULE,
    SG,
    SSE,
    SSH,
    SVC,
    TD,
    WORLD_HTTPS,
    WORLD_UDP,
    Case,
    abort_uploads,
    drop,
    edit,
    protect,
    remover,
    setter,
    shifting,
    td,
    with_policy,
)
from policy_offline import policy_resources

STAR = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
CASES: dict[str, Case] = {
    "ecs-2-16-no-public-ip": Case(
        (SVC, "api"), edit(SVC, "api", setter("networkConfiguration", "assignPublicIp", value=True))
    ),
    "ecs-3-no-host-pid": Case(
        (TD, "api-task"), edit(TD, "api-task", setter("pidMode", value="host"))
    ),
    "ecs-4-not-privileged": Case((TD, "api-task"), td(setter("privileged", value=True))),
    "ecs-5-read-only-root-filesystem": Case(
        (TD, "api-task"), td(setter("readonlyRootFilesystem", value=False))
    ),
    "ecs-8-no-secrets-in-environment": Case(
        (TD, "api-task"),
        td(lambda c: c["environment"].append({"name": "DB_PASSWORD", "value": "hunter2"})),
    ),
    "ecs-9-log-configuration": Case((TD, "api-task"), td(remover("logConfiguration"))),
    "ecs-10-fargate-latest-platform": Case(
        (SVC, "api"), edit(SVC, "api", setter("platformVersion", value="1.3.0"))
    ),
    "ecs-12-container-insights": Case(
        ("aws:ecs/cluster:Cluster", "cluster"),
        edit(
            "aws:ecs/cluster:Cluster",
            "cluster",
            setter("settings", value=[{"name": "containerInsights", "value": "disabled"}]),
        ),
    ),
    "ecs-17-no-host-network": Case(
        (TD, "api-task"), edit(TD, "api-task", setter("networkMode", value="host"))
    ),
    "ecs-18-efs-transit-encryption": Case(
        (TD, "api-task"),
        edit(
            TD,
            "api-task",
            setter(
                "volumes",
                value=[{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}],
            ),
        ),
    ),
    "ecs-19-managed-termination-protection": Case(
        ("aws:ecs/capacityProvider:CapacityProvider", "cluster-general"),
        edit(
            "aws:ecs/capacityProvider:CapacityProvider",
            "cluster-general",
            setter("autoScalingGroupProvider", "managedTerminationProtection", value="DISABLED"),
        ),
    ),
    "ecs-20-non-root-user": Case((TD, "api-task"), td(remover("user"))),
    "ecs-exec-sessions-encrypted": Case(
        ("aws:ecs/cluster:Cluster", "cluster"),
        edit("aws:ecs/cluster:Cluster", "cluster", remover("configuration")),
        edit(
            "aws:ecs/cluster:Cluster",
            "cluster",
            setter(
                "configuration",
                value={
                    "executeCommandConfiguration": {
                        "kmsKeyId": KEY_ARN,
                        "logging": "OVERRIDE",
                        "logConfiguration": {
                            "cloudWatchLogGroupName": "/x",
                            "cloudWatchEncryptionEnabled": True,
                        },
                    }
                },
            ),
        ),
    ),
    "ecs-circuit-breaker-rollback": Case(
        (SVC, "api"), edit(SVC, "api", setter("deploymentCircuitBreaker", "rollback", value=False))
    ),
    # api switched to canary (circuit breaker off, as the component does): its default alarms
    # keep it compliant; without them it is reported.
    "ecs-progressive-deployment-alarms": Case(
        (SVC, "api"),
        edit(SVC, "api", setter("alarms", "alarmNames", value=[])),
        edit(SVC, "api", setter("deploymentConfiguration", "strategy", value="CANARY")),
    ),
    "ecs-progressive-rule-forward-only": Case(
        (RULE, "api-route"),
        edit(
            RULE, "api-route", setter("actions", value=[{"type": "forward"}, {"type": "redirect"}])
        ),
        shifting("api"),
    ),
    "ecr-1-scan-on-push": Case(
        (REPO, "registry-api"),
        edit(REPO, "registry-api", setter("imageScanningConfiguration", "scanOnPush", value=False)),
    ),
    "ecr-2-immutable-tags": Case(
        (REPO, "registry-api"),
        edit(REPO, "registry-api", setter("imageTagMutability", value="MUTABLE")),
    ),
    "ecr-3-lifecycle-policy": Case(
        (REPO, "registry-api"), drop("aws:ecr/lifecyclePolicy:LifecyclePolicy", "registry-api")
    ),
    "elb-1-http-redirects-to-https": Case(
        (LISTENER, "alb-http"),
        edit(LISTENER, "alb-http", setter("defaultActions", value=[{"type": "forward"}])),
    ),
    "elb-4-drop-invalid-headers": Case(
        (LB, "alb"), edit(LB, "alb", setter("dropInvalidHeaderFields", value=False))
    ),
    "elb-5-access-logs": Case(
        (LB, "alb"), edit(LB, "alb", setter("accessLogs", "enabled", value=False))
    ),
    "elb-6-deletion-protection": Case(
        (LB, "alb"), edit(LB, "alb", setter("enableDeletionProtection", value=False))
    ),
    "elb-12-desync-mitigation": Case(
        (LB, "alb"), edit(LB, "alb", setter("desyncMitigationMode", value="monitor"))
    ),
    "elb-13-multiple-azs": Case((LB, "alb"), edit(LB, "alb", setter("subnets", value=["s-1"]))),
    "elb-17-recommended-tls-policy": Case(
        (LISTENER, "alb-https"),
        edit(LISTENER, "alb-https", setter("sslPolicy", value="ELBSecurityPolicy-2016-08")),
    ),
    "elb-18-secure-protocols": Case(
        (LISTENER, "alb-https"), edit(LISTENER, "alb-https", setter("protocol", value="HTTP"))
    ),
    "ec2-2-default-sg-closed": Case(
        ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "network-default-sg"),
        edit(
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
            "network-default-sg",
            setter("ingress", value=[SSH]),
        ),
    ),
    "ec2-8-170-imdsv2": Case(
        (LT, "cluster-general"),
        edit(LT, "cluster-general", setter("metadataOptions", "httpTokens", value="optional")),
    ),
    "ec2-9-25-15-no-public-ip": Case(
        (LT, "cluster-general"),
        edit(
            LT,
            "cluster-general",
            setter("networkInterfaces", value=[{"associatePublicIpAddress": "true"}]),
        ),
    ),
    "ec2-18-19-restricted-ingress": Case(
        (SG, "alb-sg"),
        edit(SG, "alb-sg", lambda p: p["ingress"].append(SSH)),
        edit(
            SG,
            "alb-sg",
            lambda p: p.update(ingress=[i for i in p["ingress"] if i["fromPort"] == 443]),
        ),
    ),
    "ec2-181-encrypted-volumes": Case(
        (LT, "cluster-general"),
        edit(
            LT,
            "cluster-general",
            lambda p: p["blockDeviceMappings"][0]["ebs"].update(encrypted="false"),
        ),
    ),
    "task-sg-ingress-from-security-groups": Case(
        ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "api-from-alb"),
        edit(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "api-from-alb",
            lambda p: p.update(referencedSecurityGroupId=None, cidrIpv4="10.0.0.0/8"),
        ),
    ),
    "task-sg-egress-restricted": Case(
        (SG, "api-sg"),
        edit(SG, "api-sg", setter("egress", value=WORLD_UDP)),
        edit(SG, "api-sg", setter("egress", value=WORLD_HTTPS)),
    ),
    "autoscaling-1-elb-health-checks": Case(
        (ASG, "cluster-general"),
        edit(ASG, "cluster-general", setter("targetGroupArns", value=["arn:tg"])),
    ),
    "autoscaling-2-multiple-azs": Case(
        (ASG, "cluster-general"),
        edit(ASG, "cluster-general", setter("vpcZoneIdentifiers", value=["subnet-1"])),
    ),
    "autoscaling-6-multiple-instance-types": Case(
        (ASG, "cluster-general"),
        edit(
            ASG,
            "cluster-general",
            lambda p: p["mixedInstancesPolicy"]["launchTemplate"].update(
                overrides=[{"instanceType": "m7g.large"}]
            ),
        ),
    ),
    "autoscaling-9-launch-template": Case(
        (ASG, "cluster-general"),
        edit(
            ASG,
            "cluster-general",
            lambda p: p.update(mixedInstancesPolicy=None, launchConfiguration="old-lc"),
        ),
    ),
    "iam-1-21-no-wildcard-actions": Case(
        (ROLE_POLICY, "api-task"), edit(ROLE_POLICY, "api-task", with_policy(STAR))
    ),
    "iam-role-no-policy-management-conflicts": Case(
        (ROLE_POLICY, "api-task"),
        edit(
            "aws:iam/role:Role",
            "api-task",
            setter("managedPolicyArns", value=["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
        ),
    ),
    "kms-4-key-rotation": Case(
        (KEY, "notifications-key"),
        edit(KEY, "notifications-key", setter("enableKeyRotation", value=False)),
    ),
    "kms-production-deletion-window": Case(
        (KEY, "notifications-key"),
        edit(KEY, "notifications-key", setter("deletionWindowInDays", value=7)),
    ),
    "sns-1-kms-encryption": Case(
        ("aws:sns/topic:Topic", "notifications-alarms"),
        edit("aws:sns/topic:Topic", "notifications-alarms", remover("kmsMasterKeyId")),
    ),
    "cloudwatch-15-17-alarm-actions": Case(
        ("aws:cloudwatch/metricAlarm:MetricAlarm", "api-alarm-cpu-high"),
        edit(
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "api-alarm-cpu-high",
            setter("actionsEnabled", value=False),
        ),
    ),
    "cloudwatch-16-log-retention-one-year": Case(
        (LOGS, "api-logs"), edit(LOGS, "api-logs", setter("retentionInDays", value=30))
    ),
    "log-group-retention-set": Case(
        (LOGS, "api-logs"), edit(LOGS, "api-logs", remover("retentionInDays"))
    ),
    "log-group-kms-encrypted": Case(
        (LOGS, "api-logs"),
        edit(LOGS, "api-logs", setter("kmsKeyId", value="")),
        edit(LOGS, "api-logs", setter("kmsKeyId", value=KEY_ARN)),
    ),
    "s3-bucket-kms-encryption": Case(
        (SSE, "alb-access-logs"),
        edit(
            SSE,
            "alb-access-logs",
            lambda p: p["rules"][0]["applyServerSideEncryptionByDefault"].update(
                sseAlgorithm="AES256"
            ),
        ),
        edit(
            SSE,
            "alb-access-logs",
            lambda p: p["rules"][0]["applyServerSideEncryptionByDefault"].update(
                sseAlgorithm="aws:kms"
            ),
        ),
    ),
    "production-data-protected": Case((REPO, "registry-api"), protect(REPO, "registry-api", False)),
    "s3-bucket-public-access-blocked": Case(
        (BUCKET, "alb-access-logs"),
        edit(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "alb-access-logs",
            setter("blockPublicPolicy", value=False),
        ),
    ),
    "s3-bucket-versioning": Case(
        (BUCKET, "alb-access-logs"),
        drop("aws:s3/bucketVersioning:BucketVersioning", "alb-access-logs"),
    ),
    "s3-lifecycle-aborts-incomplete-uploads": Case(
        (BUCKET, "alb-access-logs"),
        edit(LIFECYCLE, "alb-access-logs", lambda p: p["rules"][0].update(status="Disabled")),
        edit(LIFECYCLE, "alb-access-logs", abort_uploads),
    ),
    "s3-bucket-logging-enabled": Case(
        (BUCKET, "alb-access-logs"),
        edit(BUCKET, "alb-access-logs", remover("logging")),
        edit(BUCKET, "alb-access-logs", setter("logging", value={"targetBucket": "logs"})),
    ),
    "security-group-no-rule-management-conflicts": Case(
        ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "api-from-alb"),
        edit(SG, "api-sg", setter("ingress", value=[WORLD_HTTPS[0]])),
    ),
    "alb-web-acl": Case(
        (LB, "alb"),
        drop("aws:wafv2/webAclAssociation:WebAclAssociation", "alb-waf"),
    ),
    "ec2-6-vpc-flow-logs": Case(
        ("awsx:ec2:Vpc", "network-vpc"), drop("aws:ec2/flowLog:FlowLog", "network-flow-log")
    ),
    "managed-instances-private-subnets": Case(
        PROVIDER,
        lambda rs: edit(
            *PROVIDER,
            setter(
                "managedInstancesProvider",
                "instanceLaunchTemplate",
                "networkConfiguration",
                "subnets",
                value=next(r for r in rs if r.type == LB).props["subnets"],
            ),
        )(rs),
        with_managed_pool,
    ),
    "managed-instances-awsvpc": Case(
        TASK, edit(*TASK, setter("networkMode", value="host")), with_managed_pool
    ),
}


def flagged(policy: str, resources: list[Resource]) -> set[tuple[str, str]]:
    rule = RULES_BY_NAME[policy]
    return {(r.type, r.name) for r, _ in rule.findings(resources, context_for(rule, None))}


@pytest.fixture(scope="module")
def prod_resources(synthesized: Any) -> list[Resource]:
    return policy_resources(synthesized("prod"))


def test_every_policy_has_a_case() -> None:
    from job_cases import JOB_CASES  # on the jobs fixture: test_job_policies.py
    from queue_cases import QUEUE_CASES  # on the queues fixture: test_queue_policy_rules.py
    from storage_cases import STORAGE_CASES  # on the existing fixture: test_storage_policy_rules

    assert set(CASES) | set(QUEUE_CASES) | set(JOB_CASES) | set(STORAGE_CASES) == set(RULES_BY_NAME)


@pytest.mark.parametrize("policy", sorted(CASES))
def test_compliant_resource_passes(policy: str, prod_resources: list[Resource]) -> None:
    case = CASES[policy]
    compliant = case.fixes(prod_resources) if case.fixes else prod_resources
    assert case.flagged in {(r.type, r.name) for r in compliant}
    assert case.flagged not in flagged(policy, compliant)


@pytest.mark.parametrize("policy", sorted(CASES))
def test_broken_resource_is_reported(policy: str, prod_resources: list[Resource]) -> None:
    case = CASES[policy]
    compliant = case.fixes(prod_resources) if case.fixes else prod_resources
    assert case.flagged in flagged(policy, case.breaks(compliant))
