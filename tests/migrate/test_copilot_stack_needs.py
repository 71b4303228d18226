"""What a user trial found the import left to a plan error that is not a placeholder: a
`from_cfn` export named after the environment (now a readable placeholder per stack), a worker
scaling on backlog per task (Container Insights now turned on where it runs, as tier production
keeps it), an alias in an environment without a certificate (now a certificate placeholder, not
plain HTTP). The plan of such a workspace names only placeholders, and passes once they are
filled in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from copilot_helpers import (
    FILLED,
    PLACEHOLDER,
    entries,
    fill_placeholders,
    imported,
    workspace,
    written,
)
from policy_offline import findings_of, policy_config

from cli.app import main
from harness.engine import run_program
from migrate.copilot.run import write
from migrate.copilot.values import placeholder

from conftest import project_copy

API = """\
name: api
type: Backend Service
image:
  location: public.ecr.aws/nginx/nginx:1.25
  port: 8080
variables:
  DB_HOST:
    from_cfn: ${COPILOT_APPLICATION_NAME}-${COPILOT_ENVIRONMENT_NAME}-DbEndpoint
secrets:
  DB_PASSWORD:
    from_cfn: ${COPILOT_APPLICATION_NAME}-${COPILOT_ENVIRONMENT_NAME}-DbSecret
"""
WORKER = """\
name: worker
type: Worker Service
image:
  location: public.ecr.aws/nginx/nginx:1.25
count:
  range: 1-5
  queue_delay:
    acceptable_latency: 10m
    msg_processing_time: 250ms
"""
WEB = """\
name: web
type: Load Balanced Web Service
image:
  location: public.ecr.aws/nginx/nginx:1.25
  port: 8080
http:
  path: /
  alias: web.example.com
"""
PLAIN = "name: {0}\ntype: Environment\n"
CERTIFIED = (
    "name: {0}\ntype: Environment\nhttp:\n  public:\n"
    f"    certificates: [{FILLED['the ACM certificate ARN']}]\n"
)
INSIGHTS_OFF = "name: {0}\ntype: Environment\nobservability:\n  container_insights: false\n"
STACKS = ("dev", "qa", "prod")
ROW = re.compile(r"^\| `([^`]+)` \| `([^`]+)` \| (.*) \|$")


def test_a_placeholders_text_never_holds_a_variable_or_a_brace() -> None:
    assert placeholder("export demo-${stack}-X") == "${FILL_IN:export demo-<stack>-X}"
    for what in ("a ${FILL_IN:shell variable X} b", "odd } { $${KEPT} ${", "x-${a${b}}"):
        inner = placeholder(what).removeprefix("${FILL_IN:").removesuffix("}")
        assert not set(inner) & set("{}"), inner


def test_a_from_cfn_export_named_after_the_environment_is_written_readably_per_stack(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path, {"api": API}, {e: PLAIN.format(e) for e in ("test", "prod")})
    result = imported(root, {"test": "staging"})
    api = written(result, "services/api.yaml")
    # every stack has its own: the base one would never be read, and is not written
    assert "DB_HOST" not in api.get("environment", {})
    # each stack's export, by the Copilot environment's own name (test, not staging)
    assert api["environments"]["staging"]["environment"]["DB_HOST"] == (
        "${FILL_IN:the value of export demo-test-DbEndpoint}"
    )
    assert api["environments"]["prod"]["secrets"]["DB_PASSWORD"] == (
        "${FILL_IN:the secret of export demo-prod-DbSecret}"
    )
    placeholders = result.ledger.placeholders
    assert ("services/api.yaml", "environments.staging.secrets.DB_PASSWORD",
            "the secret of export demo-test-DbSecret") in placeholders  # fmt: skip
    report = result.files["MIGRATION.md"]
    assert "| `services/api.yaml` | `environment.DB_HOST` |" not in report
    assert all("$" not in what for _, _, what in placeholders), placeholders
    note = entries(result, "copilot/api/manifest.yml")["variables.DB_HOST"].note
    assert "each stack gets its own under environments.<stack>" in note


def test_a_worker_scaling_on_backlog_turns_container_insights_on_where_it_runs(
    tmp_path: Path,
) -> None:
    """dev and qa: Insights off, turned on (the policy pack's ecs-12 is mandatory at every
    tier); test: Copilot's default (absent), with backlog scaling: written on, and why."""
    scaled = {"range": "1-5", "queue_delay": {"acceptable_latency": "10m",
                                                "msg_processing_time": "250ms"}}  # fmt: skip
    worker = yaml.safe_load(WORKER) | {"count": 1, "environments": {
        "qa": {"count": scaled}, "test": {"count": scaled}}}  # fmt: skip
    envs = {"dev": INSIGHTS_OFF.format("dev"), "qa": INSIGHTS_OFF.format("qa"),
            "test": PLAIN.format("test")}  # fmt: skip
    result = imported(workspace(tmp_path, {"worker": yaml.safe_dump(worker)}, envs))
    scaling = written(result, "services/worker.yaml")["environments"]
    assert {s for s, o in scaling.items() if o["scaling"].get("backlogPerTask")} == {"qa", "test"}
    insights = {e: written(result, f"Pulumi.{e}.yaml")["config"]["demo:cluster"]
                for e in ("dev", "qa", "test")}  # fmt: skip
    assert insights == {e: {"containerInsights": "enabled"} for e in ("dev", "qa", "test")}
    for env in ("dev", "qa"):
        found = entries(result, f"copilot/environments/{env}/manifest.yml")
        assert found["observability.container_insights"].status == "changed"
        assert "ecs-12-container-insights" in found["observability.container_insights"].note
    test = entries(result, "copilot/environments/test/manifest.yml")
    entry = test["observability.container_insights (absent)"]
    assert entry.status == "changed"
    assert "count.queue_delay of worker" in entry.note and "RunningTaskCount" in entry.note


