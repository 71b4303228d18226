"""`ecs-platform import`: move a deployment from another tool into this project's files. Its one
command, `import copilot`, reads an AWS Copilot workspace (migrate/copilot/)."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import command, emit_json, json_output
from migrate.copilot.run import import_workspace, parse_environments, write
from migrate.copilot.workspace import CopilotError

COPILOT_EXITS = {
    0: "the files and MIGRATION.md were written",
    2: "refused, nothing written: no workspace, invalid YAML, an unknown workload type, a bad"
    " option, or a file that exists (without --force)",
}


@click.group("import")
def import_group() -> None:
    """Move a deployment from another tool into this project's files."""


@command("copilot", COPILOT_EXITS)
@json_output(
    "`summary` (the line printed without --json), `counts` ({mapped, changed, not mapped}),"
    " `stacks` ({Copilot environment: stack}), `files` (written, relative to --out),"
    " `placeholders` ([{file, key, what}]: the values to fill in before planning)"
)
@click.argument("path", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default="the current folder",
    help="Where to write services/, jobs/, Pulumi.<stack>.yaml and MIGRATION.md.",
)
@click.option(
    "--environments",
    metavar="ENV=TIER|STACK[:TIER],...",
    help="Each Copilot environment's tier (dev=development,prod=production), or its stack"
    " name (test=staging), or both (test=staging:production); default: a stack named after the"
    " environment, tier production for a prod, production, prd or live environment or stack,"
    " development for the rest.",
)
@click.option(
    "--region",
    metavar="REGION",
    help="The stacks' AWS region (a Copilot manifest does not say it); default: a placeholder.",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.option("--json", "as_json", is_flag=True, help="What was written, as JSON.")
def copilot(
    path: Path, out: Path, environments: str | None, region: str | None, force: bool, as_json: bool
) -> int:
    """Import the Copilot workspace at PATH (the folder holding copilot/): one workload file per
    service and job, one stack file per environment, and MIGRATION.md with every manifest field
    as mapped, changed or not mapped. Prints one summary line."""
    try:
        imported = import_workspace(path, out, parse_environments(environments), region)
        out.mkdir(parents=True, exist_ok=True)
        write(imported, out, force)
    except CopilotError as error:
        click.echo(f"import refused: {error}", err=True)
        return 2
    if as_json:
        emit_json(
            {
                "summary": imported.ledger.summary(),
                "counts": imported.ledger.counts(),
                "stacks": imported.stacks,
                "files": sorted(imported.files),
                "placeholders": [
                    {"file": f, "key": k, "what": w} for f, k, w in imported.ledger.placeholders
                ],
                "beforeFirstPlan": [line.removeprefix("- ") for line in imported.before[2:-1]],
            }
        )
        return 0
    click.echo(imported.ledger.summary())
    if imported.before:
        click.echo("before the first plan: see MIGRATION.md, 'Before the first plan'", err=True)
    return 0


import_group.add_command(copilot)
COMMANDS = [import_group]
