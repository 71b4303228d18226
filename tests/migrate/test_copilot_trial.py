"""Cases a Copilot user's trial of the import found: a job's timeout and retries mean other
things here, a task definition rule that has a counterpart, FIFO topics' names, and two
applications imported into one account."""

from __future__ import annotations

from pathlib import Path

import yaml
from copilot_helpers import copilot_text, copy_shop, entries, imported, workspace, written

from cli.app import main

ENV = {"test": copilot_text("environment-import-vpc.yml")}
JOB = "scheduled-job-fully-specified-placement.yml"


def job_with(tmp_path: Path, **fields: object) -> tuple[dict, dict]:
    body = yaml.safe_load(copilot_text(JOB).replace("\non:", '\n"on":'))
    body.update(fields)
    result = imported(workspace(tmp_path, {body["name"]: yaml.safe_dump(body)}, ENV))
    return written(result, f"jobs/{body['name']}.yaml"), entries(
        result, f"copilot/{body['name']}/manifest.yml"
    )


def test_a_jobs_timeout_and_retries_are_reported_as_changed(tmp_path: Path) -> None:
    """Copilot's timeout is the state machine's, over every attempt; its retries wait 10 s,
    then 1.5 times longer (state-machine-definition.json.yml)."""
    job, found = job_with(tmp_path)
    assert (job["retries"], job["timeoutSeconds"]) == (3, 5400)
    assert found["timeout"].status == "changed"
    assert "retries included" in found["timeout"].note
    assert found["retries"].status == "changed"
    assert "Copilot: 10 s, then 1.5 times" in found["retries"].note


def test_a_timeout_under_a_minute_is_raised_and_said(tmp_path: Path) -> None:
    job, found = job_with(tmp_path, timeout="30s")
    assert job["timeoutSeconds"] == 60
    assert "raised from 30 s to 60 s" in found["timeout"].note


def test_retries_out_of_range_are_not_written(tmp_path: Path) -> None:
    job, found = job_with(tmp_path, retries=11)
    assert "retries" not in job
    assert found["retries"].status == "not mapped"


def test_taskdef_overrides_with_a_counterpart_are_mapped_the_rest_reported(
    tmp_path: Path,
) -> None:
    rules = [
        {"path": "ContainerDefinitions[0].StopTimeout", "value": 90},
        {"path": "ContainerDefinitions[0].ReadonlyRootFilesystem", "value": True},
        {"path": "ContainerDefinitions[0].Ulimits[-]", "value": {"Name": "cpu"}},
    ]
    text = copilot_text("lb-svc.yml") + "\n" + yaml.safe_dump({"taskdef_overrides": rules})
    result = imported(workspace(tmp_path, {"frontend": text}, ENV))
    assert written(result, "services/frontend.yaml")["stopTimeoutSeconds"] == 90
    found = entries(result, "copilot/frontend/manifest.yml")
    assert found["taskdef_overrides[0]"].status == "mapped"
    assert found["taskdef_overrides[1]"].status == "mapped"
    assert found["taskdef_overrides[2]"].status == "not mapped"
    assert "Ulimits" in found["taskdef_overrides[2]"].note


def test_fifo_topics_are_named_as_copilot_names_them(tmp_path: Path) -> None:
    """internal/pkg/manifest/worker_svc.go: a topic named *.fifo makes the queue FIFO and the
    other topics keep standard queues of their own; a worker's FIFO queue otherwise subscribes
    every topic as a FIFO topic (`.fifo` appended)."""
    body = yaml.safe_load(copilot_text("worker-svc-subscribe.yml"))
    body["subscribe"]["topics"][0]["name"] = "orders.fifo"
    result = imported(workspace(tmp_path, {"testers": yaml.safe_dump(body)}, ENV))
    queue = written(result, "services/testers.yaml")["queue"]["create"]
    assert queue["fifo"] is True
    (first,) = (s["topicArn"] for s in queue["subscribe"])
    assert "demo-<env>-service4TestTopic-orders.fifo}" in first
    found = entries(result, "copilot/testers/manifest.yml")
    # Copilot gave the standard topic a standard queue of its own: another worker here
    assert found["subscribe.topics[1]"].status == "not mapped"
    assert "testTopic2 into a standard queue of its own" in found["subscribe.topics[1]"].note
    body["subscribe"]["topics"][0]["name"] = "orders"
    body["subscribe"]["queue"] = {"fifo": True}
    fifo = imported(workspace(tmp_path / "fifo", {"testers": yaml.safe_dump(body)}, ENV))
    subscribed = written(fifo, "services/testers.yaml")["queue"]["create"]["subscribe"]
    assert all(s["topicArn"].endswith(".fifo}") for s in subscribed)
    del body["subscribe"]["queue"]
    body["subscribe"]["topics"][0]["name"] = "orders"
    plain = imported(workspace(tmp_path / "plain", {"testers": yaml.safe_dump(body)}, ENV))
    queue = written(plain, "services/testers.yaml")["queue"]["create"]
    assert "fifo" not in queue and ".fifo" not in str(queue["subscribe"])


