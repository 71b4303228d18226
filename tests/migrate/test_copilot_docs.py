"""docs/copilot.md shows the import of the shop workspace as the command prints and writes it:
regenerated here (ECS_PLATFORM_WRITE_EXAMPLES=1 rewrites the page), never typed by hand."""

from __future__ import annotations

import os
import re
from pathlib import Path

from copilot_helpers import SHOP

from migrate.copilot.run import Imported, import_workspace
from settings.stack_files import PROJECT_DIR

PAGE = PROJECT_DIR / "docs" / "copilot.md"
BLOCK = re.compile(
    r"(<!-- copilot-import-example -->\n)(.*?)(<!-- /copilot-import-example -->)", re.S
)
COMMAND = "ecs-platform import copilot tests/fixtures/copilot/shop --region eu-west-1"
FENCE = "```"


def _section(report: str, heading: str) -> str:
    """From `heading` to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = report.index(heading + "\n")
    rest = report[start + len(heading) + 1 :]
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", rest, re.M)]
    return (heading + "\n" + rest[: ends[0] if ends else len(rest)]).strip()


def example(result: Imported) -> str:
    """The block of the page: the command and its line, a written file, MIGRATION.md excerpts
    (their backticks left out: the docs' checks would read Copilot's field names and the
    imported project's paths as this repository's keys and files)."""
    report = result.files["MIGRATION.md"]
    excerpt = "\n\n".join(
        [
            _section(report, "## Placeholders to fill in before `ecs-platform plan`"),
            _section(report, "### `copilot/api/manifest.yml`"),
            _section(report, "## Addons"),
        ]
    )
    return "\n".join(
        [
            f"{FENCE}text",
            f"$ {COMMAND}",
            result.ledger.summary(),
            FENCE,
            "",
            "The web service's file (services/frontend.yaml), as written:",
            "",
            f"{FENCE}yaml",
            result.files["services/frontend.yaml"].rstrip(),
            FENCE,
            "",
            "From MIGRATION.md (without its code formatting): the placeholders, one manifest's"
            " fields, and the addons:",
            "",
            f"{FENCE}text",
            excerpt.replace("`", ""),
            FENCE,
            "",
        ]
    )


def test_the_page_shows_what_the_import_prints_and_writes(tmp_path: Path) -> None:
    result = import_workspace(SHOP, tmp_path, {}, "eu-west-1")
    wanted = example(result)
    page = PAGE.read_text()
    found = BLOCK.search(page)
    assert found, "docs/copilot.md: keep the copilot-import-example markers"
    if os.environ.get("ECS_PLATFORM_WRITE_EXAMPLES"):
        PAGE.write_text(page[: found.start(2)] + wanted + page[found.end(2) :])
        return
    assert found.group(2) == wanted, "run: ECS_PLATFORM_WRITE_EXAMPLES=1 pytest " + __file__
