"""Services as declared in the stack files: tasks, roles, networking, routing, deploys."""

from __future__ import annotations

from service_helpers import INGRESS, SERVICE, TASK, containers, policy, services

from harness.engine import RecordedResource, run_program
from harness.records import Synthesis

from conftest import fixture_config as stack_config


def test_every_declared_service_exists(stack: str, synthesis: Synthesis) -> None:
    assert sorted(s.name for s in synthesis.of_type(SERVICE)) == sorted(services(stack))
    assert synthesis.outputs["serviceNames"] == {n: n for n in services(stack)}


def test_task_security_group_admits_only_the_alb_on_the_container_port(stack, synthesis):
    alb_group = synthesis.one("aws:ec2/securityGroup:SecurityGroup", "alb-sg").outputs["id"]
    for name, declared in services(stack).items():
        group = synthesis.one("aws:ec2/securityGroup:SecurityGroup", f"{name}-sg")
        assert "ingress" not in group.inputs  # only the explicit rules below
        rules = [
            r.inputs
            for r in synthesis.of_type(INGRESS)
            if r.inputs["securityGroupId"] == group.outputs["id"]
        ]
        if declared.get("routing"):
            assert rules == [
                {
                    "securityGroupId": group.outputs["id"],
                    "referencedSecurityGroupId": alb_group,
                    "ipProtocol": "tcp",
                    "fromPort": declared["port"],
                    "toPort": declared["port"],
                    "description": "container port from the load balancer",
                    "tags": rules[0]["tags"],
                }
            ]
        else:
            assert rules == []


def test_tasks_run_in_private_subnets_without_public_ips(synthesis: Synthesis) -> None:
    for service in synthesis.of_type(SERVICE):
        network = service.inputs["networkConfiguration"]
        assert network["assignPublicIp"] is False
        assert network["subnets"] == synthesis.outputs["privateSubnetIds"]


def test_every_container_logs_to_its_service_group_with_its_retention(stack, synthesis):
    for name, declared in services(stack).items():
        group = synthesis.one("aws:cloudwatch/logGroup:LogGroup", f"{name}-logs").inputs
        assert group["name"] == f"/ecs-platform/{stack}/services/{name}"
        assert group["retentionInDays"] == declared["logRetentionDays"]
        for container in containers(synthesis, name):
            assert container["logConfiguration"] == {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": group["name"],
                    "awslogs-region": "eu-west-1",
                    "awslogs-stream-prefix": container["name"],
                },
            }


def test_containers_are_locked_down(stack: str, synthesis: Synthesis) -> None:
    for name, declared in services(stack).items():
        (main,) = containers(synthesis, name)
        assert main["readonlyRootFilesystem"] is declared.get("readOnlyRootFilesystem", True)
        assert main["user"] == "1000:1000"
        assert main["privileged"] is False
        assert main["stopTimeout"] == 30
        scratch = [m["containerPath"] for m in main.get("mountPoints", [])]
        assert scratch == declared.get("writablePaths", [])
        assert main["environment"] == [
            {"name": k, "value": v} for k, v in sorted(declared.get("environment", {}).items())
        ]
        assert main["secrets"] == [
            {"name": k, "valueFrom": v} for k, v in sorted(declared.get("secrets", {}).items())
        ]


def test_every_task_gets_its_own_execution_role_distinct_from_its_task_role(stack, synthesis):
    for name in services(stack):
        task = synthesis.one(TASK, f"{name}-task").inputs
        execution = synthesis.one("aws:iam/role:Role", f"{name}-execution").outputs["arn"]
        role = synthesis.one("aws:iam/role:Role", f"{name}-task").outputs["arn"]
        assert task["executionRoleArn"] == execution
        assert task["taskRoleArn"] == role
        assert execution != role
        assert task["networkMode"] == "awsvpc"


