"""What the day-2 commands (svc, task, job) share: the stack options, names from the stack file,
AWS errors as one line and an exit status, and rich output (tables on stdout, progress on
stderr; `--json` prints only JSON)."""

from __future__ import annotations

import datetime
import functools
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from cli.common import check_stack, project_dir_option
from ops import aws
from ops.stack import StackNames, cross_check, stack_names
from settings.loader import SettingsError
from settings.stack_files import ConfigFileError

F = TypeVar("F", bound=Callable[..., Any])
WIDTH = 100  # the width of tables when stdout is not a terminal (docs examples, pipes)
AWS_ERROR = 3
COMMON_EXITS = {2: "usage error, or the stack file is refused", 3: "AWS refused a call"}


def stack_options(function: F) -> F:
    """--stack, --project-dir, --profile and --json on a day-2 command."""
    options = [
        click.option(
            "--stack",
            required=True,
            envvar="ECS_PLATFORM_STACK",
            help="The stack (Pulumi.<stack>.yaml) whose names, region and cluster to use"
            " (default: $ECS_PLATFORM_STACK).",
        ),
        project_dir_option,
        click.option("--profile", help="AWS profile (default: the usual credential chain)."),
        click.option("--json", "as_json", is_flag=True, help="The result as JSON (only JSON)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def load(stack: str, project_dir: Path, profile: str | None) -> StackNames:
    """The stack's names (usage error 2 on an unknown stack or a refused stack file), with the
    stack output cross-check's mismatches on stderr."""
    check_stack(stack, project_dir)
    aws.PROFILE = profile
    try:
        names = stack_names(stack, project_dir)
    except (SettingsError, ConfigFileError) as error:
        raise click.UsageError(str(error)) from None
    for line in cross_check(names, project_dir):
        click.echo(f"warning: {line}", err=True)
    return names


def aws_errors(
    code: int = AWS_ERROR, missing: int = 1
) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Turn AWS and lookup errors into one line on stderr: an AWS error exits `code`, a
    service, task or deployment that is not there exits `missing`."""

    def wrap(function: Callable[..., int]) -> Callable[..., int]:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> int:
            from botocore.exceptions import BotoCoreError, ClientError

            try:
                return function(*args, **kwargs)
            except LookupError as error:
                click.echo(f"error: {error.args[0] if error.args else error}", err=True)
                return missing
            except ClientError as error:
                info = error.response.get("Error", {})
                click.echo(
                    f"error: AWS {error.operation_name}: {info.get('Code')}: {info.get('Message')}",
                    err=True,
                )
                return code
            except BotoCoreError as error:
                click.echo(f"error: AWS: {error}", err=True)
                return code

        return run

    return wrap


aws_command = aws_errors()


def console(err: bool = False) -> Console:
    """A rich console on the current stdout (or stderr), fixed width when not a terminal."""
    stream = sys.stderr if err else sys.stdout
    terminal = stream.isatty()
    return Console(
        file=stream,
        width=None if terminal else WIDTH,
        no_color=not terminal,
        highlight=False,
        soft_wrap=False,
    )


def when(value: Any) -> str:
    """A timestamp as `YYYY-MM-DD HH:MM:SSZ` (UTC), or `-`."""
    if isinstance(value, datetime.datetime):
        moment = value.astimezone(datetime.UTC) if value.tzinfo else value
        return moment.strftime("%Y-%m-%d %H:%M:%SZ")
    return "-" if value in (None, "") else str(value)


def cell(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return when(value)
    if value is None or value == "":
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    shown = Table(title=title, title_justify="left", box=None, pad_edge=False, header_style="bold")
    for column in columns:
        shown.add_column(column, overflow="fold")
    for row in rows:
        shown.add_row(*(cell(value) for value in row))
    return shown


def print_rows(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A titled table on stdout, or `title: none` when there is no row."""
    if rows:
        shown = console()
        with shown.capture() as captured:
            shown.print(table(title, columns, rows))
        click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()) + "\n")
    else:
        click.echo(f"{title}: none\n")


def clock() -> float:
    return time.monotonic()


def progress(prefix: str) -> Callable[[str], None]:
    """A reporter for waits: one line on stderr per change, with the elapsed seconds."""
    started = clock()
    last: list[str] = []

    def report(line: str) -> None:
        if last and last[-1] == line:
            return
        last.append(line)
        elapsed = int(clock() - started)
        click.echo(f"{prefix} [{elapsed:>4} s] {line}", err=True)

    return report


def short(task_id: str | None) -> str:
    return (task_id or "-")[:8]


def mapping_rows(data: Mapping[str, Any], keys: Sequence[str]) -> list[Any]:
    return [data.get(key) for key in keys]
