"""Value forms a user's second trial found mapped wrongly: Go durations (`.5m` read, `4d` not
written and said so), variables kept as the text written, a volume named like one the task uses
itself, sidecars hardened without a word, and smaller gaps of the ledger (an init process rule,
a pipeline's buildspec, an addon Copilot ignores, a kept Pulumi.yaml, a shell variable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from copilot_helpers import (
    SHOP,
    copilot_text,
    entries,
    fill_placeholders,
    imported,
    workspace,
    written,
)

from migrate.copilot.fields.volumes import task_volume_names
from migrate.copilot.run import write
from migrate.copilot.values import seconds, whole_seconds
from settings.loader import load_stack

# An environment that loads once filled in: the shop's, which imports a VPC with well-formed ids.
ENV = {"test": (SHOP / "copilot" / "environments" / "test" / "manifest.yml").read_text()}
WEB_FILE = "copilot/frontend/manifest.yml"


def web(tmp_path: Path, extra: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """Copilot's sample web service with `extra` (manifest text) appended, imported: the
    result, its written service file and its ledger entries."""
    root = workspace(tmp_path, {"frontend": copilot_text("lb-svc.yml") + "\n" + extra}, ENV)
    result = imported(root)
    return result, written(result, "services/frontend.yaml"), entries(result, WEB_FILE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (".5m", 30.0),
        ("1.5h", 5400.0),
        ("1m30s", 90.0),
        ("250ms", 0.25),
        ("1.s", 1.0),
        ("0", 0.0),
        (0, 0.0),
        ("-1.5s", -1.5),
        ("+2s", 2.0),
        ("1µs", 1e-6),
        ("4d", None),
        ("1d", None),
        ("30", None),
        (30, None),
        ("1h30", None),
        (".", None),
        ("s", None),
        ("", None),
        ("1mss", None),
        (True, None),
        (None, None),
    ],
)
def test_seconds_reads_what_go_parse_duration_reads(text: Any, expected: float | None) -> None:
    """Go's time.ParseDuration: `[-+]?([0-9]*(\\.[0-9]*)?[a-z]+)+`, a number with at least one
    digit, units ns, us, µs, ms, s, m, h; "0" alone is zero."""
    assert seconds(text) == expected


def test_whole_seconds_rounds_up_exactly() -> None:
    assert (whole_seconds("1.5s"), whole_seconds("0.3m"), whole_seconds("250ms")) == (2, 18, 1)


def test_a_duration_go_cannot_read_is_not_mapped_and_nothing_is_written(tmp_path: Path) -> None:
    body = yaml.safe_load(copilot_text("lb-svc.yml"))
    body["http"]["healthcheck"] = {
        "path": "/ping",
        "interval": "1d",
        "timeout": ".5m",
        "grace_period": "1.5s",
    }
    root = workspace(tmp_path, {"frontend": yaml.safe_dump(body)}, ENV)
    result = imported(root)
    service, found = written(result, "services/frontend.yaml"), entries(result, WEB_FILE)
    assert service["healthCheck"] == {"path": "/ping", "timeoutSeconds": 30}
    assert service["healthCheckGracePeriodSeconds"] == 2
    interval = found["http.healthcheck.interval"]
    assert interval.status == "not mapped"
    assert "'1d' is not a Go duration" in interval.note and "nothing written" in interval.note
    assert found["http.healthcheck.timeout"].status == "mapped"
    assert found["http.healthcheck.grace_period"].status == "changed"
    assert "rounded up" in found["http.healthcheck.grace_period"].note


def test_a_workers_queue_and_cooldown_durations_go_cannot_read_are_not_written(
    tmp_path: Path,
) -> None:
    worker = {
        "name": "worker",
        "type": "Worker Service",
        "image": {"location": "public.ecr.aws/docker/library/busybox:1"},
        "count": {
            "range": "1-3",
            "cooldown": {"in": "2d", "out": "30s"},
            "queue_delay": {"acceptable_latency": "1d", "msg_processing_time": "2s"},
        },
        "subscribe": {"queue": {"retention": "4d", "timeout": "1d"}},
    }
    result = imported(workspace(tmp_path, {"worker": yaml.safe_dump(worker)}, ENV))
    service = written(result, "services/worker.yaml")
    found = entries(result, "copilot/worker/manifest.yml")
    queue = service["queue"]["create"]
    assert "retentionSeconds" not in queue and "visibilityTimeoutSeconds" not in queue
    assert service["scaling"] == {"minCount": 1, "maxCount": 3, "scaleOutCooldownSeconds": 30}
    for path in (
        "subscribe.queue.retention",
        "subscribe.queue.timeout",
        "count.cooldown.in",
        "count.queue_delay",
    ):
        assert found[path].status == "not mapped", path
        assert "not a Go duration" in found[path].note, path


def test_a_jobs_timeout_without_a_unit_is_not_mapped(tmp_path: Path) -> None:
    body = yaml.safe_load(
        copilot_text("scheduled-job-fully-specified-placement.yml").replace("\non:", '\n"on":')
    )
    body["timeout"] = 30  # Copilot's time.ParseDuration("30"): missing unit
    result = imported(workspace(tmp_path, {body["name"]: yaml.safe_dump(body)}, ENV))
    job = written(result, f"jobs/{body['name']}.yaml")
    assert "timeoutSeconds" not in job
    assert entries(result, f"copilot/{body['name']}/manifest.yml")["timeout"].status == (
        "not mapped"
    )


VARIABLES = """\
variables:
  API_VERSION: 1.10
  FILE_MODE: 0755
  EMPTY:
  FLAG: True
  WHEN: 2024-03-01 10:00:00
  MASK: 0x1F
  REDIS:
    from_cfn: demo-redis