def test_execution_role_reads_exactly_the_declared_secrets(stack, synthesis) -> None:
    for name, declared in services(stack).items():
        statements = {s["Sid"]: s for s in policy(synthesis, f"{name}-execution")}
        secrets = declared.get("secrets", {}).values()
        ssm = sorted(a for a in secrets if ":ssm:" in a)
        manager = sorted(a for a in secrets if ":secretsmanager:" in a)
        assert statements.get("ReadDeclaredParameters", {}).get("Resource", []) == ssm
        assert statements.get("ReadDeclaredSecrets", {}).get("Resource", []) == manager
        repository = synthesis.one("aws:ecr/repository:Repository", f"registry-{name}")
        assert statements["PullOwnImage"]["Resource"] == [repository.outputs["arn"]]
        group = synthesis.one("aws:cloudwatch/logGroup:LogGroup", f"{name}-logs")
        assert statements["WriteOwnLogs"]["Resource"] == [f"{group.outputs['arn']}:*"]
        allowed = {a for s in statements.values() for a in s["Action"]}
        assert allowed <= {
            "logs:CreateLogStream", "logs:PutLogEvents", "ecr:GetAuthorizationToken",
            "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
            "ssm:GetParameters", "secretsmanager:GetSecretValue", "kms:Decrypt",
        }  # fmt: skip


def test_task_role_has_exactly_the_declared_permissions(stack, synthesis) -> None:
    for name, declared in services(stack).items():
        statements = policy(synthesis, f"{name}-task")
        declared_statements = [s for s in statements if s["Sid"].startswith("Declared")]
        assert [(s["Action"], s["Resource"]) for s in declared_statements] == [
            (sorted(p["actions"]), p["resources"]) for p in declared.get("permissions", [])
        ]
        exec_actions = {a for s in statements for a in s["Action"] if a.startswith("ssmmessages:")}
        assert bool(exec_actions) is declared.get("execEnabled", False)
        service = synthesis.one(SERVICE, name).inputs
        assert service["enableExecuteCommand"] is declared.get("execEnabled", False)


def test_deploys_roll_back_on_failure(synthesis: Synthesis) -> None:
    for service in synthesis.of_type(SERVICE):
        assert service.inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
        assert service.inputs["deploymentMinimumHealthyPercent"] == 100
        assert service.inputs["deploymentMaximumPercent"] == 200


def test_scaled_services_leave_the_count_to_the_scaler(stack, synthesis) -> None:
    for name, declared in services(stack).items():
        service = synthesis.one(SERVICE, name)
        assert service.inputs["desiredCount"] == declared["desiredCount"]
        assert service.ignore_changes == (["desiredCount"] if declared.get("scaling") else [])


def test_routed_service_has_target_group_and_rule(stack: str, synthesis: Synthesis) -> None:
    declared = services(stack)["api"]
    group = synthesis.one("aws:lb/targetGroup:TargetGroup", "api-tg")
    assert group.inputs["targetType"] == "ip"
    assert group.inputs["port"] == declared["port"]
    assert group.inputs["deregistrationDelay"] == 30
    assert group.inputs["healthCheck"] == {
        "enabled": True,
        "path": declared["healthCheck"]["path"],
        "matcher": "200-399",
        "interval": 10,
        "timeout": 5,
        "healthyThreshold": 2,
        "unhealthyThreshold": 3,
    }
    rule = synthesis.one("aws:lb/listenerRule:ListenerRule", "api-route").inputs
    listener_ports = {
        r.outputs["arn"]: r.inputs["port"] for r in synthesis.of_type("aws:lb/listener:Listener")
    }
    assert listener_ports[rule["listenerArn"]] == (443 if stack == "prod" else 80)
    assert rule["priority"] == declared["routing"]["priority"]
    assert rule["conditions"] == [{"pathPattern": {"values": declared["routing"]["pathPatterns"]}}]
    assert rule["actions"] == [{"type": "forward", "targetGroupArn": group.outputs["arn"]}]
    service = synthesis.one(SERVICE, "api")
    assert service.inputs["loadBalancers"] == [
        {"targetGroupArn": group.outputs["arn"], "containerName": "api", "containerPort": 8080}
    ]
    assert service.inputs["healthCheckGracePeriodSeconds"] == 60
    assert rule_urn(synthesis) in service.dependencies


def rule_urn(synthesis: Synthesis) -> str:
    return synthesis.one("aws:lb/listenerRule:ListenerRule", "api-route").urn


