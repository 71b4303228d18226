"""Commands that keep the project's own data true: price files, the docs' reference pages and
the benchmarks."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import command, emit_json, json_output, walk
from cost.prices.files import HERE as PRICES_HERE
from cost.prices.files import write_region_files
from cost.prices.offers import OfferError, Offers

PRICES_EXITS = {
    0: "the price files were written",
    1: "an offer file could not be had (no network, or not in the --offers folder)",
}


@command("prices", PRICES_EXITS)
@json_output("one object: `written[]` (the price files).")
@click.argument("regions", nargs=-1, required=True, metavar="REGION...")
@click.option(
    "--instance-type", "instance_types", multiple=True, metavar="TYPE", help="Add a type."
)
@click.option(
    "--offers",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="A folder holding the offer files under their URL paths (offers/v1.0/aws/...), "
    "instead of downloading them.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=PRICES_HERE,
    show_default="cost/prices",
    help="Folder of <region>.yaml files.",
)
@click.option("--json", "as_json", is_flag=True, help="The files written, as JSON.")
def prices(
    regions: tuple[str, ...],
    instance_types: tuple[str, ...],
    offers: Path | None,
    out: Path,
    as_json: bool,
) -> int:
    """Rebuild the price files of REGION... (cost/prices/<region>.yaml) from the AWS bulk
    offer files (public, no AWS credentials), keeping the instance types each file lists."""
    try:
        written = write_region_files(
            list(regions), list(instance_types), out, Offers(folder=offers)
        )
    except OfferError as error:
        click.echo(f"error: {error}", err=True)
        return 1
    if as_json:
        emit_json(
            {
                "written": [str(path) for path, _ in written],
                "regions": {
                    outcome.region: {
                        "read": outcome.read,
                        "kept": outcome.kept,
                        "notFound": outcome.missing,
                    }
                    for _, outcome in written
                },
            }
        )
    else:
        click.echo("\n".join(f"wrote {path}: {outcome.summary()}" for path, outcome in written))
    return 0


REFERENCE_EXITS = {
    0: "the pages were written, or are up to date",
    1: "(--check) a page is stale; or the packages of requirements-dev.txt are missing",
}


@command("reference", REFERENCE_EXITS)
@json_output("one object: `written[]` (--write) or `stale[]`, the pages' paths (docs/reference/).")
@click.option("--write", "mode", flag_value="write", help="Rewrite every generated page.")
@click.option("--check", "mode", flag_value="check", default=True, help="Name each stale page.")
@click.option("--json", "as_json", is_flag=True, help="The pages written or stale, as JSON.")
def reference(mode: str, as_json: bool) -> int:
    """The docs' reference pages (docs/reference/), generated from the code and the fixtures."""
    try:  # the generators read the IAM reference database, a test tool (requirements-dev.txt)
        from cli import describe
        from reference.pages import PAGES, stale_pages, write_pages
    except ModuleNotFoundError as missing:
        raise click.ClickException(f"{missing}: run `make setup-dev` first") from missing
    root = click.get_current_context().find_root().command
    assert isinstance(root, click.Group)
    pages = {**PAGES, **describe.pages(walk(root))}
    if mode == "write":
        written = write_pages(pages)
        if as_json:
            emit_json({"written": [f"docs/reference/{name}" for name in written]})
        for name in [] if as_json else written:
            click.echo(f"wrote docs/reference/{name}")
        return 0
    stale = stale_pages(pages=pages)
    if as_json:
        emit_json({"stale": [f"docs/reference/{name}" for name in stale]})
    for name in [] if as_json else stale:
        click.echo(f"docs/reference/{name} is out of date: ecs-platform reference --write")
    return 1 if stale else 0


BENCH_EXITS = {0: "the figures were printed (they are reported, not asserted)"}


@command("bench", BENCH_EXITS)
@json_output(
    "one object: `synthesis` (per garbage-collector mode, rows of service count, resources "
    "and seconds), `plans` (per stack: `planSeconds`, `diffSeconds`, `ratio`)."
)
@click.option("--counts", default="1,10,50,100", show_default=True, help="Service counts.")
@click.option("--repeat", type=int, default=3, show_default=True, help="Runs per figure.")
@click.option("--check-services", type=int, default=100, show_default=True)
@click.option("--stack", default="prod", show_default=True, help="Stack of the plan timings.")
@click.option("--base", default="HEAD", show_default=True, help="Revision of the diff timing.")
@click.option("--json", "as_json", is_flag=True, help="The figures as JSON.")
def bench(
    counts: str, repeat: int, check_services: int, stack: str, base: str, as_json: bool
) -> int:
    """Synthesis time with 1..100 services next to bare SDK registrations (garbage collector on
    and off), the scale checks at 100 services, and whole-command plan and diff timings."""
    from bench.diff import plan_figures
    from bench.synthesis import render, scale_checks, synthesis_figures

    figures = synthesis_figures([int(c) for c in counts.split(",")], repeat)
    plans = {name: plan_figures(name, base, repeat) for name in dict.fromkeys(["dev", stack])}
    if as_json:
        emit_json({"synthesis": figures, "plans": plans})
        return 0
    for mode, rows in figures.items():
        click.echo(f"Garbage collector {mode.split()[1]}:\n{render(rows)}\n")
    for name, row in plans.items():
        click.echo(
            f"plan {name}: {row['planSeconds']} s; with --base {base}: {row['diffSeconds']} s"
            f" ({row['ratio']} x one plan)"
        )
    click.echo(scale_checks(check_services))
    return 0


COMMANDS = [prices, reference, bench]