sidecars:
  proxy:
    image: public.ecr.aws/nginx/nginx:1
    variables:
      RATIO: 1.50
environments:
  test:
    variables:
      API_VERSION: 2.0
    sidecars:
      proxy:
        variables:
          RATIO: 2.50
"""


def test_variables_keep_the_text_written_as_copilot_reads_them(tmp_path: Path) -> None:
    """Copilot decodes a variable into a Go string (workload_ecs.go `Variable`): the scalar's
    text, a null as ""."""
    _, service, found = web(tmp_path, VARIABLES)
    environment = service["environment"]
    assert {k: v for k, v in environment.items() if k != "REDIS"} == {
        "API_VERSION": "1.10",
        "FILE_MODE": "0755",
        "EMPTY": "",
        "FLAG": "True",
        "WHEN": "2024-03-01 10:00:00",
        "MASK": "0x1F",
    }
    assert environment["REDIS"].startswith("${FILL_IN:the value of export demo-redis")
    assert service["sidecars"][0]["environment"] == {"RATIO": "1.50"}
    override = service["environments"]["test"]
    assert override["environment"] == {"API_VERSION": "2.0"}
    assert override["sidecars"][0]["environment"] == {"RATIO": "2.50"}
    assert found["variables.API_VERSION"].status == "mapped"
    assert found["variables.EMPTY"].status == "mapped"


STORAGE = """\
storage:
  volumes:
    data:
      path: /data
      read_only: false
sidecars:
  proxy:
    image: public.ecr.aws/nginx/nginx:1
    mount_points:
      - source_volume: data
        path: /srv/data
"""


def test_a_volume_named_like_the_tasks_own_is_renamed_everywhere_and_said(
    tmp_path: Path,
) -> None:
    result, service, found = web(tmp_path, STORAGE)
    assert [v["name"] for v in service["volumes"]] == ["data-volume"]
    assert service["sidecars"][0]["volumes"][0]["name"] == "data-volume"
    assert found["storage.volumes.data"].status == "changed"
    assert "uses itself" in found["storage.volumes.data"].note
    assert found["sidecars.proxy.mount_points"].status == "changed"
    out = tmp_path / "out"
    out.mkdir()
    write(result, out)
    fill_placeholders(out)
    settings = load_stack("test", out)  # the plan's settings: a reserved name is refused
    assert [v.name for v in settings.services["frontend"].volumes] == ["data-volume"]


def test_reserved_volume_names_get_names_no_other_volume_has() -> None:
    names = task_volume_names(["data", "myScratch", "data-volume", "cache"])
    assert names == {
        "data": "data-volume-2",
        "myScratch": "my-tmp-volume",
        "data-volume": "data-volume",
        "cache": "cache",
    }


SIDECARS = """\
sidecars:
  proxy:
    image: public.ecr.aws/nginx/nginx:1
  logRouter:
    image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable
"""


def test_each_sidecar_is_hardened_as_the_service_and_said(tmp_path: Path) -> None:
    """Copilot's sidecars have a writable root and the image's user (sidecars.yml sets neither);
    here they take the service's."""
    _, service, found = web(tmp_path, SIDECARS)
    assert [s["writablePaths"] for s in service["sidecars"]] == [["/tmp"], ["/tmp"]]
    for name in ("proxy", "logRouter"):
        entry = found[f"sidecars.{name} (its user and root file system)"]
        assert entry.status == "changed"
        assert "1000:1000" in entry.note and "read-only root" in entry.note