def test_worker_without_route_is_reachable_through_service_connect(synthesis) -> None:
    namespace = synthesis.one("aws:servicediscovery/httpNamespace:HttpNamespace")
    cluster = synthesis.one("aws:ecs/cluster:Cluster").inputs
    assert cluster["serviceConnectDefaults"] == {"namespace": namespace.outputs["arn"]}
    worker = synthesis.one(SERVICE, "worker").inputs
    assert "loadBalancers" not in worker
    assert worker["serviceConnectConfiguration"] == {
        "enabled": True,
        "namespace": namespace.outputs["arn"],
    }
    api = synthesis.one(SERVICE, "api").inputs["serviceConnectConfiguration"]
    assert api["services"] == [
        {
            "portName": "http",
            "discoveryName": "api",
            "clientAlias": [{"port": 8080, "dnsName": "api"}],
        }
    ]
    (main,) = containers(synthesis, "api")
    assert main["portMappings"][0]["name"] == "http"


def test_capacity_follows_the_service_setting(synthesized) -> None:
    dev = synthesized("dev")
    assert dev.one(SERVICE, "api").inputs["capacityProviderStrategies"] == [
        {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}
    ]
    assert dev.one(TASK, "api-task").inputs["requiresCompatibilities"] == ["FARGATE"]
    assert dev.one(SERVICE, "api").inputs["platformVersion"] == "LATEST"
    worker = dev.one(SERVICE, "worker").inputs
    assert worker["capacityProviderStrategies"] == [
        {"capacityProvider": "general-ecs-platform-dev", "weight": 1, "base": 0}
    ]
    assert dev.one(TASK, "worker-task").inputs["requiresCompatibilities"] == ["EC2"]
    assert dev.one(TASK, "worker-task").inputs["runtimePlatform"] == {
        "operatingSystemFamily": "LINUX",
        "cpuArchitecture": "ARM64",
    }
    assert worker["orderedPlacementStrategies"] == [
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "spread", "field": "instanceId"},
    ]
    assert "platformVersion" not in worker
    # capacity "default": the cluster's default strategy, written out so the plan shows it
    prod = synthesized("prod")
    assert (
        prod.one(SERVICE, "api").inputs["capacityProviderStrategies"]
        == (
            prod.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders").inputs[
                "defaultCapacityProviderStrategies"
            ]
        )
    )


def test_services_wait_for_the_capacity_providers(synthesis: Synthesis) -> None:
    association = synthesis.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
    for service in synthesis.of_type(SERVICE):
        assert service.inputs["cluster"] == association.outputs["clusterName"]
        assert association.urn in service.dependencies
        assert service.inputs["forceNewDeployment"] is True


def test_allow_from_adds_a_rule_from_the_peer_group_only() -> None:
    config = stack_config("dev")
    config["ecs-platform:services"]["worker"]["port"] = 9000
    config["ecs-platform:services"]["worker"]["allowFrom"] = ["api"]
    synthesis = run_program("dev", stack_config=config)
    api_group = synthesis.one("aws:ec2/securityGroup:SecurityGroup", "api-sg").outputs["id"]
    worker_group = synthesis.one("aws:ec2/securityGroup:SecurityGroup", "worker-sg").outputs["id"]
    rule = synthesis.one(INGRESS, "peering-api-to-worker").inputs
    assert (rule["securityGroupId"], rule["referencedSecurityGroupId"]) == (worker_group, api_group)
    assert (rule["fromPort"], rule["toPort"]) == (9000, 9000)
    assert sorted(r.name for r in synthesis.of_type(INGRESS)) == [
        "api-from-alb",
        "peering-api-to-worker",
    ]


def test_listener_priorities_are_stable_when_a_service_is_added_first(synthesized) -> None:
    before = synthesized("dev")
    config = stack_config("dev")
    config["ecs-platform:services"] = {
        "admin": {
            "image": {"repository": "admin", "tag": "1"},
            "port": 8080,
            "routing": {"pathPatterns": ["/admin/*"], "priority": 5},
            "logRetentionDays": 14,
        },
        **config["ecs-platform:services"],
    }
    after = run_program("dev", stack_config=config)

    def rule(synthesis: Synthesis, name: str) -> RecordedResource:
        return synthesis.one("aws:lb/listenerRule:ListenerRule", f"{name}-route")

    assert rule(after, "api").urn == rule(before, "api").urn
    assert rule(after, "api").inputs["priority"] == rule(before, "api").inputs["priority"] == 10
    assert rule(after, "admin").inputs["priority"] == 5
    unchanged = {r.urn: r.inputs for r in before.resources if r.name.startswith("api")}
    assert {r.urn: r.inputs for r in after.resources if r.name.startswith("api")} == unchanged
