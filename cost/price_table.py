"""A region's price file (cost/prices/<region>.yaml) as the estimator reads it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PRICES_DIR = Path(__file__).resolve().parent / "prices"


class NoPricesError(Exception):
    """No price file for the stack's region: no estimate is given."""


@dataclass
class PriceTable:
    region: str
    currency: str
    as_of: str
    hours: float
    prices: dict[str, Any]
    assumptions: dict[str, Any]
    free_tier: Any = None

    def price(self, key: str, variant: str | None = None) -> float | None:
        entry = self.prices.get(key)
        if variant is not None:
            entry = entry.get(variant) if isinstance(entry, dict) else None
        if isinstance(entry, dict):
            entry = entry.get("price")
        return float(entry) if isinstance(entry, int | float) else None

    def assumption(self, key: str) -> tuple[float, str]:
        entry = self.assumptions.get(key) or {}
        return float(entry.get("value") or 0), str(entry.get("note") or "")

    def discount(self, key: str) -> float:
        value = self.assumption(key)[0]
        return value / 100 if value > 1 else value  # a file may say 70 or 0.7


def price_file(region: str, directory: Path = PRICES_DIR) -> Path:
    return directory / f"{region}.yaml"


def load_prices(region: str, directory: Path = PRICES_DIR) -> PriceTable:
    path = price_file(region, directory)
    if not path.is_file():
        raise NoPricesError(
            f"no price file for region {region} ({path.name} in {directory}): no cost estimate"
        )
    data = yaml.safe_load(path.read_text()) or {}
    return PriceTable(
        region=str(data.get("region", region)),
        currency=str(data.get("currency", "USD")),
        as_of=str(data.get("pricesAsOf", "unknown")),
        hours=float(data.get("hoursPerMonth", 730)),
        prices=data.get("prices") or {},
        assumptions=data.get("assumptions") or {},
        free_tier=data.get("freeTier"),
    )
