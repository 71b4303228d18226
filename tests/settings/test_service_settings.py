"""Bad service settings: one clear line each, naming the file and the key; nothing registered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from settings.rules.cron import schedule_problem

from conftest import problems

Config = dict[str, Any]
DIGEST = "sha256:" + "a" * 64
SECRET_MEANING = (
    "a secret reference: ssm:<parameter name>, secretsmanager:<secret name>[:<json key>"
    "[:<version stage>[:<version id>]]] (this"
    " stack's region and account) or a full SSM parameter or Secrets Manager ARN (required for"
    " another region or account)"
)


def api(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:services"]["api"])


def worker(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:services"]["worker"])


def add(name: str, **service: Any) -> Callable[[Config], Any]:
    return lambda config: config["ecs-platform:services"].update({name: service})


BAD_SERVICES: list[tuple[str, str, Callable[[Config], Any], list[str]]] = [
    ("fargate memory", "dev", api(lambda s: s.update(memory=300)),
     ["services.api.memory: 300 is not valid for cpu 256 (512, 1024, 2048)"]),
    ("fargate memory step", "dev", api(lambda s: s.update(cpu=1024, memory=2500)),
     ["services.api.memory: 2500 is not valid for cpu 1024 (2048 to 8192 in steps of 1024)"]),
    ("fargate cpu", "dev", api(lambda s: s.update(cpu=300)),
     ["services.api.cpu: 300 is not a Fargate cpu size (256, 512, 1024, 2048, 4096, 8192,"
      " 16384)"]),
    ("unknown capacity", "dev", api(lambda s: s.update(capacity="gpu")),
     ["services.api.capacity: unknown capacity 'gpu' (known: default, fargate, fargate-spot,"
      " general)"]),
    ("fargate spot arm64", "dev", api(lambda s: s.update(architecture="arm64")),
     ["services.api.capacity: fargate-spot runs only x86_64 Linux tasks, but the tasks are"
      " arm64"]),
    ("pool of another architecture", "dev", worker(lambda s: s.update(architecture="x86_64")),
     ["services.worker.architecture: x86_64 tasks cannot run on pool general (arm64)"]),
    ("windows on spot", "dev", api(lambda s: s.update(operatingSystem="windows", cpu=1024,
                                                       memory=2048)),
     ["services.api.capacity: Windows tasks run on Fargate only, not Fargate Spot, EC2 or"
      " managed instance pools"]),
    ("windows too small", "dev", api(lambda s: s.update(operatingSystem="windows",
                                                         capacity="fargate")),
     ["services.api.cpu: Windows tasks on Fargate take cpu 1024, 2048, 4096"]),
    ("priority clash", "dev",
     add("admin", image={"repository": "admin", "tag": "1"}, port=8080,
         routing={"pathPatterns": ["/admin/*"], "priority": 10}),
     ["services.admin.routing.priority: 10 is already used by service api"]),
    ("route clash", "dev",
     add("admin", image={"repository": "admin", "tag": "1"}, port=8080,
         routing={"pathPatterns": ["/api/*"], "priority": 11}),
     ["services.admin.routing: the same paths and hosts as service api"]),
    ("route without port", "dev", api(lambda s: s.pop("port")),
     ["services.api.routing: a routed service needs a port"]),
    ("port out of range", "dev", api(lambda s: s.update(port=70000)),
     ["services.api.port: Input should be less than or equal to 65535 (got 70000)"]),
    ("image with tag and digest", "dev",
     api(lambda s: s.update(image={"repository": "api", "tag": "1", "digest": DIGEST})),
     ["services.api.image: repository api needs exactly one of tag or digest"]),
    ("image uri and repository", "dev",
     api(lambda s: s.update(image={"repository": "api", "uri": "ghcr.io/org/api:1"})),
     ["services.api.image: give either uri, or repository with tag or digest"]),
    ("image uri without tag", "dev", api(lambda s: s.update(image={"uri": "nginx"})),
     ["services.api.image.uri: 'nginx' is not a full image URI with a tag or digest"
      " (registry/name:tag or registry/name@sha256:...)"]),
    ("secret is not an ARN", "dev", api(lambda s: s["secrets"].update(API_KEY="hunter2")),
     [f"services.api.secrets.API_KEY: 'hunter2' is not {SECRET_MEANING}"]),
    ("secret of another service", "dev",
     api(lambda s: s["secrets"].update(KEY="arn:aws:s3:::bucket/key")),
     [f"services.api.secrets.KEY: 'arn:aws:s3:::bucket/key' is not {SECRET_MEANING}"]),
    ("partial secrets manager ARN", "dev",
     api(lambda s: s["secrets"].update(
         KEY="arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-password"
     )),
     ["services.api.secrets.KEY: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:"
      f"db-password' is not {SECRET_MEANING}"]),
    ("duplicate container name", "dev",
     api(lambda s: s.update(sidecars=[{"name": "api", "image": "ghcr.io/o/agent:1"}])),
     ["services.api.sidecars[0].name: 'api' is already a container of this task"]),
    ("sidecar secret in environment", "dev",
     api(lambda s: s.update(sidecars=[
         {"name": "agent", "image": "ghcr.io/o/agent:1", "environment": {"API_TOKEN": "x"}}
     ])),
     ["services.api.sidecars[0].environment.API_TOKEN: looks like a secret: put its SSM or"
      " Secrets Manager ARN under secrets (ECS.8)"]),
    ("too many route values", "dev",
     api(lambda s: s["routing"].update(pathPatterns=["/a", "/b", "/c"],
                                       hostHeaders=["a.example.com", "b.example.com", "c.x"])),
     ["services.api.routing: an ALB rule matches at most 5 values in all"]),
    ("health check timeout not below interval", "dev",
     api(lambda s: s["healthCheck"].update(timeoutSeconds=10)),
     ["services.api.healthCheck.timeoutSeconds: 10 must be below intervalSeconds 10"]),
    ("steps with a gap", "dev",
     worker(lambda s: s["scaling"]["customMetric"]["scaleOut"].update(steps=[
         {"lowerBound": 0, "upperBound": 100, "adjustment": 1},
         {"lowerBound": 200, "adjustment": 2},
     ])),
     ["services.worker.scaling.customMetric.scaleOut.steps: steps must meet without gaps or"
      " overlaps: upperBound 100.0 then lowerBound 200.0"]),
    ("secret in environment", "dev", api(lambda s: s["environment"].update(DB_PASSWORD="x")),
     ["services.api.environment.DB_PASSWORD: looks like a secret: put its SSM or Secrets"
      " Manager ARN under secrets (ECS.8)",
      "services.api.secrets.DB_PASSWORD: is also set under environment; keep one"]),
    ("desired above max", "dev", api(lambda s: s.update(desiredCount=9)),
     ["services.api.desiredCount: 9 is outside scaling minCount..maxCount (1..4)"]),
    ("cpu target out of range", "dev", api(lambda s: s["scaling"].update(cpuTarget=150)),
     ["services.api.scaling.cpuTarget: Input should be less than or equal to 100 (got 150)"]),
    ("requests without route", "dev",
     worker(lambda s: s["scaling"].update(requestsPerTarget=100)),
     ["services.worker.scaling.requestsPerTarget: needs routing (an ALB target group)"]),
    ("bad cron", "dev",
     api(lambda s: s["scaling"]["schedules"][0].update(schedule="cron(0 20 * * MON-FRI *)")),
     ["services.api.scaling.schedules[0].schedule: give ? in exactly one of day-of-month and"
      " day-of-week (EventBridge cannot use both)"]),
    ("bad time zone", "dev",
     api(lambda s: s["scaling"]["schedules"][0].update(timezone="Mars/Olympus")),
     ["services.api.scaling.schedules[0].timezone: 'Mars/Olympus' is not an IANA time zone"]),
    ("step of the wrong sign", "dev",
     worker(lambda s: s["scaling"]["customMetric"]["scaleIn"]["steps"][0].update(adjustment=1)),
     ["services.worker.scaling.customMetric.scaleIn.steps[0].adjustment: 1: steps here must be"
      " negative"]),
    ("thresholds reversed", "dev",
     worker(lambda s: s["scaling"]["customMetric"]["scaleIn"].update(threshold=500)),
     ["services.worker.scaling.customMetric.scaleIn.threshold: 500.0 must be below"
      " scaleOut.threshold 100.0"]),
    ("queue and namespace", "dev",
     worker(lambda s: s["scaling"]["customMetric"].update(namespace="App", metricName="Jobs")),
     ["services.worker.scaling.customMetric: give queueName, or namespace and metricName (not"
      " both)"]),
    ("ebs too small", "dev",
     api(lambda s: s.update(ebsVolume={"sizeGib": 10, "volumeType": "st1", "mountPath": "/d"})),
     ["services.api.ebsVolume.sizeGib: st1 volumes are at least 125 GiB"]),
    ("ebs unknown type", "dev",
     api(lambda s: s.update(ebsVolume={"sizeGib": 10, "volumeType": "gp9", "mountPath": "/d"})),
     ["services.api.ebsVolume.volumeType: Input should be 'gp3', 'gp2', 'st1' or 'sc1'"
      " (got 'gp9')"]),
    ("allow from unknown", "dev", api(lambda s: s.update(allowFrom=["billing"])),
     ["services.api.allowFrom[0]: 'billing' is not another service of this stack"]),
    ("bad service name", "dev", add("API_v2", image={"repository": "api", "tag": "1"}),
     ["services.API_v2: 'API_v2' is not a service name (lowercase letter, then up to 27"
      " letters, digits or -)"]),
    ("production weakened", "prod",
     api(lambda s: s.update(logRetentionDays=30, readOnlyRootFilesystem=False, user="root",
                            image={"repository": "api", "tag": "latest"})),
     ["services.api.logRetentionDays: tier production keeps logs at least 365 days (got 30)",
      "services.api.readOnlyRootFilesystem: tier production runs read-only root file systems"
      " (ECS.5); use writablePaths",
      "services.api.user: tier production never runs containers as root",
      "services.api.image.tag: tier production deploys a fixed tag or a digest"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("stack", "change", "expected"),
    [pytest.param(st, ch, ex, id=case) for case, st, ch, ex in BAD_SERVICES],
)
def test_bad_service_settings_are_refused(stack, change, expected) -> None:
    assert problems(stack, change) == [f"Pulumi.{stack}.yaml: {line}" for line in expected]


def test_whole_service_wildcards_are_refused() -> None:
    change = api(lambda s: s["permissions"].append({"actions": ["s3:*"], "resources": ["*"]}))
    assert problems("dev", change) == [
        "Pulumi.dev.yaml: services.api.permissions[1].actions[0]: 's3:*' is not an IAM action"
        " (service:Action) without a whole-service wildcard"
    ]


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("cron(0 20 ? * MON-FRI *)", None),
        ("cron(30 7 1 * ? 2027)", None),
        ("rate(5 minutes)", None),
        ("at(2027-01-01T08:00:00)", None),
        ("cron(0 20 ? * MON-FRI)", "cron needs 6 fields, cron(minutes hours day-of-month month"
         " day-of-week year); got 5"),
        ("cron(61 20 ? * MON-FRI *)", "minute 61 is outside 0-59 (minute takes 0-59; wildcards"
         " , - * /)"),
        ("cron(0 20 ? * MON-FRY *)", "day-of-week 'MON-FRY': FRY is not a value or wildcard here"
         " (day-of-week takes 1-7 or SUN-SAT; wildcards , - * ? L #)"),
        ("cron(0 20 1 JANUARY ? *)", "month 'JANUARY': ARUY is not a value or wildcard here"
         " (month takes 1-12 or JAN-DEC; wildcards , - * /)"),
        ("cron(0 20 1 13 ? *)", "month 13 is outside 1-12 (month takes 1-12 or JAN-DEC;"
         " wildcards , - * /)"),
        ("cron(0 20 ? * 2#1,6#3 *)", "day-of-week: with # the field holds one expression only"
         " (like 3#2) (day-of-week takes 1-7 or SUN-SAT; wildcards , - * ? L #)"),
        ("cron(0 20 * * * *)", "give ? in exactly one of day-of-month and day-of-week"
         " (EventBridge cannot use both)"),
        ("cron(0/15 8-17 ? JAN,MAR-DEC 2-6 2027-2030)", None),
        ("cron(0 9 LW * ? *)", None),
        ("cron(0 9 15W * ? *)", None),
        ("cron(0 9 ? * 6L *)", None),
        ("cron(0 9 ? * 3#2 *)", None),
        ("every day", "expected cron(minutes hours day-of-month month day-of-week year),"
         " rate(...) or at(...)"),
    ],
)  # fmt: skip
def test_schedule_expressions(expression: str, problem: str | None) -> None:
    assert schedule_problem(expression) == problem
