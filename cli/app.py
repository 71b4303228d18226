"""The `ecs-platform` command: one root group, its subcommands, and how they exit.

`main(argv)` runs the command as the console script does and returns its exit status instead of
leaving the process, so tests call it end to end. Every command declares its exit statuses with
`exits(...)`: they appear in its `--help` and in the generated reference
(docs/reference/commands.md). Usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import sys

import click

from cli import delivery, operations, review, stacks, tools

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(
    context_settings=CONTEXT,
    epilog='Shell completion: eval "$(_ECS_PLATFORM_COMPLETE=bash_source ecs-platform)"'
    " (zsh_source, fish_source for other shells). Reference: docs/reference/commands.md",
)
@click.version_option(package_name="ecs-platform", prog_name="ecs-platform")
def cli() -> None:
    """An AWS container platform on ECS, one Pulumi stack per environment: plan a stack
    offline, release images, follow and operate deployments."""


for module in (review, delivery, operations, stacks, tools):
    for command in module.COMMANDS:
        cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run `ecs-platform ARGV...`; return the exit status (usage errors 2, Ctrl-C 130)."""
    try:
        result = cli.main(args=argv, prog_name="ecs-platform", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted: nothing more was sent", err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    return result if isinstance(result, int) else 0


def run() -> None:
    """The console script (`[project.scripts]` in pyproject.toml)."""
    sys.exit(main())
