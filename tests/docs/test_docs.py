"""The docs stay true: generated pages match the code, examples synthesize, every path, config
key and pinned SHA they name exists, and no figure is typed by hand outside generated pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from cost.usage_file import Usage, parse_usage
from harness.engine import run_program
from reference import pages as reference_pages
from settings.platform import PlatformConfig
from settings.stack_files import PROJECT_DIR, read_stack_config
from settings.types import is_mapping_field, model_in

from conftest import FIXTURES

DOCS = PROJECT_DIR / "docs"
PAGES = sorted([PROJECT_DIR / "README.md", PROJECT_DIR / "CONTRIBUTING.md", *DOCS.rglob("*.md")])
HAND_WRITTEN = [p for p in PAGES if "reference" not in p.relative_to(PROJECT_DIR).parts]
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(
    r"(?:<!-- example: (?P<fixture>[\w-]+) -->\n[ \t]*)?```(?P<lang>\w*)\n(?P<body>.*?)```", re.S
)


def _name(path: Path) -> str:
    return str(path.relative_to(PROJECT_DIR))


def _prose(text: str) -> str:
    """The text outside fenced code blocks."""
    return FENCE.sub("", text)


def test_generated_reference_pages_are_up_to_date() -> None:
    assert reference_pages.stale_pages() == [], "run: ecs-platform reference --write"


def test_a_stale_reference_page_is_found(tmp_path: Path) -> None:
    (tmp_path / "policies.md").write_text("# Policy reference\n\nby hand\n")
    assert "policies.md" in reference_pages.stale_pages(tmp_path)


def test_readme_is_a_landing_page() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    assert len(readme.encode()) < 20_000
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make plan" in first_screen and "make test" in first_screen
    assert "Requirements" in first_screen


MACHINE_PATH = re.compile(r"(?<![\w.])(/work/|/home/|/Users/|/root/|/tmp/|[A-Z]:\\\\)")


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_no_machine_paths(page: Path) -> None:
    assert MACHINE_PATH.findall(page.read_text()) == []


REPO_ROOTS = {p.name for p in PROJECT_DIR.iterdir()} - {".git", ".venv", "node_modules"}
PATH_LIKE = re.compile(r"^\.?[\w.-]+(/[\w.<>*-]*)*$")


def _repo_paths(text: str) -> set[str]:
    found = set()
    for span in CODE_SPAN.findall(text):
        token = span.strip()
        first = token.split("/", 1)[0]
        if first not in REPO_ROOTS or not PATH_LIKE.match(token):
            continue
        if "/" in token or "." in token:
            found.add(token)
    return found


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_repository_path_exists(page: Path) -> None:
    missing = []
    for token in sorted(_repo_paths(page.read_text())):
        pattern = re.sub(r"<[^>]+>", "*", token).rstrip("/")
        if not list(PROJECT_DIR.glob(pattern)):
            missing.append(token)
    assert missing == []


def test_the_path_check_catches_a_missing_path() -> None:
    assert _repo_paths("see `components/settings.py` and `review/plan.py`") == {
        "components/settings.py",
        "review/plan.py",
    }
    assert not list(PROJECT_DIR.glob("components/settings.py"))


FILE = re.compile(r"\.(py|go|ya?ml|json|md|txt|toml|mjs)$")
SECTIONS = {f.alias or n for n, f in PlatformConfig.model_fields.items()}
CONFIG_PATH = re.compile(r"^(?:ecs-platform:)?([a-z][A-Za-z0-9]*)((?:\.[^\s.]+)+)$")


def _resolves(path: list[str]) -> bool:
    """Whether a dotted config key path exists in the settings models (`<name>`, `[*]` ok)."""
    model: type[BaseModel] | None = PlatformConfig
    skip_key = False
    for part in path:
        part = re.sub(r"\[[^\]]*\]$", "", part)
        if skip_key:
            skip_key = False
            continue
        if model is None:
            return False
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return False
        skip_key = is_mapping_field(field.annotation)
        model = model_in(field.annotation)
    return True


def config_keys_in(text: str) -> set[str]:
    keys = set()
    for span in CODE_SPAN.findall(text):
        match = CONFIG_PATH.match(span.strip())
        if match and match.group(1) in SECTIONS and "/" not in span and not FILE.search(span):
            keys.add(span.strip())
    return keys


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_config_key_named_exists(page: Path) -> None:
    unknown = [
        key
        for key in sorted(config_keys_in(page.read_text()))
        if not _resolves(key.removeprefix("ecs-platform:").removesuffix(".*").split("."))
    ]
    assert unknown == []


def test_the_key_check_catches_a_stale_key() -> None:
    keys = config_keys_in("`alarms.thresholds.loadBalancer5xxCount` and `services.<name>.port`")
    assert not _resolves(["alarms", "thresholds", "loadBalancer5xxCount"])
    assert _resolves(["alarms", "thresholds", "loadBalancer5XxCount"])
    assert _resolves(["services", "<name>", "port"])
    assert keys == {"alarms.thresholds.loadBalancer5xxCount", "services.<name>.port"}


def _examples() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for page in PAGES:
        for index, match in enumerate(FENCE.finditer(page.read_text())):
            if match["lang"] != "yaml":
                continue
            body = yaml.safe_load(match["body"]) or {}
            if not isinstance(body, dict):
                continue
            config = body.get("config", body)
            if isinstance(config, dict) and any(str(k).startswith("ecs-platform:") for k in config):
                found.append((f"{_name(page)}#{index}", match["fixture"] or "", config))
    return found


EXAMPLES = _examples()


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The example merged into the fixture, mapping by mapping (lists are replaced)."""
    merged = dict(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@pytest.mark.parametrize(("where", "fixture", "config"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_stack_file_example_synthesizes(where: str, fixture: str, config: dict) -> None:
    assert fixture, f"{where}: put <!-- example: <fixture> --> above the block"
    merged = _merge(read_stack_config(fixture, FIXTURES), config)
    synthesis = run_program(fixture, stack_config=merged)
    services = {r.name for r in synthesis.of_type("aws:ecs/service:Service")}
    assert set(config.get("ecs-platform:services", {})) <= services
    jobs = set(synthesis.outputs.get("jobStateMachineArns") or {})
    assert set(config.get("ecs-platform:jobs", {})) <= jobs


def test_there_are_examples_of_every_service_kind() -> None:
    pages = {where.split("#")[0] for where, _, _ in EXAMPLES}
    for kind in ("routed-http", "internal", "queue-worker", "scheduled"):
        assert f"docs/services/{kind}.md" in pages


# Figures (money, counts, timings) live only on generated pages, where a command made them.
FIGURE = re.compile(
    r"\$\d[\d,.]*|\b\d[\d,]* (?:passed|tests|resources|findings|mutants)\b|\b\d+\.\d+ ?s\b"
)


@pytest.mark.parametrize("page", HAND_WRITTEN, ids=_name)
def test_no_hand_typed_figures(page: Path) -> None:
    assert FIGURE.findall(_prose(page.read_text())) == []


def test_the_figure_check_catches_a_cost() -> None:
    assert FIGURE.findall("dev costs $45.34 a month; 727 passed in 96.5 s") == [
        "$45.34",
        "727 passed",
        "96.5 s",
    ]


SHA = re.compile(r"\b[0-9a-f]{40}\b")


def test_pinned_action_shas_in_docs_are_the_workflows() -> None:
    workflows = "".join(p.read_text() for p in (PROJECT_DIR / ".github").rglob("*.yml"))
    for page in PAGES:
        for sha in SHA.findall(page.read_text()):
            assert sha in workflows, f"{_name(page)}: {sha}"


USAGE_KEYS = {f.alias or n for n, f in Usage.model_fields.items()}


def _usage_examples() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for page in PAGES:
        for index, match in enumerate(FENCE.finditer(page.read_text())):
            body = yaml.safe_load(match["body"]) if match["lang"] == "yaml" else None
            if isinstance(body, dict) and body and set(body) <= USAGE_KEYS:
                found.append((f"{_name(page)}#{index}", body))
    return found


def test_every_usage_file_example_is_valid() -> None:
    examples = _usage_examples()
    assert examples, "docs/cost.md shows a usage file"
    for where, body in examples:
        parse_usage(body, Path(f"usage.{where}.yaml"), "production")


COMPONENT_CLASS = re.compile(r"^class (\w+)\(pulumi\.ComponentResource\)", re.M)


def test_the_architecture_names_every_component() -> None:
    classes = {
        name
        for path in (PROJECT_DIR / "components").rglob("*.py")
        for name in COMPONENT_CLASS.findall(path.read_text())
    }
    diagram = (PROJECT_DIR / "CONTRIBUTING.md").read_text().split("## Architecture", 1)[1]
    assert classes and sorted(c for c in classes if c not in diagram) == []
