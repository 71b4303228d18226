"""The price reference page (docs/reference/prices.md), generated from cost/prices/*.yaml.

Every value of every shipped region with its date and confidence, where each kind of value comes
from (counts), the prices looked for and not found, and what every estimate leaves out.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from cost import EXCLUDED, PRICES_DIR
from cost.price_table import values

OFFER = "AWS Price List"
SKYPILOT = "skypilot-org/skypilot-catalog"


def _documents(directory: Path) -> dict[str, dict[str, Any]]:
    return {
        path.stem: yaml.safe_load(path.read_text()) for path in sorted(directory.glob("*.yaml"))
    }


def kind(value: Mapping[str, Any]) -> str:
    """Where a value comes from, by its source."""
    source = str(value.get("source", ""))
    if value.get("price") is None:
        return "not found"
    if source.startswith(OFFER):
        return "AWS offer-file row (SKU)"
    if source.startswith(SKYPILOT):
        return "SkyPilot catalog (EC2)"
    return "other dated source (page, note, bill)"


def _cell(value: Mapping[str, Any] | None) -> str:
    if value is None:
        return ""
    if value.get("price") is None:
        return "not found"
    return f"{value['price']:g} ({value.get('date')}, {value.get('confidence', '?')})"


def prices_page(generated: str, directory: Path = PRICES_DIR) -> str:
    documents = _documents(directory)
    regions = list(documents)
    by_region = {region: dict(values(doc["prices"])) for region, doc in documents.items()}
    labels = list(by_region[regions[0]])
    rows = [
        f"| `{label}` | " + " | ".join(_cell(by_region[r].get(label)) for r in regions) + " |"
        for label in labels
    ]
    kinds = sorted({kind(v) for region in by_region.values() for v in region.values()})
    kind_rows = [
        f"| {name} | "
        + " | ".join(str(sum(kind(v) == name for v in by_region[r].values())) for r in regions)
        + " |"
        for name in kinds
    ]
    missing = [
        f"- **{region}**: "
        + ", ".join(f"`{label}`" for label, value in found.items() if value["price"] is None)
        for region, found in by_region.items()
    ]
    header = "| value | " + " | ".join(regions) + " |"
    rule = "|---|" + "---|" * len(regions)
    return "\n".join(
        [
            "# Prices",
            "",
            generated,
            "",
            "Every value of the shipped price files (`cost/prices/<region>.yaml`): USD, with the",
            "date it is known to hold and the confidence of its source (high: an AWS offer-file",
            "row; med-high: a regenerated extract of the price list or a dated check; medium: a",
            "dated secondary source; low: a figure seen for other regions only). Each value's",
            "source is in the file. How they are gathered: [Cost estimate](../cost.md).",
            "",
            "## Where the values come from",
            "",
            header,
            rule,
            *kind_rows,
            "",
            "## Looked for and not found",
            "",
            "`price: null` with a `NOT FOUND` source: the estimate lists the items these would",
            "price under what it leaves out, never a guess.",
            "",
            *missing,
            "",
            "## What every estimate leaves out",
            "",
            *(f"- {line}" for line in EXCLUDED),
            "",
            "## Values",
            "",
            header,
            rule,
            *rows,
            "",
        ]
    )
