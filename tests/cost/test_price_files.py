"""The shipped price files: the same keys in every region, a source for every figure, and a
price key for everything any fixture registers (only recorded PLACEHOLDERs may stay unpriced)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from cost import PRICES_DIR, estimate, load_prices
from cost.usage import usage_pricer
from cost.usage_file import TIER_DEFAULTS, Usage
from harness.engine import run_program
from settings.stack_files import read_stack_config

from conftest import FIXTURES

REGIONS = sorted(path.stem for path in PRICES_DIR.glob("*.yaml"))
META = {"unit", "note", "source", "sources", "sku", "skus", "effectiveDate", "price"}


def raw(region: str) -> dict[str, Any]:
    return yaml.safe_load((PRICES_DIR / f"{region}.yaml").read_text())


def key_paths(prices: dict[str, Any]) -> set[str]:
    paths = set()
    for key, entry in prices.items():
        variants = [v for v in entry if v not in META] if isinstance(entry, dict) else []
        paths |= {f"{key}[{v}]" for v in variants} or {key}
    return paths


def test_the_four_regions_are_shipped() -> None:
    assert {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1"} <= set(REGIONS)


@pytest.mark.parametrize("region", REGIONS)
def test_every_region_file_has_the_same_keys(region: str) -> None:
    reference = key_paths(raw("eu-west-1")["prices"])
    assert key_paths(raw(region)["prices"]) == reference


@pytest.mark.parametrize("region", REGIONS)
def test_every_figure_names_its_source(region: str) -> None:
    for key, entry in raw(region)["prices"].items():
        variants = [v for v in entry if v not in META]
        if variants:
            assert set(variants) <= set(entry["sources"]), key
            assert all(entry["sources"][v] for v in variants), key
        else:
            assert entry.get("source"), key
            if entry["price"] is None:
                assert entry["source"].startswith("NOT FOUND - placeholder"), key


def placeholders(prices: dict[str, Any]) -> set[str]:
    """Price keys the file records as looked for and not found (null with a NOT FOUND source)."""
    found = set()
    for key, entry in prices.items():
        variants = [v for v in entry if v not in META]
        for variant in variants:
            if entry[variant] is None and entry["sources"][variant].startswith("NOT FOUND"):
                found.add(f"{key}[{variant}]")
        if not variants and entry["price"] is None:
            found.add(key)
    return found


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("Pulumi.*.yaml")))
def test_fixtures_have_no_item_the_price_file_does_not_know(fixture: str) -> None:
    """Every priced kind a fixture registers has a key (and instance type) in its region's file;
    the only unpriced items left are the PLACEHOLDERs the file records (reported, see README)."""
    stack = fixture.split(".")[1]
    config = read_stack_config(stack, FIXTURES)
    region = config["aws:region"]
    synthesis = run_program(stack, stack_config=config)
    usage = Usage.model_validate(TIER_DEFAULTS[config["ecs-platform:tier"]])
    result = estimate(synthesis.resources, load_prices(region), usage_pricer(usage))
    assert result.items
    unknown = {i.price_key for i in result.unpriced} - placeholders(raw(region)["prices"])
    assert unknown == set()


def test_a_missing_instance_type_names_the_command_that_adds_it(
    tmp_path: Path, synthesized
) -> None:
    document = raw("eu-west-1")
    del document["prices"]["ec2InstanceHour"]["m7g.large"]
    (tmp_path / "eu-west-1.yaml").write_text(yaml.safe_dump(document))
    result = estimate(synthesized("prod").resources, load_prices("eu-west-1", tmp_path))
    from cost import iter_unpriced

    lines = [line for line in iter_unpriced(result) if "m7g.large" in line]
    assert lines
    assert all("ecs-platform prices eu-west-1 --instance-type m7g.large" in line for line in lines)
