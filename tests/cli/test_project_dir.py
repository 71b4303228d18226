"""The project folder a command takes without --project-dir: the nearest folder holding a
Pulumi.yaml from the current one up, as the Pulumi CLI finds its project; else this checkout.
A folder without the program (an import written outside a checkout) is refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.app import main
from cli.common import default_project_dir
from settings.stack_files import PROJECT_DIR


def test_the_nearest_folder_with_a_pulumi_yaml_is_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: shop\n")
    (tmp_path / "services").mkdir()
    monkeypatch.chdir(tmp_path / "services")
    assert default_project_dir() == tmp_path
    monkeypatch.chdir(tmp_path)
    assert default_project_dir() == tmp_path


def test_without_one_it_is_this_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert default_project_dir() == PROJECT_DIR


def test_a_folder_of_stack_files_without_the_program_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config:\n  shop:tier: development\n")
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "test"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path} holds no program (__main__.py)" in err
    assert "Traceback" not in err
