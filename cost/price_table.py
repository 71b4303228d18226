"""A region's price file (cost/prices/<region>.yaml) as the estimator reads it.

Under `prices:` each key is either one value or, for keys priced per variant (architecture,
instance type), a mapping of variants to values, next to the key's `unit` and `note`. A value
is a mapping with `price` (USD, or null), `source` (where a reader can check it) and `date` (the
day the figure is known to hold: the offer row's effective date, else the day the source was
published or read), plus `sku`, `usagetype`, `effectiveDate`, `publicationDate` when it comes
from an AWS offer file. `price: null` with a `NOT FOUND - ...` source records a price looked for
and not published where it was looked for (the source says where): the estimate lists such
items under what it leaves out, while an item whose key or variant the file lacks is unpriced.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

PRICES_DIR = Path(__file__).resolve().parent / "prices"
VALUE_META = frozenset({"unit", "note"})  # a key's own fields, next to its variants
NOT_FOUND = "NOT FOUND"
Status = Literal["priced", "not found", "missing"]


class NoPricesError(Exception):
    """No price file for the stack's region: no estimate is given."""


def is_value(entry: Any) -> bool:
    """A value mapping (it has `price`), not a mapping of variants."""
    return isinstance(entry, Mapping) and "price" in entry


def is_sourced(value: Any) -> bool:
    """A value with a price, a source and a date."""
    return (
        is_value(value)
        and isinstance(value["price"], int | float)
        and bool(value.get("source"))
        and bool(value.get("date"))
    )


def values(prices: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(label, value) of every value in a `prices:` mapping: `key` or `key[variant]`."""
    for key, entry in prices.items():
        if is_value(entry):
            yield key, entry
            continue
        for variant, value in (entry or {}).items():
            if variant not in VALUE_META:
                yield f"{key}[{variant}]", value


@dataclass
class PriceTable:
    region: str
    currency: str
    as_of: str
    hours: float
    prices: dict[str, Any]
    assumptions: dict[str, Any]
    free_tier: Any = None
    path: str = ""

    def value(self, key: str, variant: str | None = None) -> Mapping[str, Any] | None:
        entry = self.prices.get(key)
        if variant is not None:
            entry = entry.get(variant) if isinstance(entry, Mapping) else None
        return entry if is_value(entry) else None

    def price(self, key: str, variant: str | None = None) -> float | None:
        value = self.value(key, variant)
        price = value.get("price") if value else None
        return float(price) if isinstance(price, int | float) else None

    def status(self, key: str, variant: str | None = None) -> Status:
        """priced; not found (the file records the search); missing (the file lacks it)."""
        if self.price(key, variant) is not None:
            return "priced"
        value = self.value(key, variant)
        if value and str(value.get("source", "")).startswith(NOT_FOUND):
            return "not found"
        return "missing"

    def priced_variants(self, key: str) -> dict[str, float]:
        """The variants of `key` that have a price (instance type -> USD/hour)."""
        entry = self.prices.get(key) or {}
        found = {name: self.price(key, name) for name in entry if name not in VALUE_META}
        return {name: price for name, price in found.items() if price is not None}

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
        raise NoPricesError(f"no price file for region {region} ({path.name} in {directory})")
    data = yaml.safe_load(path.read_text()) or {}
    return PriceTable(
        region=str(data.get("region", region)),
        currency=str(data.get("currency", "USD")),
        as_of=str(data.get("pricesAsOf", "unknown")),
        hours=float(data.get("hoursPerMonth", 730)),
        prices=data.get("prices") or {},
        assumptions=data.get("assumptions") or {},
        free_tier=data.get("freeTier"),
        path=f"cost/prices/{path.name}" if directory == PRICES_DIR else str(path),
    )
