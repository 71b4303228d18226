"""Platform tests read fixtures, never the user's root Pulumi.<stack>.yaml (issue 16): a call that
would read a root stack file (read_stack_config or run_program without a folder or a config)
fails here, naming the file and line."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ALLOWED = {"stacks"}  # the generic suite reads the user's stack files on purpose


def root_stack_reads(source: str) -> list[int]:
    """Lines calling read_stack_config(stack) or run_program(stack) with no folder or config."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        keywords = {k.arg for k in node.keywords}
        if node.func.id == "read_stack_config" and len(node.args) < 2 and not keywords:
            lines.append(node.lineno)
        if node.func.id == "run_program" and not keywords & {"stack_config", "project_dir"}:
            lines.append(node.lineno)
    return lines


def test_no_platform_test_reads_a_root_stack_file() -> None:
    found = [
        f"{path.relative_to(TESTS)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.parent.name not in ALLOWED
        for line in root_stack_reads(path.read_text())
    ]
    assert found == []


def test_the_check_sees_a_root_read() -> None:
    assert root_stack_reads('read_stack_config("prod")\nrun_program("dev")\n') == [1, 2]
    assert root_stack_reads('read_stack_config("prod", FIXTURES)\n') == []
