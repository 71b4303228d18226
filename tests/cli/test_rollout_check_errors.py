"""`ecs-platform rollout-check` on what it cannot use: a missing or non-JSON file is a usage
error (2); the AWS CLI missing or failing is one line and exit 5, never "a rollout failed" (1)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import NoCredentialsError

from cli.app import main
from ops import aws


def test_a_missing_response_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["rollout-check", "--response", str(tmp_path / "nonexist.json")]) == 2
    err = capsys.readouterr().err
    assert "nonexist.json: cannot be read: No such file or directory" in err
    assert "Traceback" not in err


def test_a_response_that_is_not_json_is_a_usage_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.json").write_text("not json\n")
    assert main(["rollout-check", "--response", str(tmp_path / "bad.json")]) == 2
    assert "bad.json: not JSON: Expecting value" in capsys.readouterr().err


def test_a_services_file_that_is_not_an_object_is_a_usage_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "s.json").write_text('["api"]')
    words = ["rollout-check", "--cluster", "c", "--services-file", str(tmp_path / "s.json")]
    assert main(words) == 2
    assert "not a JSON object" in capsys.readouterr().err


def cluster_check(tmp_path: Path) -> list[str]:
    (tmp_path / "s.json").write_text('{"api": "ecs-platform-dev-api"}')
    return [
        "rollout-check", "--cluster", "c", "--region", "eu-west-1",
        "--services-file", str(tmp_path / "s.json"), "--timeout", "0",
    ]  # fmt: skip


def test_a_failing_aws_cli_is_one_line_and_exit_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    ran: list[list[str]] = []

    def run(command: list[str], **_: Any) -> Any:
        ran.append(command)
        raise subprocess.CalledProcessError(
            255, command, "", "\nUnable to locate credentials. You can configure credentials.\n"
        )

    monkeypatch.setattr(subprocess, "run", run)
    assert main(cluster_check(tmp_path)) == 5
    err = capsys.readouterr().err
    assert err == (
        "rollout check: error: aws ecs describe-services failed (exit 255): Unable to locate"
        " credentials. You can configure credentials.\n"
    )
    assert ran[0][:3] == ["aws", "ecs", "describe-services"]


def test_a_missing_aws_cli_is_one_line_and_exit_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    def run(command: list[str], **_: Any) -> Any:
        raise FileNotFoundError(2, "No such file or directory", "aws")

    monkeypatch.setattr(subprocess, "run", run)
    assert main(cluster_check(tmp_path)) == 5
    assert "the AWS CLI (aws) is not installed" in capsys.readouterr().err


def test_following_deployments_without_credentials_is_exit_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    class NoCredentials:
        def __getattr__(self, name: str) -> Any:
            def call(**_: Any) -> Any:
                raise NoCredentialsError()

            return call

    monkeypatch.setattr(aws, "client", lambda service, region=None: NoCredentials())
    assert main([*cluster_check(tmp_path), "--follow-deployments"]) == 5
    assert capsys.readouterr().err == "error: AWS: Unable to locate credentials\n"
