"""The command line described by itself: docs/reference/commands.md and exit-codes.md, generated
from the click command tree (names, arguments, options, help, declared exit statuses)."""

from __future__ import annotations

from collections.abc import Callable

import click

from cli.app import DEBUG_VARIABLE, DEFECT_EXIT
from reference import GENERATED

CommandList = list[tuple[str, click.Command]]


def _options(command: click.Command) -> list[str]:
    rows = []
    for param in command.params:
        if isinstance(param, click.Argument):
            continue
        names = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
        help_text = " ".join((getattr(param, "help", "") or "").split()).replace("|", "\\|")
        rows.append(f"| {names} | {help_text} |")
    return rows


def _usage(name: str, command: click.Command) -> str:
    with click.Context(command, info_name=name) as context:
        pieces = command.collect_usage_pieces(context)
    return " ".join([name, *pieces])


def _anchor(name: str) -> str:
    return name.replace(" ", "-")


def commands_page(commands: CommandList) -> str:
    lines = [
        "# Commands",
        "",
        GENERATED,
        "",
        "Every `ecs-platform` command, generated from the command itself: `ecs-platform",
        "COMMAND --help` prints the same. Data goes to stdout (only JSON with `--json`);",
        "messages and errors go to stderr. Usage errors exit 2; a defect of ecs-platform itself",
        f"exits {DEFECT_EXIT} ([exit codes](exit-codes.md)).",
        "",
    ]
    for name, command in commands:
        lines += [f"## {name} {{#{_anchor(name)}}}", ""]
        lines += [" ".join((command.help or "").split()), ""]
        if isinstance(command, click.Group):
            subcommands = ", ".join(
                f"[{sub}](#{_anchor(f'{name} {sub}')})" for sub in sorted(command.commands)
            )
            lines += [f"Subcommands: {subcommands}.", ""]
            continue
        lines += ["```text", _usage(name, command), "```", ""]
        options = _options(command)
        if options:
            lines += ["| option | meaning |", "|---|---|", *options, ""]
        shape = getattr(command.callback, "json_shape", None)
        if shape:
            lines += [f"`--json` prints {' '.join(shape.split())}", ""]
        codes = getattr(command.callback, "exit_codes", {})
        if codes:
            lines += ["| exit | meaning |", "|---:|---|"]
            lines += [f"| {code} | {meaning} |" for code, meaning in codes.items()]
            lines.append("")
    return "\n".join(lines)


def exit_codes_page(commands: CommandList) -> str:
    rows = [
        f"| [`{name}`](commands.md#{_anchor(name)}) | {code} | {meaning} |"
        for name, command in commands
        for code, meaning in getattr(command.callback, "exit_codes", {}).items()
    ]
    return "\n".join(
        [
            "# Exit codes",
            "",
            GENERATED,
            "",
            "Every command's exit statuses, as each command declares them (`--help` shows the",
            "same). Usage errors (an unknown option, a missing argument) exit 2; Ctrl-C exits 130.",
            f"Any command exits {DEFECT_EXIT} on a defect of ecs-platform itself (an error it did",
            f"not foresee: one line on stderr; {DEBUG_VARIABLE}=1 shows the traceback).",
            "The make targets pass the command's status through.",
            "",
            "| command | exit | meaning |",
            "|---|---:|---|",
            *rows,
            f"| every command | {DEFECT_EXIT} | a defect of ecs-platform (an error it did not"
            f" foresee; {DEBUG_VARIABLE}=1 for the traceback) |",
            "",
        ]
    )


def pages(commands: CommandList) -> dict[str, Callable[[], str]]:
    return {
        "commands.md": lambda: commands_page(commands),
        "exit-codes.md": lambda: exit_codes_page(commands),
    }
