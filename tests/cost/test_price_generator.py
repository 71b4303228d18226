"""The price-file generator on recorded excerpts of the AWS bulk offer files (tests/cost/offers/,
README.md there says where each row comes from): one excerpt per key family, decoy rows placed
before the real ones. Expected prices are read from the excerpt files here, not copied from an
output."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.app import main
from cost import load_prices
from cost.price_table import is_sourced, values
from cost.prices.generator import build_prices, region_document
from cost.prices.offers import OfferError, Offers
from cost.prices.specs import SPECS, list_price, usage_suffix

OFFERS = Path(__file__).resolve().parent / "offers"
AWS = OFFERS / "offers" / "v1.0" / "aws"
TODAY = "2026-12-07"
# eu-west-1: the row each key must take (all others in the excerpts are decoys or other keys)
EU_WEST_1 = {
    "natGatewayHour": "KFNSSCHWD43WZK2R",
    "natGatewayGb": "DTH8595YVPFXV226",
    "publicIpv4Hour": "CNZ4XSXPRJXGA4ZF",
    "albHour": "TESTSKU-ALB-HOURS-EUW1",
    "albLcuHour": "TESTSKU-ALB-LCU-EUW1",
    "interfaceEndpointAzHour": "H37WJ97MHYGDXG2A",
    "interfaceEndpointGb": "S8CASMMQB4XR7YWZ",
    "fargateVcpuHour[x86_64]": "K4EXFQ5YFQCP98EN",
    "fargateVcpuHour[arm64]": "KXC9CEUQGJQPNZPY",
    "fargateGbHour[x86_64]": "UP5ETC3QSW2QZGEY",
    "fargateGbHour[arm64]": "MGJ5EB5GSHR8QZDF",
    "ebsGp3GbMonth": "TXACT7E3PV6ZX2NM",
    "alarmStandardMonth": "GDMKAEDCSYJAKBZQ",
    "dashboardMonth": "TESTSKU-CW-DASHBOARD-GLOBAL",
    "customMetricMonth": "58YXNUN4MF8JD9ZA",
    "logsIngestionGb": "KJBTQPDHW2H92B8Y",
    "logsStorageGbMonth": "M93YPPU987S2T6U9",
    "ecrStorageGbMonth": "4NWTEXUZBWQH8MDW",
    "s3StorageGbMonth": "TESTSKU-S3-STANDARD-EUW1",
    "snsRequestsMillion": "TESTSKU-SNS-REQUESTS-EUW1",
    "sqsRequestsMillion": "TESTSKU-SQS-STANDARD-EUW1",
    "kmsKeyMonth": "TESTSKU-KMS-KEY-EUW1",
    "wafWebAclMonth": "TESTSKU-WAF-WEBACLV2-EUW1",
    "wafRuleMonth": "TESTSKU-WAF-RULEV2-EUW1",
    "cloudMapResourceMonth": "TESTSKU-CLOUDMAP-RESOURCES-EUW1",
    "dataTransferOutGb": "TESTSKU-DT-OUT-EUW1",
    "stepFunctionsTransitionsThousand": "TESTSKU-SFN-TRANSITION-EUW1",
    "efsStandardGbMonth": "TESTSKU-EFS-STANDARD-EUW1",
    "ec2InstanceHour[m7g.large]": "TESTSKU-EC2-M7G-LARGE-EUW1",
}
# No row for these in the eu-west-1 excerpts: AWS's request usage type for WAFv2 and the
# Scheduler row were not confirmed, and no eu-west-1 high-resolution alarm or fee row exists.
EU_WEST_1_ABSENT = {
    "alarmHighResolutionMonth",
    "wafRequestsMillion",
    "schedulerInvocationsMillion",
    "managedInstancesFeeHour[m7g.large]",
}


def raw_rows() -> dict[str, tuple[list[dict[str, Any]], str]]:
    """SKU -> (its on-demand price dimensions, the file) read straight from the excerpts."""
    rows: dict[str, tuple[list[dict[str, Any]], str]] = {}
    for path in AWS.glob("*/*/*/index.json"):
        document = json.loads(path.read_text())
        for sku, terms in document["terms"]["OnDemand"].items():
            dimensions = [d for t in terms.values() for d in t["priceDimensions"].values()]
            rows[sku] = (dimensions, str(path))
    for path in AWS.glob("*/*/*/index.csv"):
        lines = path.read_text().splitlines()[5:]  # five metadata rows, then the header
        for row in csv.DictReader(lines):
            if row["TermType"] == "OnDemand":
                dimension = {
                    "beginRange": row["StartingRange"],
                    "pricePerUnit": {"USD": row["PricePerUnit"]},
                }
                rows.setdefault(row["SKU"], ([], str(path)))[0].append(dimension)
    return rows


def first_paid(dimensions: list[dict[str, Any]]) -> float:
    ordered = sorted(dimensions, key=lambda d: float(d["beginRange"]))
    return next(float(d["pricePerUnit"]["USD"]) for d in ordered if float(d["pricePerUnit"]["USD"]))


def generated(region: str, types: list[str], previous: dict | None = None) -> dict[str, Any]:
    prices, _ = build_prices(Offers(OFFERS), region, types, types, previous, TODAY)
    return dict(values(prices))


def scale(label: str) -> float:
    spec = next(s for s in SPECS if label.split("[")[0] == s.key)
    return spec.scale


def test_every_key_family_takes_its_own_row_not_a_decoy() -> None:
    got = generated("eu-west-1", ["m7g.large"])
    rows = raw_rows()
    assert any(sku.startswith("TESTSKU-DECOY") for sku in rows)  # the traps are there
    for label, sku in EU_WEST_1.items():
        value = got[label]
        assert value["sku"] == sku, label
        factor = 1.0 if label.startswith("ec2") else scale(label)
        assert value["price"] == pytest.approx(first_paid(rows[sku][0]) * factor), label
        assert value["usagetype"] and value["effectiveDate"] and value["publicationDate"], label
        assert f"SKU {sku}" in value["source"] and is_sourced(value), label
    assert {label for label, v in got.items() if v["price"] is None} == EU_WEST_1_ABSENT


def test_a_key_without_a_row_is_not_found_never_a_guess() -> None:
    got = generated("eu-west-1", ["m7g.large"])
    for label in EU_WEST_1_ABSENT:
        assert got[label]["source"].startswith("NOT FOUND - "), label
        assert got[label]["date"] == TODAY
    fee = got["managedInstancesFeeHour[m7g.large]"]["source"]
    assert "ECS-Managed-Instances:m7g.large-management-hours" in fee
    assert "AmazonECS/20000101000000/eu-west-1" in fee


def test_a_previous_value_with_a_source_and_date_is_kept_when_the_offer_lacks_it() -> None:
    kept = {"price": 0.3, "date": "2026-11", "source": "a page read by hand"}
    previous = {
        "alarmHighResolutionMonth": {"unit": "USD/alarm-month", **kept},
        "wafRequestsMillion": {"unit": "USD/million requests", "price": 0.6, "source": "no date"},
    }
    got = generated("eu-west-1", [], previous)
    assert {k: v for k, v in got["alarmHighResolutionMonth"].items() if k != "unit"} == kept
    assert got["wafRequestsMillion"]["price"] is None


def test_usage_types_match_exactly_after_the_region_prefix() -> None:
    assert usage_suffix("EU-Fargate-vCPU-Hours:perCPU", "eu-west-1") == "Fargate-vCPU-Hours:perCPU"
    assert usage_suffix("EU-SpotUsage-Fargate-vCPU-Hours:perCPU", "eu-west-1") == (
        "SpotUsage-Fargate-vCPU-Hours:perCPU"
    )
    assert usage_suffix("us-west-2-KMS-Keys", "us-west-2") == "KMS-Keys"
    assert usage_suffix("USE1-VpcEndpoint-Hours", "us-east-1") == "VpcEndpoint-Hours"
    assert usage_suffix("NatGateway-Hours", "us-east-1") == "NatGateway-Hours"
    assert usage_suffix("NatGateway-Hours", "eu-west-1") is None  # another region's row
    assert usage_suffix("APN1-ScheduledInvocation", "ap-northeast-1") == "ScheduledInvocation"


def test_verbatim_rows_of_other_regions_and_prefixes() -> None:
    oregon = generated("us-west-2", ["t4g.small"])
    rows = raw_rows()
    for label, sku in {
        "kmsKeyMonth": "S8HBXBVJKWKDP9AS",  # us-west-2-KMS-Keys; the free-tier row is skipped
        "customMetricMonth": "CN6TP6ZEVS58RK7M",  # four tiers: the first
        "publicIpv4Hour": "NBHXEKTE88TJDDQF",  # no productFamily in the row
        "ebsGp3GbMonth": "BB8UJWJ4XPFJB95G",
        "ec2InstanceHour[t4g.small]": "NTSJZ6S2KD2YFRVB",
    }.items():
        assert oregon[label]["sku"] == sku, label
        assert oregon[label]["price"] == pytest.approx(first_paid(rows[sku][0])), label
    virginia = generated("us-east-1", ["c6a.2xlarge"])  # us-east-1 rows may have no prefix
    assert virginia["managedInstancesFeeHour[c6a.2xlarge]"]["usagetype"] == (
        "ECS-Managed-Instances:c6a.2xlarge-management-hours"
    )
    tokyo = generated("ap-northeast-1", [])  # free first tier skipped, per million
    assert tokyo["schedulerInvocationsMillion"]["price"] == pytest.approx(
        first_paid(rows["29C3758CBCYNXH8B"][0]) * 1e6
    )


def test_an_offer_aws_lists_no_region_for_is_not_found() -> None:
    got = generated("eu-central-1", [])
    assert "AWS lists no price list for eu-central-1" in got["fargateVcpuHour[x86_64]"]["source"]
    assert got["ebsGp3GbMonth"]["sku"] == "43AUDFP7M3XV6YHQ"  # EC2 read as CSV


def test_the_command_writes_files_the_estimator_reads(tmp_path: Path, capsys) -> None:
    previous = {
        "assumptions": {"ec2SpotDiscount": {"value": 0.7, "note": "kept"}},
        "prices": {"ec2InstanceHour": {"unit": "USD/hour", "t4g.nano": {"price": None}}},
    }
    (tmp_path / "eu-west-1.yaml").write_text(yaml.safe_dump(previous))
    arguments = ["prices", "eu-west-1", "--instance-type", "m7g.large", "--offers", str(OFFERS)]
    assert main([*arguments, "--out", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["regions"]["eu-west-1"]
    assert "ec2InstanceHour[m7g.large]" in report["read"]
    assert "ec2InstanceHour[t4g.nano]" in report["notFound"]  # listed before, no row now
    table = load_prices("eu-west-1", tmp_path)
    rows = raw_rows()
    assert table.price("ec2InstanceHour", "m7g.large") == first_paid(
        rows["TESTSKU-EC2-M7G-LARGE-EUW1"][0]
    )
    assert table.status("managedInstancesFeeHour", "m7g.large") == "not found"
    assert table.assumption("ec2SpotDiscount") == (0.7, "kept")


def test_without_network_the_command_says_how_to_work_offline(tmp_path: Path, capsys) -> None:
    offline = Offers(base_url="http://127.0.0.1:9")  # nothing listens on the discard port
    with pytest.raises(OfferError, match="pass --offers DIR"):
        region_document(offline, "eu-west-1", [], None)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["prices", "eu-west-1", "--offers", str(empty), "--out", str(tmp_path)]) == 1
    assert "no such offer file" in capsys.readouterr().err


def test_list_price_skips_free_tiers_and_takes_the_lowest_range() -> None:
    rows = raw_rows()
    sns = rows["TESTSKU-SNS-REQUESTS-EUW1"][0]
    assert float(min(sns, key=lambda d: float(d["beginRange"]))["pricePerUnit"]["USD"]) == 0
    offer = Offers(OFFERS).region_offer("AmazonSNS", "eu-west-1", lambda _: True)
    assert offer is not None
    tier = list_price(offer.products[0].dimensions)
    assert tier is not None and tier.usd == first_paid(sns)
