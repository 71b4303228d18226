"""Building Copilot workspaces for the import tests from the copied test inputs
(tests/fixtures/copilot/, aws/copilot-cli, Apache-2.0), and reading what an import wrote."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from migrate.copilot.ledger import Entry
from migrate.copilot.run import Imported, import_workspace

COPILOT = Path(__file__).resolve().parents[1] / "fixtures" / "copilot"
TESTDATA = COPILOT / "testdata"
SHOP = COPILOT / "shop"
PLACEHOLDER = re.compile(r"\$\{FILL_IN:([^}]*)\}")


def workspace(root: Path, workloads: dict[str, str], environments: dict[str, str]) -> Path:
    """A workspace under `root`: each workload's manifest.yml and each environment's, given
    as their text."""
    copilot = root / "copilot"
    copilot.mkdir(parents=True)
    (copilot / ".workspace").write_text("application: demo\n")
    for name, text in workloads.items():
        (copilot / name).mkdir()
        (copilot / name / "manifest.yml").write_text(text)
    for name, text in environments.items():
        (copilot / "environments" / name).mkdir(parents=True)
        (copilot / "environments" / name / "manifest.yml").write_text(text)
    return root


def copilot_text(name: str) -> str:
    return (TESTDATA / name).read_text()


def imported(root: Path, stacks: dict[str, str] | None = None) -> Imported:
    return import_workspace(root, root / "out", stacks or {}, "eu-west-1")


def written(result: Imported, name: str) -> dict[str, Any]:
    """A written YAML file, parsed."""
    return yaml.safe_load(result.files[name])


def entries(result: Imported, file: str) -> dict[str, Entry]:
    return {e.path: e for e in result.ledger.entries if e.file == file}


def leaf_paths(value: Any, at: str = "") -> list[str]:
    """Every leaf of a manifest as a ledger path (`a.b`, `a[0].c`); an empty mapping is a leaf."""
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in leaf_paths(v, f"{at}.{k}" if at else str(k))]
    if isinstance(value, list) and value:
        return [p for i, v in enumerate(value) for p in leaf_paths(v, f"{at}[{i}]")]
    return [at]


def unaccounted(result: Imported, file: str, body: dict[str, Any]) -> list[str]:
    """The leaves of `body` that no ledger entry of `file` covers (itself or a path above it)."""
    paths = set(entries(result, file))
    return [
        leaf
        for leaf in leaf_paths(body)
        if not any(leaf == p or leaf.startswith((f"{p}.", f"{p}[")) for p in paths)
    ]


def copy_shop(root: Path) -> Path:
    shutil.copytree(SHOP, root / "shop")
    return root / "shop"


# What a user writes for each kind of placeholder (by the start of its text).
FILLED = {
    "the tag CI pushes": "1.0.0",
    "the ARN of the topic replacing": "arn:aws:sns:eu-west-1:123456789012:shop-orders",
    "the address alarms notify": "ops@example.com",
    "the secret of export": "ssm:/shop/secret",
    "the security group of export": "sg-0123456789abcdef0",
    "the file system of export": "fs-0123456789abcdef0",
    "the value of export": "value",
    "the value of output": "value",
    "the ARNs ": "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-api-ddb",
    "the id of security group": "sg-0123456789abcdef1",
    "shell variable": "1",
    "the secret ": "secretsmanager:shop/aurora",
    "a built image URI": "public.ecr.aws/example/sidecar:1.0",
    "a full image URI for": "public.ecr.aws/example/image:1.0",
    "the ACM certificate ARN": (
        "arn:aws:acm:eu-west-1:123456789012:certificate/6a1f0c2e-5a7b-4b1e-9c55-1d2e3f4a5b6c"
    ),
}


def fill_placeholders(folder: Path) -> None:
    """Replace the placeholders of the written files the way a user would."""

    def value(match: re.Match[str]) -> str:
        if match.group(1) == "...":  # the header comment
            return match.group(0)
        for kind, prefix in (("the id of VPC", "vpc-"), ("the id of subnet", "subnet-")):
            if match.group(1).startswith(kind):  # one well-formed id per malformed one
                return prefix + hashlib.sha256(match.group(1).encode()).hexdigest()[:17]
        return next(v for k, v in FILLED.items() if match.group(1).startswith(k))

    for path in folder.rglob("*.yaml"):
        path.write_text(PLACEHOLDER.sub(value, path.read_text()))
