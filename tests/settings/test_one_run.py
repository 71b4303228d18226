"""Every problem of a stack file in one run, config namespaces, and "did you mean"."""

from __future__ import annotations

from typing import Any

from settings_check import settings_problems

from settings.loader import SettingsError, parse_settings
from settings.stack_files import load_config, read_stack_config

from conftest import FIXTURES, problems, refused

Config = dict[str, Any]


def five_mistakes(config: Config) -> None:
    services = config["ecs-platform:services"]
    services["worker"]["desiredCont"] = 2  # 1. a typo'd key
    services["api"]["cpu"] = "lots"  # 2. a wrong type
    route = {"healthCheck": {"path": "/health"}, "port": 8080, "capacity": "fargate"}
    image = {"repository": "api", "tag": "1.0.0"}
    services["web"] = {
        **route,
        "image": image,
        "routing": {"pathPatterns": ["web/*"], "priority": 30},
    }  # 3.
    services["shop"] = {
        **route,
        "image": image,
        "routing": {"pathPatterns": ["/shop/*"], "priority": 20},
    }
    services["cart"] = {  # 4. priority 20 again, and 5. memory Fargate has no size for at cpu 256
        **route, "image": image, "cpu": 256, "memory": 4096,
        "routing": {"pathPatterns": ["/cart/*"], "priority": 20},
    }  # fmt: skip


def test_five_mistakes_are_all_reported_in_one_run() -> None:
    failure = refused("dev", five_mistakes)
    error = failure.cause
    assert isinstance(error, SettingsError) and failure.resources == []
    paths = [line.split(": ")[1] for line in error.lines]
    assert sorted(paths) == [
        "services.api.cpu",
        "services.cart.memory",
        "services.cart.routing.priority",
        "services.web.routing.pathPatterns[0]",
        "services.worker.desiredCont",
    ]
    assert "did you mean 'desiredCount'?" in error.lines[paths.index("services.worker.desiredCont")]
    assert (
        "20 is already used by service shop"
        in error.lines[paths.index("services.cart.routing.priority")]
    )
    assert str(error).splitlines()[0] == "invalid stack configuration (5 problems):"
    # The rules that read a failed field ran without it (so shop and cart still clash); the
    # note says that they did not run in full.
    assert str(error).splitlines()[-1] == (
        "(8 cross-key checks not run in full until the problems above are fixed)"
    )


def test_the_rules_still_run_when_an_unrelated_section_fails() -> None:
    def change(config: Config) -> None:
        config["ecs-platform:alarms"]["thresholds"]["errorRatePercent"] = "high"
        config["ecs-platform:services"]["api"]["memory"] = 3000  # not a Fargate size for 256

    lines = settings_problems("dev", change)
    assert [line.split(": ")[1] for line in lines] == [
        "alarms.thresholds.errorRatePercent",
        "services.api.memory",
    ]


def test_a_rule_that_reads_a_failed_part_waits_instead_of_guessing() -> None:
    def change(config: Config) -> None:
        services = config["ecs-platform:services"]
        services["api"]["cpu"] = "lots"
        services["worker"]["port"] = 9000
        services["worker"]["allowFrom"] = ["api"]  # api exists; its settings failed

    failure = refused("dev", change)
    assert [line.split(": ")[1] for line in failure.cause.lines] == ["services.api.cpu"]
    note = str(failure.cause).splitlines()[-1]
    assert note == "(1 cross-key check not run in full until the problems above are fixed)"


def test_a_misspelt_namespace_is_refused_naming_the_file_and_key() -> None:
    def change(config: Config) -> None:
        config["ecs-platfrom:tags"] = config.pop("ecs-platform:tags")

    (line,) = problems("dev", change)
    assert line.startswith(
        "Pulumi.dev.yaml: ecs-platfrom:tags: unknown config namespace 'ecs-platfrom'"
        " (did you mean 'ecs-platform:tags'?"
    )


def test_provider_namespaces_are_accepted() -> None:
    config = read_stack_config("dev", FIXTURES)
    config["aws:skipMetadataApiCheck"] = "false"
    config["pulumi:disable-default-providers"] = ["kubernetes"]
    config["awsx:anything"] = "x"
    project, flat = load_config("dev", stack_config=config)
    assert parse_settings(flat, project=project, stack="dev").stack == "dev"


def test_an_unknown_service_key_suggests_the_allowed_one() -> None:
    def change(config: Config) -> None:
        config["ecs-platform:services"]["api"]["logRetentionDay"] = 14

    (line,) = problems("dev", change)
    assert line.startswith(
        "Pulumi.dev.yaml: services.api.logRetentionDay: unknown key (did you mean"
        " 'logRetentionDays'? allowed: "
    )
