"""The AWS Price List bulk offer files: where they are and how to read them.

AWS publishes its whole list price catalogue as public files, no credentials needed
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-bulk-api-fetching-price-list-files-manually.html):

    /offers/v1.0/aws/index.json                                 the offer (service) index
    /offers/v1.0/aws/<offerCode>/current/region_index.json      one offer's region index
    /offers/v1.0/aws/<offerCode>/<version>/<region>/index.json  one region's price list
    /offers/v1.0/aws/<offerCode>/<version>/<region>/index.csv   the same, as CSV

on https://pricing.us-east-1.amazonaws.com. The offer index gives each offer's
`currentRegionIndexUrl` (reading-the-offer-index.html); the region index gives each region's
`currentVersionUrl` (service-region-infex-file-for-service.html, sic). A price list holds
`products.<sku>` {sku, productFamily, attributes} and `terms.OnDemand.<sku>.<term>`
{effectiveDate, priceDimensions.<rate> {rateCode, description, beginRange, endRange, unit,
pricePerUnit.USD}} (reading-service-price-list-file-for-services.html). The CSV has five rows of
metadata, then one row per price dimension with the product attributes as columns named for
display ("Instance Type", "usageType", "Region Code"): attribute names are compared here with
case, spaces and punctuation removed, so both formats read alike.

AmazonEC2's regional file is hundreds of MB (475 MB of JSON for us-west-2 in 2026-09), so EC2
is read as CSV, streamed, keeping only the rows a caller asks for.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

BASE_URL = "https://pricing.us-east-1.amazonaws.com"
INDEX_PATH = "/offers/v1.0/aws/index.json"
CSV_OFFERS = frozenset({"AmazonEC2"})  # too large to load as JSON
ON_DEMAND = "OnDemand"
METADATA_ROWS = 5  # FormatVersion, Disclaimer, Publication Date, Version, OfferCode


class OfferError(Exception):
    """An offer file could not be had (no network, or not in the --offers folder)."""


def attribute_name(name: str) -> str:
    """'Instance Type', 'instanceType' and 'instancetype' all read 'instancetype'."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Dimension:
    """One price dimension (a tier) of an on-demand term."""

    rate_code: str
    description: str
    begin: float
    end: float | None  # None: no upper bound ("Inf")
    unit: str
    usd: float


@dataclass
class Product:
    """One SKU with its attributes (names as `attribute_name` gives) and on-demand tiers."""

    sku: str
    attributes: dict[str, str]
    effective: str = ""  # the on-demand term's effective date, YYYY-MM-DD
    dimensions: list[Dimension] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.attributes.get(attribute_name(name), "")


@dataclass
class RegionOffer:
    """One offer's price list for one region: where it came from and its matching products."""

    offer: str
    region: str
    version: str
    published: str
    url: str
    products: list[Product]


class Offers:
    """The offer files under a base: the AWS site (downloaded with urllib) or a folder holding
    the same paths (`--offers DIR`, for offline use and tests)."""

    def __init__(self, folder: Path | None = None, base_url: str = BASE_URL) -> None:
        self.folder = folder
        self.base_url = base_url
        self._indexes: dict[str, dict[str, Any]] = {}  # the indexes, read once per run

    def url(self, path: str) -> str:
        return self.base_url + path

    @contextmanager
    def open(self, path: str) -> Iterator[IO[bytes]]:
        if self.folder is not None:
            local = self.folder / path.lstrip("/")
            if not local.is_file():
                raise OfferError(f"{local}: no such offer file (the folder mirrors {path})")
            with local.open("rb") as stream:
                yield stream
            return
        try:
            with urllib.request.urlopen(self.url(path), timeout=120) as stream:
                yield stream
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise OfferError(
                f"cannot download {self.url(path)} ({error}); without network, save the offer "
                "files under the same paths in a folder and pass --offers DIR"
            ) from None

    def json(self, path: str) -> dict[str, Any]:
        if path not in self._indexes:
            with self.open(path) as stream:
                self._indexes[path] = json.load(stream)
        return self._indexes[path]

    def region_path(self, offer: str, region: str) -> str | None:
        """The path of `offer`'s current price list for `region`, or None when the offer has no
        price list for that region; .csv for the offers read as CSV."""
        offers = self.json(INDEX_PATH).get("offers") or {}
        if offer not in offers:
            raise OfferError(f"{self.url(INDEX_PATH)}: no offer {offer}")
        regions = self.json(offers[offer]["currentRegionIndexUrl"]).get("regions") or {}
        entry = regions.get(region)
        if entry is None:
            return None
        path = str(entry["currentVersionUrl"])
        return path.removesuffix(".json") + ".csv" if offer in CSV_OFFERS else path

    def region_offer(
        self, offer: str, region: str, keep: Callable[[Mapping[str, str]], bool]
    ) -> RegionOffer | None:
        """`offer`'s price list for `region` with only the products whose attributes `keep`
        accepts (and only their on-demand terms); None when AWS lists no such price list."""
        path = self.region_path(offer, region)
        if path is None:
            return None
        with self.open(path) as stream:
            if path.endswith(".csv"):
                head, products = read_csv(stream, keep)
            else:
                head, products = read_json(json.load(stream), keep)
        return RegionOffer(
            offer, region, head.get("version", ""), head.get("publicationDate", ""),
            self.url(path), products,
        )  # fmt: skip


