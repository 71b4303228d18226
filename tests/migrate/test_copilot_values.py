"""Copilot's value forms as this project writes them: secrets keep every selector field Copilot
passes to ECS, and the plan resolves them to the same `valueFrom` Copilot's template renders."""

from __future__ import annotations

from pathlib import Path

import pytest
from copilot_helpers import copilot_text, entries, imported, workspace, written

from migrate.copilot.values import secret_reference, secrets_manager_reference
from settings.secrets import secret_source

ARN = "arn:aws:secretsmanager:us-west-2:111122223333:secret:demo/test/mysql-Yi6mvL"


@pytest.mark.parametrize(
    ("copilot", "ours", "value_from"),
    [
        ("mysql", "secretsmanager:mysql", "secret:mysql"),
        ("mysql:password::", "secretsmanager:mysql:password", "secret:mysql:password::"),
        (
            "mysql:password:AWSPREVIOUS:",
            "secretsmanager:mysql:password:AWSPREVIOUS",
            "secret:mysql:password:AWSPREVIOUS:",
        ),
        ("mysql::AWSPREVIOUS:", "secretsmanager:mysql::AWSPREVIOUS", "secret:mysql::AWSPREVIOUS:"),
        (
            "mysql:::0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
            "secretsmanager:mysql:::0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
            "secret:mysql:::0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
        ),
    ],
)
def test_a_secrets_manager_selector_reaches_ecs_as_copilot_rendered_it(
    copilot: str, ours: str, value_from: str
) -> None:
    """Copilot renders `arn:...:{region}:{account}:secret:<value as written>`
    (internal/pkg/template/workload.go `secretsManagerName.ValueFrom`); the plan's valueFrom
    for the imported reference selects the same key, stage and version."""
    reference, how = secrets_manager_reference(copilot)
    assert (reference, how) == (ours, "Secrets Manager, by name")
    resolved = secret_source(reference, "us-west-2", "111122223333").value_from
    ecs_fields = resolved.removeprefix("arn:aws:secretsmanager:us-west-2:111122223333:")
    copilot_fields = value_from.split(":")
    assert ecs_fields.split(":")[: len(copilot_fields)] == copilot_fields
    assert all(not extra for extra in ecs_fields.split(":")[len(copilot_fields) :])


def test_arns_are_written_as_arns_and_labelled_so() -> None:
    assert secrets_manager_reference(ARN) == (ARN, "Secrets Manager, by its ARN")
    assert secret_reference(ARN) == (ARN, "by its ARN")
    assert secret_reference("GH_WEBHOOK_SECRET") == (
        "ssm:GH_WEBHOOK_SECRET",
        "SSM Parameter Store, by name",
    )


def test_the_docs_twice_quoted_arn_loses_the_quotes_copilots_template_consumed() -> None:
    """site/content/docs/developing/secrets.en.md writes `DB: "'arn:...'"`; Copilot's template
    puts the value unquoted into YAML, so CloudFormation read the bare ARN."""
    reference, how = secret_reference(f"'{ARN}'")
    assert reference == ARN
    assert "single quotes" in how


def test_a_version_stage_in_a_manifest_is_written_and_reported(tmp_path: Path) -> None:
    manifest = copilot_text("lb-svc.yml") + (
        "\nsecrets:\n  OLD_DB:\n    secretsmanager: 'demo/db:password:AWSPREVIOUS:'\n"
        "  BY_ARN: \"'" + ARN + "'\"\n"
    )
    environment = copilot_text("environment-import-vpc.yml")
    root = workspace(tmp_path, {"frontend": manifest}, {"test": environment})
    result = imported(root)
    secrets = written(result, "services/frontend.yaml")["secrets"]
    assert secrets["OLD_DB"] == "secretsmanager:demo/db:password:AWSPREVIOUS"
    assert secrets["BY_ARN"] == ARN
    found = entries(result, "copilot/frontend/manifest.yml")
    assert found["secrets.OLD_DB"].status == "mapped"
    assert "AWSPREVIOUS" in found["secrets.OLD_DB"].note
    assert "by its ARN" in found["secrets.BY_ARN"].note
