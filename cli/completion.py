"""`ecs-platform completion SHELL`: the shell's completion script, as click writes it."""

from __future__ import annotations

import os
from pathlib import Path

import click
from click.shell_completion import get_completion_class

from cli.common import command

SHELLS = ("bash", "zsh", "fish")
# The variable the script sets when it asks the command for completions (click's convention:
# `_<PROG>_COMPLETE`, the program name upper-cased with `-` as `_`).
COMPLETE_VAR = "_ECS_PLATFORM_COMPLETE"
COMPLETION_EXITS = {
    0: "the script was printed",
    2: "no SHELL given and $SHELL is none of bash, zsh, fish (or an unknown SHELL)",
}


def completion_script(root: click.Command, shell: str, prog_name: str = "ecs-platform") -> str:
    """The completion script of `root` for `shell` (one of SHELLS)."""
    completion_class = get_completion_class(shell)
    if completion_class is None:  # click knows the three SHELLS; a fourth is a usage error
        raise click.BadParameter(f"no completion for {shell!r}", param_hint="SHELL")
    return completion_class(root, {}, prog_name, COMPLETE_VAR).source()


@command("completion", COMPLETION_EXITS)
@click.argument("shell", type=click.Choice(SHELLS), required=False)
@click.pass_context
def completion(context: click.Context, shell: str | None) -> int:
    """Print the shell completion script for bash, zsh or fish (default: the shell $SHELL
    names). Load it with
    `eval "$(ecs-platform completion bash)"` in ~/.bashrc (zsh: ~/.zshrc), or
    `ecs-platform completion fish > ~/.config/fish/completions/ecs-platform.fish`."""
    if shell is None:
        shell = Path(os.environ.get("SHELL", "")).name
        if shell not in SHELLS:
            raise click.UsageError(f"give SHELL ({', '.join(SHELLS)}): $SHELL is {shell!r}")
    click.echo(completion_script(context.find_root().command, shell))
    return 0


COMMANDS = [completion]
