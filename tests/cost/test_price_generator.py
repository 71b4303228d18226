"""The price-file generator against botocore's Stubber: GetProducts responses shaped as the API
documents them (FormatVersion, PriceList of JSON strings, NextToken), one per key family."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.stub import Stubber

from cli.app import main
from cost import load_prices
from cost.prices.generator import (
    EC2_INSTANCE_FILTERS,
    MANAGED_FEE_KEY,
    SPECS,
    PriceSpec,
    region_document,
)
from ops import aws

REGION = "eu-west-1"
PREFIX = "EU-"  # eu-west-1's usage-type prefix, as in EU-NatGateway-Hours


def client() -> Any:
    return boto3.client(
        "pricing",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def product(usage_type: str, sku: str, tiers: list[tuple[str, str]], unit: str = "Hrs") -> str:
    """One PriceList entry as GetProducts returns it: a JSON string (product, terms.OnDemand)."""
    term = f"{sku}.JRTCKXETXF"
    dimensions = {
        f"{term}.{index}": {
            "unit": unit,
            "beginRange": begin,
            "endRange": "Inf",
            "description": f"{usage_type} tier {index}",
            "appliesTo": [],
            "rateCode": f"{term}.{index}",
            "pricePerUnit": {"USD": usd},
        }
        for index, (begin, usd) in enumerate(tiers)
    }
    return json.dumps(
        {
            "product": {
                "productFamily": "test",
                "attributes": {"usagetype": usage_type, "regionCode": REGION},
                "sku": sku,
            },
            "serviceCode": "test",
            "terms": {
                "OnDemand": {
                    term: {
                        "priceDimensions": dimensions,
                        "sku": sku,
                        "effectiveDate": "2026-09-01T00:00:00Z",
                        "offerTermCode": "JRTCKXETXF",
                        "termAttributes": {},
                    }
                }
            },
            "version": "20260901000000",
            "publicationDate": "2026-09-01T00:00:00Z",
        }
    )


def filters(spec: PriceSpec, extra: dict[str, str] | None = None) -> list[dict[str, str]]:
    values = {"regionCode": REGION, **spec.filters, **(extra or {})}
    return [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in values.items()]


def unit_price(index: int) -> float:
    return round(0.001 * (index + 1), 6)


def stub_all(stubber: Stubber, instance_types: list[str]) -> dict[str, float]:
    """One response per spec (a decoy of another usage type first), the first one paginated."""
    expected: dict[str, float] = {}
    for index, spec in enumerate(SPECS):
        price = unit_price(index)
        decoy = product(f"{PREFIX}Other-{spec.suffix}X", f"DECOY{index}", [("0", "9.9")])
        match = product(f"{PREFIX}{spec.suffix}", f"SKU{index}", [("0", "0"), ("1", str(price))])
        params = {"ServiceCode": spec.service, "Filters": filters(spec)}
        if index == 0:
            stubber.add_response(
                "get_products", {"FormatVersion": "aws_v1", "PriceList": [decoy],
                                 "NextToken": "page-2"}, params)  # fmt: skip
            stubber.add_response(
                "get_products",
                {"FormatVersion": "aws_v1", "PriceList": [match]},
                {**params, "NextToken": "page-2"},
            )
        else:
            stubber.add_response(
                "get_products", {"FormatVersion": "aws_v1", "PriceList": [decoy, match]}, params
            )
        label = f"{spec.key}[{spec.variant}]" if spec.variant else spec.key
        expected[label] = price * spec.scale
    for index, instance_type in enumerate(sorted(instance_types)):
        spec = PriceSpec("ec2InstanceHour", "AmazonEC2", f"BoxUsage:{instance_type}", "USD/hour")
        extra = {**EC2_INSTANCE_FILTERS, "instanceType": instance_type}
        price = 0.05 + index / 100
        stubber.add_response(
            "get_products",
            {"FormatVersion": "aws_v1", "PriceList": [
                product(f"{PREFIX}BoxUsage:{instance_type}", f"EC2{index}", [("0", str(price))])]},
            {"ServiceCode": "AmazonEC2", "Filters": filters(spec, extra)},
        )  # fmt: skip
        expected[f"ec2InstanceHour[{instance_type}]"] = price
    return expected


def test_every_key_family_is_read_from_its_product() -> None:
    pricing = client()
    with Stubber(pricing) as stubber:
        expected = stub_all(stubber, ["m7g.large", "t4g.nano"])
        document = region_document(pricing, REGION, ["t4g.nano", "m7g.large"], None)
        stubber.assert_no_pending_responses()
    prices = document["prices"]
    for label, price in expected.items():
        key, _, variant = label.partition("[")
        entry = prices[key]
        got = entry[variant.rstrip("]")] if variant else entry["price"]
        assert got == pytest.approx(price), label
    assert prices["natGatewayHour"]["sku"] == "SKU0"
    assert prices["natGatewayHour"]["effectiveDate"] == "2026-09-01"
    assert "usagetype=EU-NatGateway-Hours SKU SKU0" in prices["natGatewayHour"]["source"]
    assert "SKU EC21" in prices["ec2InstanceHour"]["sources"]["t4g.nano"]
    assert {spec.key for spec in SPECS} | {"ec2InstanceHour", MANAGED_FEE_KEY} == set(prices)


def test_the_managed_instances_fee_is_kept_from_the_previous_file() -> None:
    pricing = client()
    previous = {"prices": {MANAGED_FEE_KEY: {"c6a.2xlarge": 0.037, "unit": "USD/hour"}}}
    with Stubber(pricing) as stubber:
        stub_all(stubber, [])
        document = region_document(pricing, REGION, [], previous)
    assert document["prices"][MANAGED_FEE_KEY]["c6a.2xlarge"] == 0.037


def test_a_key_without_a_product_is_a_placeholder_not_a_guess() -> None:
    pricing = client()
    spec = next(s for s in SPECS if s.key == "dashboardMonth")
    with Stubber(pricing) as stubber:
        stubber.add_response(
            "get_products", {"FormatVersion": "aws_v1", "PriceList": []},
            {"ServiceCode": spec.service, "Filters": filters(spec)},
        )  # fmt: skip
        from cost.prices.generator import find

        assert find(pricing, REGION, spec) is None


def test_the_command_writes_a_file_the_estimator_reads(tmp_path: Path, monkeypatch) -> None:
    pricing = client()
    monkeypatch.setattr(aws, "client", lambda service, region=None: pricing)
    previous = {"assumptions": {"ec2SpotDiscount": {"value": 0.7, "note": "kept"}},
                "prices": {"ec2InstanceHour": {"t4g.nano": 0.1, "unit": "USD/hour"}}}  # fmt: skip
    (tmp_path / f"{REGION}.yaml").write_text(yaml.safe_dump(previous))
    with Stubber(pricing) as stubber:
        expected = stub_all(stubber, ["t4g.nano", "m7g.large"])
        assert main(["prices", REGION, "--instance-type", "m7g.large", "--out", str(tmp_path)]) == 0
    table = load_prices(REGION, tmp_path)
    assert table.price("ec2InstanceHour", "m7g.large") == expected["ec2InstanceHour[m7g.large]"]
    assert table.price("natGatewayGb") == pytest.approx(expected["natGatewayGb"])
    assert table.price("fargateVcpuHour", "arm64") == pytest.approx(
        expected["fargateVcpuHour[arm64]"]
    )
    assert table.assumption("ec2SpotDiscount") == (0.7, "kept")
