"""Commands that review a stack offline (no AWS account, no Pulumi CLI): plan and bootstrap."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import (
    check_program,
    check_stack,
    command,
    complete_stack,
    emit_json,
    json_output,
    project_dir_option,
)
from cost import PRICES_DIR
from harness.engine import SynthesisError, run_program
from review.bootstrap import bootstrap_lines, repository_targets
from review.compare import Timing
from review.plan import EXIT_STATUS, FORMATS, PlanRequest, run_plan
from settings.stack_files import ConfigFileError


@command("plan", EXIT_STATUS)
@json_output(
    "the offline plan: `stack`, `components` (group: resources with `type`, `name`, "
    "`properties`), `counts`, `total`, `outputs`, `queues`, `cost`; with `--base` or "
    "`--against`, the diff: `stack`, `base`, `commit`, `summary`, `changes[]`, "
    "`newComponents`, `risks[]` (`code`, `urn`, `message`, `blocking`), `blocking`, `cost`."
)
@click.argument("stack", default="dev", shell_complete=complete_stack)
@click.option("--base", metavar="REF", help="Diff against this stack at git revision REF.")
@click.option(
    "--against", metavar="OTHER", help="Diff against another stack.", shell_complete=complete_stack
)
@click.option("--format", "format_", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option(
    "--usage",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Usage file (default: usage.<stack>.yaml beside the stack file, else tier defaults).",
)
@click.option("--timing", is_flag=True, help="Print step timings to stderr.")
@project_dir_option
@click.option(
    "--prices-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=PRICES_DIR,
    show_default="cost/prices",
    help="Folder of <region>.yaml price files.",
)
def plan(
    stack: str,
    base: str | None,
    against: str | None,
    format_: str,
    as_json: bool,
    usage: Path | None,
    timing: bool,
    project_dir: Path,
    prices_dir: Path,
) -> int:
    """What STACK (default dev) would create, offline, with its monthly cost; with --base or
    --against, the diff with risk flags, as text, JSON or the pull-request comment (markdown)."""
    if base and against:
        raise click.UsageError("give --base or --against, not both")
    if as_json and format_ not in ("text", "json"):
        raise click.UsageError(f"give --json or --format {format_}, not both")
    project_dir = project_dir.resolve()
    check_stack(stack, project_dir)
    check_program(project_dir)
    if against:
        check_stack(against, project_dir, "--against")
    request = PlanRequest(
        stack=stack,
        project_dir=project_dir,
        prices_dir=prices_dir,
        usage=usage,
        format="json" if as_json else format_,
        base=base,
        against=against,
    )
    clock = Timing()
    output, status = run_plan(request, clock)
    click.echo(output, err=output.startswith("error: ") and status != 0)
    if timing:
        click.echo(clock.line(), err=True)
    return status


BOOTSTRAP_EXITS = {0: "the commands were printed", 2: "bad stack file"}


@command("bootstrap", BOOTSTRAP_EXITS)
@json_output("one object: `stack`, `targets[]` (the URNs `pulumi up --target` creates first).")
@click.argument("stack", default="dev", shell_complete=complete_stack)
@project_dir_option
@click.option("--json", "as_json", is_flag=True, help="The target URNs as JSON.")
def bootstrap(stack: str, project_dir: Path, as_json: bool) -> int:
    """The first `pulumi up` of STACK: the command that creates only its ECR repositories, so
    images can be pushed before any service starts (docs/first-up.md)."""
    project_dir = project_dir.resolve()
    check_stack(stack, project_dir)
    check_program(project_dir)
    try:
        synthesis = run_program(stack, project_dir=project_dir)
    except (ConfigFileError, SynthesisError) as error:
        click.echo(f"error: {getattr(error, 'cause', error)}", err=True)
        return 2
    targets = repository_targets(synthesis.resources)
    if as_json:
        emit_json({"stack": stack, "targets": targets})
        return 0
    click.echo("\n".join(bootstrap_lines(stack, targets)))
    return 0


COMMANDS = [plan, bootstrap]
