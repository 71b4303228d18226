"""Every pointer to the docs that the code or a stack file prints leads somewhere: a page that
exists and, where a section is meant, a heading of that page (the anchor mkdocs makes of it).

Read from every string literal of the code (messages, help, plan notes, risk recipes, settings
descriptions) and from the text of the stack files (the root Pulumi.<stack>.yaml and the
fixtures, comments included)."""

from __future__ import annotations

import ast
import functools
import re
import unicodedata
from pathlib import Path

import pytest

from settings.stack_files import PROJECT_DIR

from conftest import FIXTURES

CODE = ("settings", "components", "harness", "review", "cost", "ops", "cli", "policy", "bench")
# docs/<page>.md, README.md or CONTRIBUTING.md, with an optional #anchor.
PAGE = re.compile(
    r"(?<![\w/.-])(?P<page>docs/[\w./-]+?\.md|README\.md|CONTRIBUTING\.md)(?:#(?P<anchor>[\w-]+))?"
)
# A section named in words instead of an anchor ("README: AMI updates", "README.md (Config
# reference)"): the heading must exist too.
NAMED_SECTION = re.compile(r"\b(?P<page>README|CONTRIBUTING)(?:\.md)?(?::| \()\s*(?P<name>[^)\n]+)")
HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)(?:\s*\{#(?P<id>[\w-]+)\})?\s*$", re.M)
FENCE = re.compile(r"```.*?```", re.S)


def slug(heading: str) -> str:
    """The anchor Python-Markdown's toc extension makes of a heading (its default slugify, on
    the heading's text: code spans and links reduced to their words)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


@functools.cache
def headings(page: Path) -> dict[str, str]:
    """{anchor: heading text} of a Markdown page (outside fenced code)."""
    text = FENCE.sub("", page.read_text())
    return {m["id"] or slug(m["text"]): m["text"] for m in HEADING.finditer(text)}


def pointers_in(text: str) -> list[tuple[str, str | None, str | None]]:
    """(page, anchor, section name) for each pointer in `text`."""
    found = [(m["page"], m["anchor"], None) for m in PAGE.finditer(text)]
    found += [(f"{m['page']}.md", None, m["name"].strip()) for m in NAMED_SECTION.finditer(text)]
    return found


def problem(pointer: tuple[str, str | None, str | None], beside: Path) -> str | None:
    """Why a pointer leads nowhere (None when it resolves). A page is looked for from the
    project's root, then from the folder of the file that names it ("README.md in this
    folder")."""
    page, anchor, name = pointer
    path = next((p for p in (PROJECT_DIR / page, beside / page) if p.is_file()), None)
    if path is None:
        return f"{page}: no such page"
    if anchor is not None and anchor not in headings(path):
        return f"{page}#{anchor}: no such heading"
    if name is not None:
        wanted = name.lower()
        if not any(text.replace("`", "").lower() == wanted for text in headings(path).values()):
            return f"{page} ({name}): no heading of that name; point at {page}#<anchor>"
    return None


def code_strings(path: Path) -> list[str]:
    """Every string literal of a Python file (f-strings' literal parts too)."""
    tree = ast.parse(path.read_text())
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def sources() -> list[tuple[Path, list[str]]]:
    """(file, the texts in it that the code prints or a stack file shows)."""
    code = sorted(p for package in CODE for p in (PROJECT_DIR / package).rglob("*.py"))
    code.append(PROJECT_DIR / "__main__.py")
    stacks = sorted([*PROJECT_DIR.glob("Pulumi.*.yaml"), *FIXTURES.glob("Pulumi.*.yaml")])
    return [(p, code_strings(p)) for p in code] + [(p, [p.read_text()]) for p in stacks]


def unresolved(files: list[tuple[Path, list[str]]]) -> list[str]:
    return [
        f"{path.relative_to(PROJECT_DIR) if path.is_relative_to(PROJECT_DIR) else path}: {reason}"
        for path, texts in files
        for text in texts
        for pointer in pointers_in(text)
        if (reason := problem(pointer, path.parent)) is not None
    ]


def test_every_pointer_the_code_or_a_stack_file_prints_exists() -> None:
    files = sources()
    assert sum(len(pointers_in(t)) for _, texts in files for t in texts) > 20  # it reads them
    assert unresolved(files) == []


@pytest.mark.parametrize(
    "text",
    [
        "see docs/bootstrap.md",
        "see docs/first-up.md#no-such-section",
        "README.md (Config reference)",
        "README: AMI updates",
        "details in CONTRIBUTING.md#nowhere",
    ],
)
def test_the_check_catches_a_planted_bad_pointer(tmp_path: Path, text: str) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(f"MESSAGE = {text!r}\n")
    (found,) = [reason for reason in unresolved([(planted, code_strings(planted))])]
    assert found


def test_good_pointers_pass_and_anchors_follow_mkdocs(tmp_path: Path) -> None:
    text = (
        "docs/first-up.md#bootstrap-repositories-then-images-then-everything,"
        " docs/lifecycle.md#before-the-first-pulumi-up, README.md, docs/reference/"
        "commands.md#ecs-platform-plan, README.md in this folder"
    )
    (tmp_path / "README.md").write_text("# here\n")
    assert [problem(p, tmp_path) for p in pointers_in(text)] == [None] * 5
    assert slug("Before the first `pulumi up`") == "before-the-first-pulumi-up"
    assert slug("AMI updates and instance refresh") == "ami-updates-and-instance-refresh"
