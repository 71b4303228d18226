"""ECS Exec on a read-only root file system: the agent's three paths become writable scratch
volumes of the main container (the workaround of containers-roadmap#1359; AWS documents exec on a
read-only root as unsupported), only when exec is on, and nothing else becomes writable."""

from __future__ import annotations

from components.service.containers import container_definitions
from components.service.volumes import EXEC_AGENT_PATHS, writable_paths
from settings.service import ServiceSettings

from conftest import fixture_config


def prod_api(**changes: object) -> ServiceSettings:
    declared = fixture_config("prod")["ecs-platform:services"]["api"]
    return ServiceSettings.model_validate({**declared, **changes})


def main_container(service: ServiceSettings) -> dict:
    (main, *_) = container_definitions(
        "api", service, image="repo/api@sha256:" + "0" * 64, log_group="/g", region="eu-west-1"
    )
    return main


def test_exec_on_a_read_only_root_mounts_only_the_agent_paths_writable() -> None:
    service = prod_api(execEnabled=True, writablePaths=["/tmp", "/var/log/amazon/ssm"])
    main = main_container(service)
    assert main["readonlyRootFilesystem"] is True
    mounts = {m["containerPath"]: m["sourceVolume"] for m in main["mountPoints"]}
    assert list(mounts) == ["/tmp", "/var/log/amazon/ssm", "/managed-agents", "/var/lib/amazon/ssm"]
    assert set(EXEC_AGENT_PATHS) <= set(mounts)
    assert all(not m["readOnly"] for m in main["mountPoints"])
    assert list(mounts.values()) == [f"scratch-{i}" for i in range(4)]  # one volume each


def test_no_agent_volume_without_exec_or_on_a_writable_root() -> None:
    assert writable_paths(prod_api(execEnabled=False)) == prod_api().writable_paths
    writable = prod_api(execEnabled=True, readOnlyRootFilesystem=False)
    assert writable_paths(writable) == writable.writable_paths
