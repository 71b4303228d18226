"""Every sample manifest of Copilot's reference pages (load balanced web, backend and worker
services, scheduled job) imports with every field accounted for, and loads in this project once
the placeholders the import names are filled in."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from copilot_helpers import SHOP, copilot_text, fill_placeholders, imported, unaccounted, workspace

from migrate.copilot.run import write
from migrate.copilot.workspace import CopilotError
from settings.loader import load_stack

# An environment that loads: the shop's, which imports a VPC with well-formed ids.
ENVIRONMENT = (SHOP / "copilot" / "environments" / "test" / "manifest.yml").read_text()


def _samples() -> list[tuple[str, str]]:
    """(id, manifest text) of every sample of Copilot's manifest reference pages."""
    found = []
    for page in ("lb-web-service", "backend-service", "worker-service", "scheduled-job"):
        for document in copilot_text(f"{page}-samples.yml").split("\n--- # ")[1:]:
            title, _, text = document.partition("\n")
            found.append((f"{page}: {title}", text))
    return found


SAMPLES = _samples()


@pytest.mark.parametrize(("sample", "text"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_every_sample_is_accounted_for_and_loads_once_filled_in(
    tmp_path: Path, sample: str, text: str
) -> None:
    body = yaml.load(text, Loader=yaml.BaseLoader)  # YAML 1.2's strings: `on` is a key
    envs = list(body.get("environments") or {}) or ["test"]
    root = workspace(
        tmp_path,
        {body["name"]: text},
        {env: ENVIRONMENT.replace("name: test", f"name: {env}") for env in envs},
    )
    if body["type"] == "Backend Serivce":  # sic: the "Shared file system" sample's typo
        with pytest.raises(CopilotError, match="unknown workload type 'Backend Serivce'"):
            imported(root)  # as Copilot does (internal/pkg/manifest/workload.go)
        return
    result = imported(root)
    assert unaccounted(result, f"copilot/{body['name']}/manifest.yml", body) == []
    out = tmp_path / "out"
    out.mkdir()
    write(result, out)
    fill_placeholders(out)
    for env in envs:
        settings = load_stack(env, out)
        assert body["name"] in {*settings.services, *settings.jobs}