def test_a_new_project_is_named_after_the_application(tmp_path: Path) -> None:
    """Physical names start with `<project>-<stack>`: two applications imported into one
    account with this project's name would collide."""
    result = imported(copy_shop(tmp_path))
    assert yaml.safe_load(result.files["Pulumi.yaml"])["name"] == "shop"
    assert "shop:tier" in written(result, "Pulumi.test.yaml")["config"]
    # the rest of this checkout's project file is kept (runtime, config declarations)
    assert "runtime:" in result.files["Pulumi.yaml"] and "config:" in result.files["Pulumi.yaml"]


def test_what_another_accounts_registry_and_an_existing_file_system_need_is_said(
    tmp_path: Path,
) -> None:
    body = yaml.safe_load(copilot_text("lb-svc.yml"))
    body["image"] = {"location": "210987654321.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.2"}
    body["storage"] = {"volumes": {"data": {"path": "/data", "efs": {"id": "fs-0123abcd"}}}}
    result = imported(workspace(tmp_path, {"frontend": yaml.safe_dump(body)}, ENV))
    found = entries(result, "copilot/frontend/manifest.yml")
    assert "repository policy must let this stack's task execution role pull" in (
        found["image.location"].note
    )
    assert "serviceSecurityGroupIds" in found["storage.volumes.data.efs.id"].note


