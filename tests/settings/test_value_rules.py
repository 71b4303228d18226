"""AWS's own value rules, refused by the settings with a message that says what is allowed."""

from __future__ import annotations

from typing import Any

import pytest
from settings_check import settings_problems

from conftest import problems

SERVICES = "ecs-platform:services"
ALARMS = "ecs-platform:alarms"
STEP = f"{SERVICES}.worker.scaling.customMetric.scaleOut.steps.0"


def _set(config: dict[str, Any], path: str, value: Any) -> None:
    """Set `a.b.0.c` in a stack config whose first part is a `namespace:key`."""
    head, *rest = path.split(".")
    node: Any = config[head]
    for part in rest[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = rest[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


REFUSED = [
    # (stack, path, bad value, words the message must hold)
    ("dev", f"{SERVICES}.api.image.repository", "", "repository name"),
    ("dev", f"{SERVICES}.api.image.repository", "API", "repository name"),
    ("dev", f"{SERVICES}.api.image.tag", "-latest", "image tag"),
    ("dev", f"{SERVICES}.api.image.tag", "x" * 129, "at most 128"),
    ("prod", f"{SERVICES}.api.image.digest", "sha256:abc", "sha256:<64 hex digits>"),
    ("prod", f"{SERVICES}.api.routing.pathPatterns", [""], "ALB path pattern"),
    ("prod", f"{SERVICES}.api.routing.pathPatterns", ["/api/" + "a" * 124], "up to 127"),
    ("prod", f"{SERVICES}.api.routing.pathPatterns", ["/api/<x>"], "ALB path pattern"),
    ("prod", f"{SERVICES}.api.routing", {"hostHeaders": ["a b.com"], "priority": 10}, "host"),
    ("prod", f"{SERVICES}.api.containerHealthCheck.command", ["curl", "-f", "x"], "CMD-SHELL"),
    ("prod", f"{SERVICES}.api.containerHealthCheck.command", ["CMD"], '["NONE"]'),
    ("prod", f"{SERVICES}.api.containerHealthCheck.command", ["CMD-SHELL", " "], "empty"),
    ("prod", f"{SERVICES}.worker.scaling.customMetric.queueName", "", "SQS queue name"),
    ("prod", f"{SERVICES}.worker.scaling.customMetric.queueName", "a" * 81, "1-80"),
    ("prod", f"{SERVICES}.worker.scaling.customMetric.queueName", "orders.v2", "SQS"),
    ("prod", f"{ALARMS}.custom.0.namespace", "", "CloudWatch name"),
    ("prod", f"{ALARMS}.custom.0.namespace", ":AWS/RDS", "not starting with :"),
    ("prod", f"{ALARMS}.custom.0.metricName", "x" * 256, "1-255"),
    ("prod", f"{ALARMS}.custom.0.dimensions", {"DBInstanceIdentifier": ""}, "dimension value"),
    ("prod", f"{ALARMS}.custom.0.dimensions", {"": "db"}, "CloudWatch name"),
    ("prod", f"{ALARMS}.custom.0.dimensions", {f"d{i}": "v" for i in range(31)}, "30"),
    ("prod", f"{ALARMS}.notify.emails", ["ops@"], "email address"),
    ("prod", f"{ALARMS}.notify.httpsEndpoints", ["http://hooks.example.com/x"], "https:// URL"),
    # Found by the mutation test (tests/settings/test_mutations.py):
    ("dev", f"{SERVICES}.api.image.repository", "a" * 201, "at most 200"),
    ("prod", "ecs-platform:loadBalancer.waf.rateLimit", 2_000_000_001, "2000000000"),
    ("prod", f"{STEP}.adjustment", 1001, "1000"),
    ("prod", f"{ALARMS}.thresholds.queueAgeSeconds", 1_209_601, "1209600"),
    ("dev", "ecs-platform:tags.CostCenter", "x" * 257, "at most 256"),
    ("dev", "ecs-platform:tags.aws:owner", "me", "reserved for AWS"),
    ("dev", "ecs-platform:tags.cost#center", "x", "tag key"),
    ("dev", "ecs-platform:tags." + "k" * 129, "x", "at most 128"),
    ("dev", "ecs-platform:network.availabilityZones", ["eu-west-1a"], "at least 2"),
]


@pytest.mark.parametrize(("stack", "path", "value", "words"), REFUSED)
def test_value_is_refused_with_what_is_allowed(
    stack: str, path: str, value: Any, words: str
) -> None:
    lines = settings_problems(stack, lambda config: _set(config, path, value))
    key_path = path.split(":", 1)[1].split(".")
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Pulumi.{stack}.yaml: {key_path[0]}.{key_path[1]}")
    assert words in lines[0]


ACCEPTED = [
    ("dev", f"{SERVICES}.api.image.tag", "_build.1-rc"),
    ("prod", f"{SERVICES}.api.routing.pathPatterns", ["/api/v1/*", "/a?b/$x~'@:+&\"*"]),
    ("prod", f"{SERVICES}.api.routing.pathPatterns", ["/" + "a" * 127]),
    ("prod", f"{SERVICES}.api.containerHealthCheck.command", ["NONE"]),
    ("prod", f"{SERVICES}.api.containerHealthCheck.command", ["CMD", "/bin/check", "--fast"]),
    ("prod", f"{SERVICES}.worker.scaling.customMetric.queueName", "orders_v2-" + "a" * 70),
    ("prod", f"{SERVICES}.worker.scaling.customMetric.queueName", "a" * 75 + ".fifo"),
    ("prod", f"{ALARMS}.custom.0.namespace", "Custom/Orders App:v2"),
    ("prod", f"{ALARMS}.custom.0.dimensions", {"Instance": "db 1", "Role": "w" * 1024}),
    ("prod", "ecs-platform:loadBalancer.waf.rateLimit", 2_000_000_000),
    ("prod", f"{STEP}.adjustment", 1000),
    ("prod", f"{ALARMS}.thresholds.queueAgeSeconds", 1_209_600),
    ("dev", "ecs-platform:tags.Cost Center:team/a=b+c@d_e-g", ""),
    ("dev", "ecs-platform:tags.Équipe", "v" * 256),
]


@pytest.mark.parametrize(("stack", "path", "value"), ACCEPTED)
def test_value_at_the_edge_of_the_rule_is_accepted(stack: str, path: str, value: Any) -> None:
    assert settings_problems(stack, lambda config: _set(config, path, value)) == []


def test_empty_repository_is_a_clean_error_before_any_resource() -> None:
    lines = problems("dev", lambda c: _set(c, f"{SERVICES}.api.image.repository", ""))
    assert lines == [
        "Pulumi.dev.yaml: services.api.image.repository: '' is not a repository name"
        " (lowercase letters and digits, . _ - between)"
    ]


# -- the mistakes issue 30 found the plan let through ---------------------------------------
def _api(change):
    def apply(config: dict[str, Any]) -> None:
        change(config[SERVICES]["api"])

    return apply


def test_fargate_256_cpu_takes_512_1024_or_2048_mib_only() -> None:
    lines = problems("dev", _api(lambda api: api.update(cpu=256, memory=1536)))
    assert lines == [
        "Pulumi.dev.yaml: services.api.memory: 1536 is not valid for cpu 256 (512, 1024, 2048)"
    ]


@pytest.mark.parametrize(
    ("expression", "field"),
    [
        ("cron(0 20 ? * MON-FRY *)", "day-of-week 'MON-FRY'"),
        ("cron(0 20 ? * FOO *)", "day-of-week 'FOO'"),
        ("cron(0 20 1 JANUARY ? *)", "month 'JANUARY'"),
    ],
)
def test_cron_month_and_day_of_week_fields_are_checked(expression: str, field: str) -> None:
    def change(api: dict[str, Any]) -> None:
        api["scaling"]["schedules"][0]["schedule"] = expression

    (line,) = problems("dev", _api(change))
    assert line.startswith(f"Pulumi.dev.yaml: services.api.scaling.schedules[0].schedule: {field}")
    assert line.endswith("; wildcards , - * ? L #)" if "week" in field else "; wildcards , - * /)")


def test_a_route_behind_a_broader_one_of_a_lower_priority_is_refused() -> None:
    def change(config: dict[str, Any]) -> None:
        billing = {
            "image": {"repository": "api", "tag": "latest"},
            "port": 8080,
            "capacity": "fargate-spot",
            "routing": {"pathPatterns": ["/api/billing/*"], "priority": 20},
        }
        config[SERVICES]["billing"] = billing

    assert problems("dev", change) == [
        "Pulumi.dev.yaml: services.billing.routing.priority: 20: no request reaches this route:"
        " service api's rule (/api/*) at priority 10 matches all of them first (the ALB takes"
        " the lowest priority that matches); give this route a priority below 10"
    ]

    def below(config: dict[str, Any]) -> None:
        change(config)
        config[SERVICES]["billing"]["routing"]["priority"] = 5

    assert settings_problems("dev", below) == []


def test_without_nat_a_secret_in_another_region_is_refused() -> None:
    def change(config: dict[str, Any]) -> None:
        config["ecs-platform:network"].update(natGateways="none")
        secrets = config[SERVICES]["api"]["secrets"]
        secrets["DB_PASSWORD"] = secrets["DB_PASSWORD"].replace("eu-west-1", "us-east-1")

    lines = problems("prod", change)
    assert (
        "Pulumi.prod.yaml: services.api.secrets.DB_PASSWORD: natGateways is none, so this secret"
        " in us-east-1 cannot be read: the stack's endpoints reach eu-west-1 only; replicate the"
        " secret to eu-west-1 or use a NAT"
    ) in lines


def test_a_typo_in_one_service_does_not_hide_the_hostnames_of_its_routes() -> None:
    def change(config: dict[str, Any]) -> None:
        config[SERVICES]["api"]["deployment"] = {"strategy": "bluegreen"}  # blueGreen

    (line,) = problems("domain", change)
    assert line.startswith("Pulumi.domain.yaml: services.api.deployment.strategy: ")
