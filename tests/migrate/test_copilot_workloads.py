"""Each Copilot workload type, from Copilot's own test data and documented samples, imports, and
every field of its manifest is accounted for in the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from copilot_helpers import copilot_text, entries, imported, unaccounted, workspace, written

from migrate.copilot.fields.job import schedule_expression
from migrate.copilot.workload import copilot_merge, diff
from settings.interpolation import interpolate
from settings.merge import merge

# (file under tests/fixtures/copilot/testdata, Copilot environments it names, section)
MANIFESTS = [
    ("lb-svc.yml", ["test"], "services"),
    ("svc-manifest.yml", ["test", "staging", "prod"], "services"),
    ("backend-svc-customhealthcheck.yml", ["test"], "services"),
    ("worker-svc-subscribe.yml", ["test"], "services"),
    ("worker-manifest.yml", ["test"], "services"),
    ("scheduled-job-fully-specified-placement.yml", ["phonetool"], "jobs"),
    ("job-manifest.yml", ["test"], "jobs"),
]


def one(tmp_path: Path, file: str, envs: list[str]) -> tuple[Path, dict]:
    body = yaml.safe_load(copilot_text(file).replace("\non:", '\n"on":'))
    root = workspace(
        tmp_path,
        {body["name"]: copilot_text(file)},
        {env: copilot_text("environment-import-vpc.yml") for env in envs},
    )
    return root, body


@pytest.mark.parametrize(("file", "envs", "section"), MANIFESTS, ids=[m[0] for m in MANIFESTS])
def test_every_field_of_copilots_manifests_is_accounted_for(
    tmp_path: Path, file: str, envs: list[str], section: str
) -> None:
    root, body = one(tmp_path, file, envs)
    result = imported(root)
    manifest = f"copilot/{body['name']}/manifest.yml"
    assert unaccounted(result, manifest, body) == []
    assert f"{section}/{body['name']}.yaml" in result.files
    statuses = {e.status for e in result.ledger.entries if e.file == manifest}
    assert "mapped" in statuses


def test_a_load_balanced_web_service_becomes_a_routed_service(tmp_path: Path) -> None:
    root, _ = one(tmp_path, "lb-svc.yml", ["test"])
    service = written(imported(root), "services/frontend.yaml")
    assert service["port"] == 80
    assert service["routing"] == {"priority": 10, "pathPatterns": ["/*"]}
    assert service["image"]["repository"] == "frontend"
    assert service["image"]["tag"].startswith("${FILL_IN:")
    assert "readOnlyRootFilesystem" not in service and service["writablePaths"] == ["/tmp"]


def test_a_backend_service_is_internal_with_its_container_health_check(tmp_path: Path) -> None:
    root, _ = one(tmp_path, "backend-svc-customhealthcheck.yml", ["test"])
    service = written(imported(root), "services/subscribers.yaml")
    assert "routing" not in service and service["port"] == 8080
    assert service["image"] == {"uri": "docker.io/library/flask-sample:latest"}
    assert service["containerHealthCheck"] == {
        "command": ["CMD-SHELL", "curl -f http://localhost:8080 || exit 1"],
        "intervalSeconds": 6,
        "retries": 0,
        "timeoutSeconds": 20,
        "startPeriodSeconds": 15,
    }


def test_a_worker_subscribed_to_topics_gets_a_queue_and_marked_topic_arns(tmp_path: Path) -> None:
    root, _ = one(tmp_path, "worker-manifest.yml", ["test"])
    result = imported(root)
    worker = written(result, "services/dogworker.yaml")
    queue = worker["queue"]["create"]
    assert queue["maxReceiveCount"] == 5
    topics = [s["topicArn"] for s in queue["subscribe"]]
    # mytopic and yourtopic had FIFO queues of their own: a standard queue cannot take them
    assert len(topics) == 3 and not any(t.endswith(".fifo}") for t in topics)
    assert topics[0] == "${FILL_IN:the ARN of the topic replacing demo-<env>-dogsvc-givesdogs}"
    assert worker["scaling"]["backlogPerTask"] == 900.0  # 15m / 1s, as the manifest says
    found = entries(result, "copilot/dogworker/manifest.yml")
    assert found["subscribe.topics[0].filter_policy"].status == "not mapped"
    assert found["subscribe.queue.delay"].status == "not mapped"
    assert found["subscribe.topics[0]"].status == "changed"
    assert found["subscribe.topics[2]"].status == "not mapped"
    assert "declare another worker" in found["subscribe.topics[3]"].note
    assert ("services/dogworker.yaml", "queue.create.subscribe[0].topicArn") in {
        (file, key) for file, key, _ in result.ledger.placeholders
    }


def test_a_scheduled_job_becomes_a_job_with_schedule_retries_and_timeout(tmp_path: Path) -> None:
    root, _ = one(tmp_path, "scheduled-job-fully-specified-placement.yml", ["phonetool"])
    job = written(imported(root), "jobs/cuteness-aggregator.yaml")
    assert job["schedule"] == {"expression": "cron(0 */2 * * ? *)", "timezone": "UTC"}
    assert (job["retries"], job["timeoutSeconds"]) == (3, 5400)
    assert not {"port", "routing", "desiredCount", "sidecars"} & set(job)


def test_sidecars_keep_copilots_defaults_and_get_full_image_uris(tmp_path: Path) -> None:
    root, _ = one(tmp_path, "svc-manifest.yml", ["test", "staging", "prod"])
    result = imported(root)
    prod = written(result, "services/fe.yaml")["environments"]["prod"]
    nginx, operation = prod["sidecars"]
    assert nginx["port"] == 8080 and nginx["essential"] is True
    assert nginx["healthCheck"]["intervalSeconds"] == 10
    assert operation["image"] == "docker.io/library/alpine:latest"
    assert prod["routing"]["targetContainer"] == "nginx"
    found = entries(result, "copilot/fe/manifest.yml")
    assert found["environments.prod.sidecars.operation.image"].status == "changed"


def test_secrets_from_ssm_and_secrets_manager_by_name(tmp_path: Path) -> None:
    root, _ = one(tmp_path, "svc-manifest.yml", ["test", "staging", "prod"])
    result = imported(root)
    secrets = written(result, "services/fe.yaml")["environments"]["prod"]["secrets"]
    assert secrets["SQL_PASS"] == "ssm:SQL_PASS"
    assert secrets["DB"] == "secretsmanager:demo/testing/mysql"
    assert secrets["GIT_USERNAME"] == "${FILL_IN:the secret of export stack-SSMGHUserName}"
    found = entries(result, "copilot/fe/manifest.yml")
    assert found["environments.prod.secrets.GIT_USERNAME"].status == "not mapped"


def test_a_shell_variable_is_a_marked_placeholder(tmp_path: Path) -> None:
    root, _ = one(tmp_path, "svc-manifest.yml", ["test", "staging", "prod"])
    staging = written(imported(root), "services/fe.yaml")["environments"]["staging"]
    assert staging["image"] == {
        "uri": "123456789000.dkr.ecr.us-east-1.amazonaws.com/vault/e2e:${FILL_IN:shell"
        " variable TAG}",
        "repository": None,
        "tag": None,
    }


def test_an_unknown_field_is_reported_not_dropped(tmp_path: Path) -> None:
    text = copilot_text("lb-svc.yml") + "\nfuture_field: 1\nhttp_next:\n  x: 1\n"
    text = text.replace("http:\n", "http:\n  brand_new: true\n", 1)
    root = workspace(
        tmp_path, {"frontend": text}, {"test": copilot_text("environment-import-vpc.yml")}
    )
    found = entries(imported(root), "copilot/frontend/manifest.yml")
    for path in ("future_field", "http_next", "http.brand_new"):
        assert found[path].status == "not mapped"
        assert "unknown field" in found[path].note


@pytest.mark.parametrize(
    ("copilot", "eventbridge"),
    [
        ("@daily", "cron(0 0 * * ? *)"),
        ("@weekly", "cron(0 0 ? * 1 *)"),
        ("@every 1h30m", "rate(90 minutes)"),
        ("@every 1m", "rate(1 minute)"),
        ("0 9 * * 1-5", "cron(0 9 ? * 2-6 *)"),
        ("0 12 1 * *", "cron(0 12 1 * ? *)"),
        ("rate(5 minutes)", "rate(5 minutes)"),
        ("none", "none"),
        ("0 9 1 * 1", None),
        ("@every 30s", None),
    ],
)
def test_schedules_are_converted_as_copilot_converts_them(copilot: str, eventbridge: str) -> None:
    assert schedule_expression(copilot) == eventbridge


def test_an_override_merged_here_gives_what_copilot_merges() -> None:
    """Copilot's merge (maps merge, lists replace, null keeps) then the diff: merged back with
    this project's merge it is the environment's whole view."""
    base = {"count": {"range": "1-4", "cpu_percentage": 50}, "variables": {"A": "1"}, "x": [1]}
    override = {"count": {"range": "2-8"}, "variables": {"B": "2", "A": None}, "x": [2, 3]}
    full = copilot_merge(base, override)
    assert full == {"count": {"range": "2-8", "cpu_percentage": 50},
                    "variables": {"A": "1", "B": "2"}, "x": [2, 3]}  # fmt: skip
    mine = {"scaling": {"minCount": 1, "cpuTarget": 50}, "environment": {"A": "1"}, "w": ["a"]}
    theirs = {"scaling": {"minCount": 2}, "environment": {"A": "1", "B": "2"}, "v": 1}
    assert merge(mine, diff(mine, theirs)).value == theirs


def test_copilot_literals_stay_literal_in_a_workload_file(tmp_path: Path) -> None:
    """Copilot leaves `\\${X}` and `${not a name}` as they are; here `$${` is a literal `${`,
    and the loader gives back exactly what Copilot gave the container."""
    text = (
        "name: api\ntype: Backend Service\nimage:\n  location: nginx:1.25\n"
        "variables:\n  ESCAPED: \\${HOME}\n  ODD: ${ not.a.name }\n"
        "  BOTH: ${COPILOT_APPLICATION_NAME}/${COPILOT_ENVIRONMENT_NAME}\n"
    )
    root = workspace(tmp_path, {"api": text}, {"test": copilot_text("environment-import-vpc.yml")})
    variables = written(imported(root), "services/api.yaml")["environment"]
    assert variables == {"ESCAPED": "$${HOME}", "ODD": "$${ not.a.name }", "BOTH": "demo/${stack}"}
    assert interpolate(variables, {"stack": "test"}).value == {
        "ESCAPED": "${HOME}",
        "ODD": "${ not.a.name }",
        "BOTH": "demo/test",
    }


@pytest.mark.parametrize("file", ["rdws-manifest.yml", "static-site-manifest.yml"])
def test_a_type_out_of_scope_is_reported_field_by_field_and_not_written(
    tmp_path: Path, file: str
) -> None:
    root, body = one(tmp_path, file, ["test"])
    result = imported(root)
    manifest = f"copilot/{body['name']}/manifest.yml"
    assert unaccounted(result, manifest, body) == []
    assert {e.status for e in result.ledger.entries if e.file == manifest} == {"not mapped"}
    assert "this project runs ECS only" in entries(result, manifest)["type"].note
    assert not [name for name in result.files if body["name"] in name]


@pytest.mark.parametrize(
    ("build", "context", "dockerfile", "not_taken"),
    [
        ("./web/Dockerfile", "./web", "./web/Dockerfile", []),
        ({"context": "svc"}, "svc", "svc/Dockerfile", []),
        (
            {"dockerfile": "a/Dockerfile.prod", "target": "run", "args": {"V": "1"}},
            "a",
            "a/Dockerfile.prod",
            ["image.build.args", "image.build.target"],
        ),
    ],
)
def test_a_built_image_gets_its_repository_and_the_build_workflows_inputs(
    tmp_path: Path, build: Any, context: str, dockerfile: str, not_taken: list[str]
) -> None:
    # Copilot's rules (site/content/docs/include/image-config.en.md): a string is the
    # Dockerfile and its folder the context; a context alone has its Dockerfile in it.
    manifest = {"name": "web", "type": "Backend Service", "image": {"build": build, "port": 80}}
    root = workspace(tmp_path, {"web": yaml.safe_dump(manifest)}, {"test": "name: test\n"})
    result = imported(root)
    assert written(result, "services/web.yaml")["image"] == {
        "repository": "web",
        "tag": "${FILL_IN:the tag CI pushes to repository web}",
    }
    found = entries(result, "copilot/web/manifest.yml")
    assert found["image.build"].status == "changed"
    assert f"context: {context}, dockerfile: {dockerfile};" in found["image.build"].note
    assert "build-image.yml" in found["image.build"].note
    assert sorted(p for p, e in found.items() if e.status == "not mapped") == not_taken
