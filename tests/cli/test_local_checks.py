"""Day-2 inputs refused on this machine, before any AWS call (exit 2): an autoscaling range
upside down, a task size Fargate cannot run (the sizes of settings/rules/tasks.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli.app import main
from ops import aws
from settings.rules.tasks import FARGATE_MEMORY


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def client(service: str, region: str | None = None) -> Any:
        asked.append(service)
        raise AssertionError(f"no {service} call was expected")

    monkeypatch.setattr(aws, "client", client)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no Pulumi CLI cross-check
    return asked


def words(project: Path, *more: str) -> list[str]:
    return [*more, "--stack", "dev", "--project-dir", str(project)]


def test_scale_refuses_a_minimum_above_the_maximum(
    fixture_project: Path, no_aws: list[str], capsys
) -> None:
    assert main(words(fixture_project, "svc", "scale", "api", "--min", "5", "--max", "2")) == 2
    assert "--min 5 is above --max 2" in capsys.readouterr().err
    assert no_aws == []


def test_task_run_refuses_a_cpu_that_fargate_does_not_have(
    fixture_project: Path, no_aws: list[str], capsys
) -> None:
    assert main(words(fixture_project, "task", "run", "api", "--cpu", "3")) == 2
    sizes = ", ".join(str(cpu) for cpu in FARGATE_MEMORY)
    assert f"3 is not a Fargate cpu size ({sizes})" in capsys.readouterr().err
    assert no_aws == []


def test_task_run_refuses_memory_that_does_not_fit_the_cpu(
    fixture_project: Path, no_aws: list[str], capsys
) -> None:
    argv = words(fixture_project, "task", "run", "api", "--cpu", "512", "--memory", "100")
    assert main(argv) == 2
    assert "memory 100 is not valid for cpu 512 on Fargate (1024, 2048, 3072, 4096)" in (
        capsys.readouterr().err
    )
    assert no_aws == []
