"""The `ecs-platform` command: one root group, its subcommands, and how they exit.

`main(argv)` runs the command as the console script does and returns its exit status instead of
leaving the process, so tests call it end to end. Every command declares its exit statuses with
`exits(...)`: they appear in its `--help` and in the generated reference
(docs/reference/commands.md). Usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import importlib
import os
import sys

import click

# A defect of the command itself (an exception no command turned into its message): one line on
# stderr and EX_SOFTWARE (sysexits.h); ECS_PLATFORM_DEBUG=1 shows the traceback instead.
DEFECT_EXIT = 70
DEBUG_VARIABLE = "ECS_PLATFORM_DEBUG"
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# Command name -> the module that defines it (in its COMMANDS). A command's module is imported
# when that command runs, so `plan` loads neither boto3 nor the docs generators (and runs on the
# runtime packages alone, as `make plan` installs them). tests/cli/test_commands.py keeps this
# table and the modules' COMMANDS the same.
MODULES = {
    "plan": "cli.review",
    "bootstrap": "cli.review",
    "release": "cli.delivery",
    "promote": "cli.delivery",
    "approve": "cli.delivery",
    "rollback": "cli.delivery",
    "rollout-check": "cli.delivery",
    "github": "cli.delivery",
    "svc": "cli.operations",
    "task": "cli.operations",
    "job": "cli.operations",
    "completion": "cli.completion",
    "config": "cli.stacks",
    "stack": "cli.stacks",
    "import": "cli.migration",
    "prices": "cli.tools",
    "reference": "cli.tools",
    "bench": "cli.tools",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, from `MODULES`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in MODULES:
            for command in importlib.import_module(MODULES[cmd_name]).COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(
    cls=LazyGroup,
    context_settings=CONTEXT,
    epilog='Shell completion: eval "$(ecs-platform completion bash)" (or zsh, fish).'
    " Reference: docs/reference/commands.md",
)
@click.version_option(package_name="ecs-platform", prog_name="ecs-platform")
def cli() -> None:
    """An AWS container platform on ECS, one Pulumi stack per environment: plan a stack
    offline, release images, follow and operate deployments."""


def main(argv: list[str] | None = None) -> int:
    """Run `ecs-platform ARGV...`; return the exit status (usage errors 2, Ctrl-C 130, a defect
    of the command 70)."""
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
    except Exception as error:  # the last resort: each command reports its own errors
        if os.environ.get(DEBUG_VARIABLE, "") not in ("", "0"):
            raise
        said = str(error).strip().splitlines()
        click.echo(
            f"error: {type(error).__name__}: {said[0] if said else '(no message)'} (a defect of"
            f" ecs-platform: run with {DEBUG_VARIABLE}=1 for the traceback)",
            err=True,
        )
        return DEFECT_EXIT
    return result if isinstance(result, int) else 0


def run() -> None:
    """The console script (`[project.scripts]` in pyproject.toml)."""
    sys.exit(main())
