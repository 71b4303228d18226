"""What a user trial found the import left to a plan error that is not a placeholder: a
`from_cfn` export named after the environment (now a readable placeholder per stack)."""

from __future__ import annotations

import re
from pathlib import Path

from copilot_helpers import (
    FILLED,
    entries,
    imported,
    workspace,
    written,
)

from migrate.copilot.values import placeholder

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
    assert api["environment"]["DB_HOST"] == (
        "${FILL_IN:the value of export demo-<environment>-DbEndpoint}"
    )
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
    assert (
        "| `services/api.yaml` | `environment.DB_HOST` |"
        " the value of export demo-<environment>-DbEndpoint |"
    ) in report
    assert all("$" not in what for _, _, what in placeholders), placeholders
    note = entries(result, "copilot/api/manifest.yml")["variables.DB_HOST"].note
    assert "each stack gets its own under environments.<stack>" in note