def test_a_sidecar_of_a_writable_service_is_told_only_of_its_user(tmp_path: Path) -> None:
    _, _, found = web(tmp_path, SIDECARS + "storage:\n  readonly_fs: false\n")
    note = found["sidecars.proxy (its user and root file system)"].note
    assert "1000:1000" in note and "read-only root" not in note


def test_an_init_process_rule_is_what_the_platform_always_does(tmp_path: Path) -> None:
    rules = [{"path": "ContainerDefinitions[0].LinuxParameters.InitProcessEnabled", "value": True}]
    _, _, found = web(tmp_path, yaml.safe_dump({"taskdef_overrides": rules}))
    assert found["taskdef_overrides[0]"].status == "mapped"
    assert "init process" in found["taskdef_overrides[0]"].note


def test_only_a_pipelines_manifest_yml_is_read_as_a_pipeline(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, ENV)
    folder = root / "copilot" / "pipelines" / "main"
    folder.mkdir(parents=True)
    (folder / "manifest.yml").write_text("name: main\nversion: 1\n")
    (folder / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [x]\n")
    result = imported(root)
    buildspec = entries(result, "copilot/pipelines/main/buildspec.yml")
    assert list(buildspec) == ["(file)"]
    assert buildspec["(file)"].status == "not mapped"
    assert set(entries(result, "copilot/pipelines/main/manifest.yml")) == {"name", "version"}


def test_an_addon_file_copilot_does_not_read_is_one_row(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"frontend": copilot_text("lb-svc.yml")}, ENV)
    addons = root / "copilot" / "frontend" / "addons"
    addons.mkdir()
    (addons / "table.yml").write_text(copilot_text("ddb.yml"))
    (addons / "table.json").write_text('{"Resources": {"T": {"Type": "AWS::SQS::Queue"}}}')
    result = imported(root)
    ignored = entries(result, "copilot/frontend/addons/table.json")
    assert list(ignored) == ["(file)"]
    assert ignored["(file)"].status == "not mapped"
    assert "Copilot ignores it" in ignored["(file)"].note
    assert "copilot/frontend/addons/table.json" not in result.addons
    listed = result.files["MIGRATION.md"].split("## Addons")[1]
    assert "table.yml`" in listed and "table.json`" not in listed
    assert entries(result, "copilot/frontend/addons/table.yml")["(template)"]


def test_a_pulumi_yaml_kept_is_listed_with_the_files(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, ENV)
    (root / "out").mkdir()
    (root / "out" / "Pulumi.yaml").write_text("name: shop-platform\nruntime: python\n")
    report = imported(root).files["MIGRATION.md"]
    listed = report.split("## Files written")[1].split("##")[0]
    assert "- `Pulumi.yaml`: already there, kept" in listed
    assert "shop-platform" in listed


def test_a_pulumi_yaml_written_is_listed(tmp_path: Path) -> None:
    result = imported(workspace(tmp_path, {}, ENV))
    assert "Pulumi.yaml" in result.files
    assert "- `Pulumi.yaml`\n" in result.files["MIGRATION.md"].split("## Files written")[1]


def test_a_value_holding_a_placeholder_is_changed_not_mapped(tmp_path: Path) -> None:
    extra = (
        "variables:\n  IMAGE_TAG: ${TAG}\n  PLAIN: x\n"
        "sidecars:\n  proxy:\n    image: public.ecr.aws/nginx/nginx:${TAG}\n"
    )
    _, service, found = web(tmp_path, extra)
    assert service["environment"]["IMAGE_TAG"] == "${FILL_IN:shell variable TAG}"
    for path in ("variables.IMAGE_TAG", "sidecars.proxy.image"):
        assert found[path].status == "changed", path
        assert "a placeholder is written for shell variable TAG" in found[path].note
    assert found["variables.PLAIN"].status == "mapped"


def test_a_health_check_command_that_is_not_a_list_is_reported_not_written(
    tmp_path: Path,
) -> None:
    """internal/pkg/manifest/workload_ecs.go: `Command []string`."""
    body = yaml.safe_load(copilot_text("lb-svc.yml"))
    body["image"]["healthcheck"] = {"command": "curl -f http://localhost/ || exit 1"}
    result = imported(workspace(tmp_path, {"frontend": yaml.safe_dump(body)}, ENV))
    assert "containerHealthCheck" not in written(result, "services/frontend.yaml")
    found = entries(result, "copilot/frontend/manifest.yml")["image.healthcheck.command"]
    assert found.status == "not mapped"
