"""`svc verify`, `svc revisions` and `svc deploy` against the emulator (GitHub's REST API is a
recording fake transport)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator import moto_backend, scenarios, seed

from cli.app import main
from ops import github_api

from conftest import project_copy

REGION = "eu-west-1"
DIGEST = "sha256:" + "2" * 64


def run(project: Path, *words: str) -> list[str]:
    return [*words, "--stack", "dev", "--project-dir", str(project)]


def test_verify_names_the_missing_secret_and_passes_the_rest(
    emulator, names_of, fixture_project, capsys
):
    scenarios.verifiable_api(seed.stack(names_of("dev")))
    assert main(run(fixture_project, "svc", "verify", "api", "--json")) == 1
    checks = {c["check"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["secret DB_PASSWORD"]["ok"] is False
    assert "does not exist" in checks["secret DB_PASSWORD"]["detail"]
    failed = [name for name, check in checks.items() if not check["ok"]]
    assert failed == ["secret DB_PASSWORD"]
    assert checks["image"]["detail"] == "ecs-platform-dev/api:latest"
    assert checks["target group"]["detail"] == "ecs-platform-dev-api-8080 port 8080"


def test_revisions_newest_first_with_what_uses_them(emulator, names_of, fixture_project, capsys):
    seeded = seed.stack(names_of("dev"))
    seed.service(seeded, "api", desired=1)
    for _ in range(2):
        seed.register(seeded, "api")
    assert main(run(fixture_project, "svc", "revisions", "api", "--json")) == 0
    found = json.loads(capsys.readouterr().out)["revisions"]
    assert [r["revision"] for r in found] == [3, 2, 1]
    assert [r["inUse"] for r in found] == [[], [], ["PRIMARY"]]


class FakeGitHub:
    """Records each REST call; answers like GitHub's contents, refs and pulls endpoints."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any] | None]] = []

    def __call__(self, method: str, url: str, payload: dict[str, Any] | None) -> Any:
        self.calls.append((method, url, payload))
        path = url.split("/repos/team/app", 1)[1]
        replies = {
            ("GET", ""): {"default_branch": "main"},
            ("GET", "/git/ref/heads/main"): {"object": {"sha": "c0ffee"}},
            ("POST", "/git/refs"): {},
            ("PUT", "/contents/Pulumi.dev.yaml"): {},
            ("POST", "/pulls"): {"number": 12},
        }
        if path.startswith("/contents/"):
            body = {"sha": "f1le"} if method == "GET" else {}
        elif path.startswith("/pulls?"):
            body = []
        else:
            body = replies[(method, path)]
        return github_api.Response(200, body, {})


def test_deploy_opens_the_release_pr_and_follows_the_rollout(
    emulator, names_of, tmp_path, monkeypatch, capsys
):
    project = project_copy(tmp_path / "project")
    seeded = seed.stack(names_of("dev"))
    seed.service(seeded, "api", desired=1)
    fake = FakeGitHub()
    monkeypatch.setattr(
        github_api, "from_environment",
        lambda: github_api.GitHub("team/app", fake, "https://api.github.com"),
    )  # fmt: skip
    # the merged release, applied by `pulumi up`: a revision with the digest, rolled out
    image = f"{seed.IMAGE}@{DIGEST}"
    definition = seed.register(seeded, "api", image=image)
    seed.client("ecs", REGION).update_service(
        cluster=seeded.names.cluster, service="api", taskDefinition=definition
    )
    moto_backend.set_service(REGION, seeded.names.cluster, "api", running=1, rollout="COMPLETED")
    words = run(project, "svc", "deploy", "api", "--digest", DIGEST, "--wait", "--interval", "0")
    assert main(words) == 0
    captured = capsys.readouterr()
    assert "opened pull request #12" in captured.err + captured.out
    assert "api: reached" in captured.out
    text = (project / "Pulumi.dev.yaml").read_text()
    assert f"image: {{repository: api, digest: {DIGEST}}}" in text
    (put,) = [payload for method, url, payload in fake.calls if method == "PUT"]
    assert put is not None and put["branch"] == f"release/dev/api/{'2' * 12}"
