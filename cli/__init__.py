"""The `ecs-platform` command line: thin commands that parse, call the packages that do the
work (review, cost, ops, reference, bench) and print. Nothing imports this package."""