def _number(text: Any) -> float | None:
    return None if str(text) in ("Inf", "") else float(text)


def _dimension(raw: Mapping[str, Any]) -> Dimension:
    return Dimension(
        rate_code=str(raw.get("rateCode", "")),
        description=str(raw.get("description", "")),
        begin=_number(raw.get("beginRange", "0")) or 0.0,
        end=_number(raw.get("endRange", "Inf")),
        unit=str(raw.get("unit", "")),
        usd=float((raw.get("pricePerUnit") or {}).get("USD") or 0),
    )


def read_json(
    document: Mapping[str, Any], keep: Callable[[Mapping[str, str]], bool]
) -> tuple[dict[str, str], list[Product]]:
    """(metadata, kept products) of a JSON price list. Some products have no productFamily
    (AmazonVPC's public IPv4 rows), so it is an attribute like the others, "" when absent."""
    products = []
    on_demand = (document.get("terms") or {}).get(ON_DEMAND) or {}
    for sku, raw in (document.get("products") or {}).items():
        attributes = {attribute_name(k): str(v) for k, v in (raw.get("attributes") or {}).items()}
        attributes["productfamily"] = str(raw.get("productFamily") or "")
        if not keep(attributes):
            continue
        product = Product(sku, attributes)
        for term in (on_demand.get(sku) or {}).values():
            product.effective = str(term.get("effectiveDate", ""))[:10]
            dimensions = (term.get("priceDimensions") or {}).values()
            product.dimensions += [_dimension(d) for d in dimensions]
        products.append(product)
    head = {key: str(document.get(key, "")) for key in ("version", "publicationDate")}
    return head, products


def read_csv(
    stream: IO[bytes], keep: Callable[[Mapping[str, str]], bool]
) -> tuple[dict[str, str], list[Product]]:
    """(metadata, kept products) of a CSV price list, read row by row: five metadata rows, the
    header, then one row per price dimension; rows of other terms (Reserved) are skipped."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    rows = csv.reader(text)
    head: dict[str, str] = {}
    for row in _take(rows, METADATA_ROWS):
        if len(row) >= 2:
            head[attribute_name(row[0])] = row[1]
    header = [attribute_name(name) for name in next(rows, [])]
    products: dict[str, Product] = {}
    for row in rows:
        record = dict(zip(header, row, strict=False))
        if record.get("termtype") != ON_DEMAND or not keep(record):
            continue
        sku = record["sku"]
        product = products.setdefault(sku, Product(sku, record, record.get("effectivedate", "")))
        product.dimensions.append(
            Dimension(
                rate_code=record.get("ratecode", ""),
                description=record.get("pricedescription", ""),
                begin=_number(record.get("startingrange", "0")) or 0.0,
                end=_number(record.get("endingrange", "Inf")),
                unit=record.get("unit", ""),
                usd=float(record.get("priceperunit") or 0),
            )
        )
    metadata = {
        "version": head.get("version", ""),
        "publicationDate": head.get("publicationdate", ""),
    }
    return metadata, list(products.values())


def _take(rows: Iterator[list[str]], count: int) -> Iterable[list[str]]:
    for _ in range(count):
        row = next(rows, None)
        if row is None:
            return
        yield row
