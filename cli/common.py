"""What the commands share: declared exit statuses, JSON output, the project folder option and
stack names."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from settings.stack_files import PROJECT_DIR, stack_names

F = TypeVar("F", bound=Callable[..., Any])


def exits(codes: Mapping[int, str]) -> Callable[[F], F]:
    """Declare a command's exit statuses (put it under `@click.command`'s decorators, above
    the function): `--help` lists them and docs/reference/commands.md is generated from them."""

    def mark(function: F) -> F:
        function.exit_codes = dict(codes)  # type: ignore[attr-defined]
        return function

    return mark


def json_output(shape: str) -> Callable[[F], F]:
    """Declare what `--json` prints (put it right under `@command(...)`): the keys and their
    meaning, shown in docs/reference/commands.md."""

    def mark(function: F) -> F:
        function.json_shape = shape  # type: ignore[attr-defined]
        return function

    return mark


def exit_epilog(codes: Mapping[int, str]) -> str:
    return "Exit status: " + "; ".join(f"{code} {meaning}" for code, meaning in codes.items())


def command(name: str, codes: Mapping[int, str], **settings: Any) -> Callable[[F], click.Command]:
    """`@click.command(name)` whose help ends with the exit statuses, declared with `exits`."""

    def make(function: F) -> click.Command:
        exits(codes)(function)
        return click.command(name, epilog=exit_epilog(codes), **settings)(function)

    return make


def emit_json(data: Any) -> None:
    """Print `data` as JSON on stdout, and nothing else on stdout."""
    click.echo(json.dumps(data, indent=2, default=str))


def default_project_dir() -> Path:
    """The folder the Pulumi CLI would take: the nearest one holding Pulumi.yaml from the
    current folder up; else this checkout."""
    here = Path.cwd()
    return next((d for d in (here, *here.parents) if (d / "Pulumi.yaml").is_file()), PROJECT_DIR)


project_dir_option = click.option(
    "--project-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=default_project_dir,
    show_default="the nearest folder with a Pulumi.yaml from here up, else this checkout",
    help="The Pulumi project folder (Pulumi.yaml and the stack files); default: the nearest"
    " folder with a Pulumi.yaml from here up, else this checkout.",
)


def complete_stack(context: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of a STACK: the stacks of the project folder (`--project-dir` if given
    before it)."""
    project_dir = context.params.get("project_dir") or default_project_dir()
    return [name for name in stack_names(Path(project_dir)) if name.startswith(incomplete)]


def check_stack(stack: str, project_dir: Path, param_hint: str = "STACK") -> None:
    """Refuse an unknown stack with the stacks that exist (a usage error, status 2), naming
    the argument or option (`param_hint`) that gave it."""
    known = stack_names(project_dir)
    if stack not in known:
        listed = ", ".join(known) or "none"
        raise click.BadParameter(
            f"no stack {stack!r} (no Pulumi.{stack}.yaml in {project_dir}); stacks here: {listed}",
            param_hint=param_hint,
        )


def check_program(project_dir: Path) -> None:
    """Refuse a project folder without the program (`__main__.py`), as an imported folder
    outside a checkout is (a usage error, status 2)."""
    if not (project_dir / "__main__.py").is_file():
        raise click.BadParameter(
            f"{project_dir} holds no program (__main__.py): stack and workload files plan in a"
            " checkout of ecs-platform; import into one (ecs-platform import copilot --out"
            " <checkout>) or copy the files there",
            param_hint="--project-dir",
        )


def walk(group: click.Group, prefix: str = "ecs-platform") -> list[tuple[str, click.Command]]:
    """Every command under `group` with its full name, depth first in name order."""
    found: list[tuple[str, click.Command]] = []
    context = click.Context(group, info_name=prefix)
    for name in group.list_commands(context):
        sub = group.get_command(context, name)
        if sub is None:
            continue
        found.append((f"{prefix} {name}", sub))
        if isinstance(sub, click.Group):
            found.extend(walk(sub, f"{prefix} {name}"))
    return found
