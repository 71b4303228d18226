"""ecs-platform prices REGION... [--instance-type TYPE ...] [--offers DIR] [--out DIR]

Rewrites <DIR>/<REGION>.yaml (default: this folder) from the AWS bulk offer files (downloaded,
or read from --offers DIR), keeping the instance types the file already lists and adding those
named with --instance-type.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from cost.prices.generator import Outcome, region_document
from cost.prices.offers import Offers

HERE = Path(__file__).resolve().parent
HEADER = """\
# AWS list prices for the offline cost estimate (USD, on-demand, Linux, shared tenancy).
# Written by `ecs-platform prices {region}` from the AWS bulk offer files; values it could not
# find there keep their earlier source. Every value has a `source` a reader can follow and a
# `date`; `price: null` with a NOT FOUND source is a price looked for and not found (the plan
# lists it under what it leaves out). See docs/cost.md.
"""


def write_region_files(
    regions: list[str], instance_types: list[str], out: Path, offers: Offers
) -> list[tuple[Path, Outcome]]:
    """Rewrite `<out>/<region>.yaml` for each region: the files written and what was found."""
    written = []
    for region in regions:
        path = out / f"{region}.yaml"
        previous = yaml.safe_load(path.read_text()) if path.is_file() else None
        document, outcome = region_document(offers, region, instance_types, previous)
        text = yaml.safe_dump(document, sort_keys=False, width=100, allow_unicode=True)
        path.write_text(HEADER.format(region=region) + text)
        written.append((path, outcome))
    return written