def test_tier_production_keeps_container_insights_on(tmp_path: Path) -> None:
    result = imported(workspace(tmp_path, {}, {"prod": INSIGHTS_OFF.format("prod")}))
    cluster = written(result, "Pulumi.prod.yaml")["config"]["demo:cluster"]
    assert cluster == {"containerInsights": "enabled"}
    found = entries(result, "copilot/environments/prod/manifest.yml")
    entry = found["observability.container_insights"]
    assert entry.status == "changed" and "tier production" in entry.note


def test_an_alias_without_a_certificate_asks_for_one_instead_of_plain_http(
    tmp_path: Path,
) -> None:
    """dev: an alias, no certificate (a placeholder); test: no alias, no certificate (plain
    HTTP, as Copilot served it); prod: an alias and the environment's certificate."""
    web = WEB.replace("  alias: web.example.com\n", "") + (
        "environments:\n  dev:\n    http:\n      alias: dev.example.com\n"
        "  prod:\n    http:\n      alias: [shop.example.com]\n"
    )
    envs = {"dev": PLAIN.format("dev"), "test": PLAIN.format("test"),
            "prod": CERTIFIED.format("prod")}  # fmt: skip
    result = imported(workspace(tmp_path, {"web": web}, envs))
    balancers = {e: written(result, f"Pulumi.{e}.yaml")["config"]["demo:loadBalancer"]
                 for e in envs}  # fmt: skip
    assert balancers["dev"] == {
        "certificateArn": "${FILL_IN:the ACM certificate ARN (covering dev.example.com)}"
    }
    assert balancers["test"] == {"allowPlainHttp": True}
    assert balancers["prod"] == {"certificateArn": FILLED["the ACM certificate ARN"]}
    assert (
        "Pulumi.dev.yaml",
        "demo:loadBalancer.certificateArn",
        "the ACM certificate ARN (covering dev.example.com)",
    ) in result.ledger.placeholders
    found = entries(result, "copilot/web/manifest.yml")
    alias = found["http.alias (stack dev)"]
    assert alias.status == "changed"
    assert "loadBalancer.certificateArn" in alias.note and "loadBalancer.domain" in alias.note
    assert "http.alias (stack prod)" not in found
    certificates = entries(result, "copilot/environments/dev/manifest.yml")
    entry = certificates["http.public.certificates (absent)"]
    assert entry.status == "changed" and "web (dev.example.com)" in entry.note


@pytest.fixture(scope="module")
def trial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trial's workspace, imported: dev without a certificate or observability, qa with
    Container Insights off, prod with a certificate and Container Insights off."""
    root = tmp_path_factory.mktemp("trial")
    off = "observability:\n  container_insights: false\n"
    envs = {"dev": PLAIN.format("dev"), "qa": INSIGHTS_OFF.format("qa"),
            "prod": CERTIFIED.format("prod") + off}  # fmt: skip
    result = imported(workspace(root, {"api": API, "worker": WORKER, "web": WEB}, envs))
    out = root / "out"
    out.mkdir()
    write(result, out)
    return out


@pytest.mark.parametrize("stack", STACKS)
def test_the_plan_names_only_the_placeholders_by_file_and_key(
    trial: Path, tmp_path: Path, capsys, stack: str
) -> None:
    project = project_copy(tmp_path / "project", stacks_from=trial)
    assert main(["plan", stack, "--project-dir", str(project)]) != 0
    header, *problems = capsys.readouterr().err.splitlines()
    assert header.startswith("error: invalid stack configuration"), header
    report = (trial / "MIGRATION.md").read_text().splitlines()
    rows = {found.groups() for found in map(ROW.match, report) if found}
    named = set()
    for line in (p for p in problems if not p.startswith("(")):  # not the closing note
        file, key = line.split(": ")[:2]
        key = f"demo:{key}" if file.startswith("Pulumi.") else key
        found = PLACEHOLDER.findall(line)
        assert len(found) == 1 and (file, key, found[0]) in rows, line
        named.add((file, key))
    assert ("services/api.yaml", f"environments.{stack}.environment.DB_HOST") in named
    if stack != "prod":  # the alias's certificate
        assert (f"Pulumi.{stack}.yaml", "demo:loadBalancer.certificateArn") in named


@pytest.mark.parametrize("stack", STACKS)
def test_once_filled_in_each_stack_plans_and_passes_the_policy_pack(
    trial: Path, tmp_path: Path, capsys, stack: str
) -> None:
    tier = "prod" if stack == "prod" else "dev"  # the policy config of the stack's tier
    filled = tmp_path / "filled"
    for path in trial.rglob("*.yaml"):
        target = filled / path.relative_to(trial)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text())
    fill_placeholders(filled)
    project = project_copy(tmp_path / "project", stacks_from=filled)
    assert main(["plan", stack, "--project-dir", str(project), "--json"]) == 0, capsys.readouterr()
    synthesis = run_program(stack, project_dir=project)  # the plan's run, from the run cache
    assert "aws:sqs/queue:Queue" in {r.type for r in synthesis.resources}
    config = policy_config(tier)
    advisory = {n for n, e in config.items() if e.get("enforcementLevel") == "advisory"}
    open_findings = {f.policy for f in findings_of(synthesis, tier) if f.waiver is None}
    assert open_findings <= advisory