def test_an_image_in_copilots_own_repository_is_said_to_move_before_copilot_goes(
    tmp_path: Path,
) -> None:
    """Copilot's application stack made `<app>/<workload>` repositories, which `copilot svc
    delete` and `app delete` empty and delete (internal/pkg/cli/svc_delete.go)."""
    body = yaml.safe_load(copilot_text("lb-svc.yml"))
    body["image"] = {"location": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/demo/frontend:2.4"}
    result = imported(workspace(tmp_path, {"frontend": yaml.safe_dump(body)}, ENV))
    found = entries(result, "copilot/frontend/manifest.yml")["image.location"]
    assert found.status == "changed"
    assert "Copilot's own repository demo/frontend" in found.note
    assert "out of Copilot's repositories" in result.files["MIGRATION.md"]


def test_a_stack_without_routed_services_still_gets_its_albs_listener(tmp_path: Path) -> None:
    """The stack's ALB is made either way (settings/rules/load_balancer.py asks for HTTPS or,
    in development, plain HTTP)."""
    backend = yaml.safe_load(copilot_text("backend-svc-customhealthcheck.yml"))
    envs = {"test": "name: test\ntype: Environment\n", "prod": "name: prod\ntype: Environment\n"}
    result = imported(workspace(tmp_path, {backend["name"]: yaml.safe_dump(backend)}, envs))
    test = written(result, "Pulumi.test.yaml")["config"]["demo:loadBalancer"]
    prod = written(result, "Pulumi.prod.yaml")["config"]["demo:loadBalancer"]
    assert test == {"allowPlainHttp": True}
    assert prod == {"certificateArn": "${FILL_IN:the ACM certificate ARN}"}


def test_importing_into_a_checkout_says_what_of_the_checkout_needs_doing(
    tmp_path: Path, capsys
) -> None:
    """The checkout's sample stacks and workloads are planned with the imported ones, its
    workflows list only its own stacks, and its project name is every checkout's."""
    checkout = tmp_path / "checkout"  # a checkout's shape, not this one's own stack files
    (checkout / ".github" / "workflows").mkdir(parents=True)
    (checkout / ".github" / "workflows" / "drift.yml").write_text(
        "jobs:\n  drift:\n    strategy:\n      matrix:\n        stack: [dev, prod]\n"
    )
    (checkout / "Pulumi.yaml").write_text("name: ecs-platform\nruntime: python\n")
    (checkout / "Pulumi.dev.yaml").write_text("config:\n  ecs-platform:tier: development\n")
    (checkout / "services").mkdir()
    (checkout / "services" / "sample.yaml").write_text("image: {uri: nginx}\n")
    shop = copy_shop(tmp_path)
    assert main(["import", "copilot", str(shop), "--out", str(checkout), "--force"]) == 0
    assert "before the first plan" in capsys.readouterr().err
    report = (checkout / "MIGRATION.md").read_text()
    before = report[report.index("## Before the first plan") :].split("\n## ")[0]
    assert "`Pulumi.dev.yaml`, `services/sample.yaml`" in before
    assert "names `test`" in before  # the shipped lists say [dev, prod]
    assert "`prod`" not in before.split("**Workflows:**")[1].split("\n")[0]
    assert "start with `ecs-platform-<stack>`" in before and "name the project `shop`" in before


def test_a_count_override_replaces_spot_and_autoscaling_as_copilot_merges_them(
    tmp_path: Path,
) -> None:
    """transform.go advancedCountTransformer: an override's spot unsets the base's autoscaling;
    an override's range or scaling field unsets the base's spot."""
    body = yaml.safe_load(copilot_text("lb-svc.yml"))
    body["count"] = {"spot": 3}
    body["environments"] = {"test": {"count": {"range": "2-6", "cpu_percentage": 50}}}
    result = imported(workspace(tmp_path, {"frontend": yaml.safe_dump(body)}, ENV))
    service = written(result, "services/frontend.yaml")
    assert service["capacity"] == "fargate-spot"
    test = service["environments"]["test"]
    assert test["capacity"] is None and test["scaling"]["cpuTarget"] == 50
    body["count"] = {"range": "1-4", "cpu_percentage": 60}
    body["environments"] = {"test": {"count": {"spot": 1}}}
    other = imported(workspace(tmp_path / "b", {"frontend": yaml.safe_dump(body)}, ENV))
    test = written(other, "services/frontend.yaml")["environments"]["test"]
    assert test["scaling"] is None and test["capacity"] == "fargate-spot"


def test_copilots_default_cooldowns_are_written_where_a_target_is_tracked(
    tmp_path: Path,
) -> None:
    """autoscaling.yml: ScaleInCooldown 120 and ScaleOutCooldown 60 when the manifest sets
    none (this project's own scale-in default is 300 s)."""
    body = yaml.safe_load(copilot_text("lb-svc.yml"))
    body["count"] = {"range": "1-4", "cpu_percentage": 60}
    result = imported(workspace(tmp_path, {"frontend": yaml.safe_dump(body)}, ENV))
    scaling = written(result, "services/frontend.yaml")["scaling"]
    assert (scaling["scaleInCooldownSeconds"], scaling["scaleOutCooldownSeconds"]) == (120, 60)
    body["count"]["cooldown"] = {"in": "30s"}
    other = imported(workspace(tmp_path / "b", {"frontend": yaml.safe_dump(body)}, ENV))
    scaling = written(other, "services/frontend.yaml")["scaling"]
    assert (scaling["scaleInCooldownSeconds"], scaling["scaleOutCooldownSeconds"]) == (30, 60)


def test_the_manifests_own_groups_join_only_stacks_in_the_imported_vpc(tmp_path: Path) -> None:
    body = yaml.safe_load(copilot_text("backend-svc-customhealthcheck.yml"))
    body["network"] = {"vpc": {"security_groups": ["sg-0123456789abcdef0"]}}
    envs = {**ENV, "prod": "name: prod\ntype: Environment\n"}  # test imports its VPC
    result = imported(workspace(tmp_path, {body["name"]: yaml.safe_dump(body)}, envs))
    service = written(result, f"services/{body['name']}.yaml")
    assert "securityGroups" not in service
    assert service["environments"]["test"]["securityGroups"] == ["sg-0123456789abcdef0"]
    assert service["environments"]["prod"]["securityGroups"] == []
    found = entries(result, f"copilot/{body['name']}/manifest.yml")
    assert "not in prod" in found["network.vpc.security_groups (by stack)"].note


def test_a_key_written_twice_is_refused_as_copilots_parser_refuses_it(
    tmp_path: Path, capsys
) -> None:
    text = copilot_text("lb-svc.yml") + "\ncpu: 256\ncpu: 512\n"
    root = workspace(tmp_path, {"frontend": text}, ENV)
    assert main(["import", "copilot", str(root), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "copilot/frontend/manifest.yml: not valid YAML: mapping key 'cpu' already defined" in err


def test_topics_that_are_not_topics_are_reported(tmp_path: Path) -> None:
    body = yaml.safe_load(copilot_text("worker-svc-subscribe.yml"))
    body["subscribe"]["topics"] = [None, 5, {"name": "orders", "service": "api"}]
    result = imported(workspace(tmp_path, {"testers": yaml.safe_dump(body)}, ENV))
    found = entries(result, "copilot/testers/manifest.yml")
    assert found["subscribe.topics[1]"].status == "not mapped"
    assert len(written(result, "services/testers.yaml")["queue"]["create"]["subscribe"]) == 1
