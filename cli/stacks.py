"""Commands about the project's stacks as files: the merged settings of a stack (`config`) and a
new stack made from another (`stack add`)."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import (
    check_stack,
    command,
    emit_json,
    exit_epilog,
    exits,
    json_output,
    project_dir_option,
)
from ops.new_stack import StackAddError, add_stack, write
from settings.explain import explain, origins, render
from settings.loader import SettingsError
from settings.stack_files import ConfigFileError

CONFIG_EXITS = {0: "the settings were printed", 2: "bad stack file or workload file"}
ADD_EXITS = {0: "the stack file and workflow entries were written", 2: "refused: nothing written"}


@command("config", CONFIG_EXITS)
@json_output(
    "`stack`; `settings` (the merged settings, camelCase, as the program sees them); with"
    " --explain, `origins` ({key path: the file it came from, or which default})"
)
@click.argument("stack")
@click.option(
    "--explain", "with_origins", is_flag=True, help="Say after each value which file it came from."
)
@click.option("--json", "as_json", is_flag=True, help="The settings as JSON.")
@project_dir_option
def config(stack: str, with_origins: bool, as_json: bool, project_dir: Path) -> int:
    """The settings of STACK as the program sees them: its stack file with services/<name>.yaml
    merged in (environments.<stack> applied, ${...} replaced) and every default filled in."""
    project_dir = project_dir.resolve()
    check_stack(stack, project_dir)
    try:
        explained = explain(stack, project_dir)
    except (SettingsError, ConfigFileError) as error:
        click.echo(f"error: {error}", err=True)
        return 2
    if as_json:
        data = {"stack": stack, "settings": explained.data}
        emit_json({**data, "origins": origins(explained)} if with_origins else data)
        return 0
    header = f"# stack {stack}: Pulumi.{stack}.yaml with services/*.yaml merged, defaults filled"
    click.echo("\n".join([header, *render(explained, with_origins)]))
    return 0


@click.group("stack")
def stack() -> None:
    """The project's stacks (one Pulumi.<stack>.yaml each)."""


@stack.command("add", epilog=exit_epilog(ADD_EXITS))
@exits(ADD_EXITS)
@json_output(
    "`stack`, `from`, `files` (the files written or changed), `changes` (what was made, one"
    " line each)"
)
@click.argument("name")
@click.option("--from", "source", required=True, metavar="STACK", help="The stack to copy.")
@click.option(
    "--existing",
    is_flag=True,
    help="Pulumi.NAME.yaml is there already (an import wrote it): only add NAME to the"
    " workflows, deployed like --from STACK.",
)
@click.option("--json", "as_json", is_flag=True, help="What was made, as JSON.")
@project_dir_option
def add(name: str, source: str, existing: bool, as_json: bool, project_dir: Path) -> int:
    """Add stack NAME as a copy of --from STACK: writes Pulumi.NAME.yaml (its own VPC range and
    deploy environment) and adds NAME to the workflows' stack lists and deploy jobs. With
    --existing, the stack file is kept and only the workflows change."""
    try:
        made = add_stack(name, source, project_dir.resolve(), existing)
    except StackAddError as error:
        click.echo(f"stack add refused: {error}", err=True)
        return 2
    write(made)
    if as_json:
        files = sorted(str(path.relative_to(project_dir.resolve())) for path in made.files)
        emit_json({"stack": name, "from": source, "files": files, "changes": made.lines})
        return 0
    click.echo("\n".join(made.lines))
    click.echo(
        f"next: ecs-platform plan {name}; pulumi stack init {name}; create the GitHub"
        f" environment {name}; add {name} to the PREVIEW_ROLE_ARNS, DEPLOY_ROLE_ARNS and"
        " DRIFT_ROLE_ARNS variables after its first `pulumi up` (docs/delivery.md)"
    )
    return 0


COMMANDS = [config, stack]
