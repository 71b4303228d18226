"""`python -m cli ...` is `ecs-platform ...` (for a checkout where the command is not installed)."""

from cli.app import run

run()
