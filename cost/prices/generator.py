"""Builds a region's price file (cost/prices/<region>.yaml) from the AWS bulk offer files.

    ecs-platform prices REGION... [--instance-type TYPE ...] [--offers DIR] [--out DIR]

For each offer the keys need (specs.py), the region's current price list is read (offers.py):
only rows of the region (or global rows, for dashboards) whose usage type, after the region's
prefix, is one a key looks for; then each key takes the row that passes its filters, and the
first non-zero on-demand tier of it. Each value is written with its SKU, rate code, usage type,
effective date and the price list's version and publication date. A key no row matches keeps
the previous file's value when that one has a source and a date (prices found elsewhere: the
SkyPilot catalog, AWS pricing pages; see docs/cost.md), else it is written `price: null` with
a NOT FOUND source: never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cost.price_table import VALUE_META, is_sourced
from cost.prices.offers import Offers, Product, RegionOffer
from cost.prices.specs import (
    EC2_KEY,
    MANAGED_FEE_KEY,
    SPECS,
    PriceSpec,
    instance_spec,
    keeps,
    list_price,
    managed_fee_spec,
    matches,
)

HOURS_PER_MONTH = 730


@dataclass
class Outcome:
    """What the generator did for one region: values read, kept and not found (by label)."""

    region: str
    read: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        line = (
            f"{self.region}: {len(self.read)} values from the offer files, "
            f"{len(self.kept)} kept from the previous file, {len(self.missing)} not found"
        )
        return line + (f" ({', '.join(self.missing)})" if self.missing else "")


def _best(products: Iterable[Product]) -> Product | None:
    """Of several matching rows, the current one (CloudWatch marks `version: Current`), then
    the newest effective date, then the SKU, so the choice never depends on file order."""
    ranked = sorted(products, key=lambda p: p.sku)
    ranked.sort(key=lambda p: p.effective, reverse=True)
    ranked.sort(key=lambda p: p.get("version") not in ("", "Current"))
    return ranked[0] if ranked else None


def find(offer: RegionOffer, spec: PriceSpec) -> dict[str, Any] | None:
    """The value of `spec` in this price list (price, date, source, SKU...), or None."""
    for usage_type in spec.usage_types:
        rows = [
            p
            for p in offer.products
            if matches(p, offer.region, spec, usage_type) and list_price(p.dimensions)
        ]
        product = _best(rows)
        if product is None:
            continue
        tier = list_price(product.dimensions)
        assert tier is not None
        effective = product.effective or offer.published[:10]
        return {
            "price": round(tier.usd * spec.scale, 10),
            "date": offer.published[:10] or effective,  # still the price when published
            "source": (
                f"AWS Price List {offer.offer}/{offer.version}/{offer.region} (published "
                f"{offer.published}): SKU {product.sku}, {product.get('usagetype')}, "
                f"{tier.description!r}"
            ),
            "sku": product.sku,
            "rateCode": tier.rate_code,
            "usagetype": product.get("usagetype"),
            "effectiveDate": effective,
            "publicationDate": offer.published,
            "offerFile": offer.url,
        }
    return None


def _not_found(spec: PriceSpec, region: str, offer: RegionOffer | None, today: str) -> dict:
    where = (
        f"{offer.offer}/{offer.version}/{region}"
        if offer is not None
        else f"{spec.offer} (AWS lists no price list for {region})"
    )
    filters = ", ".join(f"{k}={v}" for k, v in spec.filters.items())
    wanted = " or ".join(spec.usage_types)
    return {
        "price": None,
        "date": today,
        "source": f"NOT FOUND - {where}: no on-demand row with usage type {wanted}"
        + (f" ({filters})" if filters else ""),
    }


def _previous(prices: Mapping[str, Any], spec: PriceSpec) -> dict[str, Any] | None:
    entry = prices.get(spec.key) or {}
    value = entry.get(spec.variant) if spec.variant else entry
    if not is_sourced(value):
        return None
    return {k: v for k, v in value.items() if k not in VALUE_META}


def _specs(instance_types: Iterable[str], fee_types: Iterable[str]) -> list[PriceSpec]:
    return [
        *SPECS,
        *(instance_spec(t) for t in sorted(set(instance_types))),
        *(managed_fee_spec(t) for t in sorted(set(fee_types))),
    ]


def build_prices(
    offers: Offers,
    region: str,
    instance_types: Iterable[str],
    fee_types: Iterable[str],
    previous: Mapping[str, Any] | None = None,
    today: str | None = None,
) -> tuple[dict[str, Any], Outcome]:
    """The `prices:` mapping of a region file, and what was read, kept and not found."""
    today = today or date.today().isoformat()
    previous = previous or {}
    specs = _specs(instance_types, fee_types)
    outcome = Outcome(region)
    prices: dict[str, Any] = {}
    for offer_code in sorted({spec.offer for spec in specs}):
        of_offer = [spec for spec in specs if spec.offer == offer_code]
        offer = offers.region_offer(offer_code, region, keeps(of_offer, region))
        for spec in of_offer:
            value = find(offer, spec) if offer is not None else None
            if value is not None:
                outcome.read.append(spec.label)
            elif (kept := _previous(previous, spec)) is not None:
                value = kept
                outcome.kept.append(spec.label)
            else:
                value = _not_found(spec, region, offer, today)
                outcome.missing.append(spec.label)
            entry = prices.setdefault(spec.key, {"unit": spec.unit})
            note = (previous.get(spec.key) or {}).get("note")
            if note:
                entry["note"] = note
            if spec.variant is None:
                entry.update(value)
            else:
                entry[spec.variant] = value
    return {key: prices[key] for key in _order(prices)}, outcome


def _order(prices: Mapping[str, Any]) -> list[str]:
    """SPECS order, then EC2 instances, then the management fee."""
    keys = list(dict.fromkeys(spec.key for spec in SPECS))
    return [k for k in [*keys, EC2_KEY, MANAGED_FEE_KEY] if k in prices]


def variants_of(entry: Mapping[str, Any] | None) -> list[str]:
    """The instance types (or architectures) an entry of the price file lists."""
    return [k for k in (entry or {}) if k not in VALUE_META]


def region_document(
    offers: Offers,
    region: str,
    instance_types: Iterable[str],
    previous: Mapping[str, Any] | None,
    today: str | None = None,
) -> tuple[dict[str, Any], Outcome]:
    """A whole region file; the assumptions and free-tier notes of the previous file are kept,
    and so are the instance types it lists (for the instance hours and the management fee)."""
    previous = previous or {}
    old = previous.get("prices") or {}
    types = [*variants_of(old.get(EC2_KEY)), *instance_types]
    fee_types = [*variants_of(old.get(MANAGED_FEE_KEY)), *instance_types]
    prices, outcome = build_prices(offers, region, types, fee_types, old, today)
    document = {
        "region": region,
        "currency": "USD",
        "pricesAsOf": today or date.today().isoformat(),
        "hoursPerMonth": HOURS_PER_MONTH,
        "assumptions": previous.get("assumptions") or {},
        "freeTier": previous.get("freeTier") or {},
        "prices": prices,
    }
    return document, outcome
