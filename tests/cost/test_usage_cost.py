"""Usage-based costs: the usage file's inputs at the region's prices, apart from the fixed cost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from cli.app import main
from cost import estimate, load_prices
from cost.usage import usage_pricer
from cost.usage_file import UsageFileError, load_usage
from review.compare import against_nothing
from review.render import render_markdown
from settings.stack_files import PROJECT_DIR, read_stack_config

from conftest import FIXTURES


def prod_estimate(synthesized, tmp_path: Path, content: dict) -> float:
    (tmp_path / "usage.prod.yaml").write_text(yaml.safe_dump(content))
    usage = load_usage("prod", tmp_path, "production")
    table = load_prices(read_stack_config("prod", FIXTURES)["aws:region"])
    return estimate(synthesized("prod").resources, table, usage_pricer(usage.values)).monthly


def test_a_thousand_gb_of_nat_processing_costs_exactly_that(synthesized, tmp_path) -> None:
    table = load_prices("eu-west-1")
    without = prod_estimate(synthesized, tmp_path, {"natGatewayGbPerMonth": 0})
    with_nat = prod_estimate(synthesized, tmp_path, {"natGatewayGbPerMonth": 1000})
    nat_price = table.price("natGatewayGb")
    assert nat_price is not None
    assert with_nat - without == pytest.approx(1000 * nat_price)


def test_usage_items_are_kept_apart_from_fixed_costs(synthesized, tmp_path) -> None:
    (tmp_path / "usage.prod.yaml").write_text("natGatewayGbPerMonth: 500\nloadBalancerLcu: 3\n")
    usage = load_usage("prod", tmp_path, "production")
    assert usage.from_file == ("loadBalancerLcu", "natGatewayGbPerMonth")
    table = load_prices("eu-west-1")
    fixed_only = estimate(synthesized("prod").resources, table)
    both = estimate(synthesized("prod").resources, table, usage_pricer(usage.values))
    assert both.fixed == pytest.approx(fixed_only.monthly)
    assert both.usage == pytest.approx(both.monthly - both.fixed)
    lcu = [i for i in both.items if i.price_key == "albLcuHour"]
    assert [i.usage for i in lcu] == [True]
    assert lcu[0].monthly == pytest.approx(3 * table.price("albLcuHour") * table.hours)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("natGatewayGbPerMonth: -5\n", "usage.prod.yaml: natGatewayGbPerMonth: Input should be"),
        ("natGatewayGb: 5\n", "usage.prod.yaml: natGatewayGb: unknown key"),
        ("- 1\n", "usage.prod.yaml: expected a mapping"),
    ],
)
def test_a_bad_usage_file_is_refused_with_file_and_key(tmp_path, content, message) -> None:
    (tmp_path / "usage.prod.yaml").write_text(content)
    with pytest.raises(UsageFileError) as error:
        load_usage("prod", tmp_path, "production")
    assert message in str(error.value)


def test_the_plan_reads_usage_option_and_refuses_a_bad_file(
    tmp_path, capsys, fixture_project
) -> None:
    project = ["--project-dir", str(fixture_project)]
    good = tmp_path / "good.yaml"
    good.write_text("natGatewayGbPerMonth: 1000\n")
    assert main(["plan", "prod", "--json", "--usage", str(good), *project]) == 0
    cost = json.loads(capsys.readouterr().out)["cost"]
    nat = [i for i in cost["items"] if i["price"] == "natGatewayGb"]
    assert nat[0]["quantity"] == 1000 and nat[0]["usage"] is True
    assert cost["usageSource"] == "good.yaml"
    assert cost["monthly"] == pytest.approx(cost["fixedMonthly"] + cost["usageMonthly"], abs=0.02)
    bad = tmp_path / "bad.yaml"
    bad.write_text("loadBalancerLcu: -1\n")
    assert main(["plan", "prod", "--usage", str(bad), *project]) == 2
    assert "bad.yaml: loadBalancerLcu" in capsys.readouterr().err


def test_the_pr_comment_splits_fixed_and_usage_and_prices_each_new_service(
    tmp_path, synthesized
) -> None:
    shutil.copy(PROJECT_DIR / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(FIXTURES / "Pulumi.prod.yaml", tmp_path / "Pulumi.prod.yaml")
    report = against_nothing("prod", synthesized("prod"), tmp_path, load_prices_dir())
    cost = report["cost"]
    text = render_markdown(report)
    assert "| component | fixed | usage | monthly | change |" in text
    assert "defaults for tier production" in text
    api = next(s for s in cost["newServices"] if s["service"] == "api")
    config = read_stack_config("prod", FIXTURES)["ecs-platform:services"]["api"]
    assert api["tasks"] == config["desiredCount"]
    assert api["vcpu"] == config["cpu"] / 1024 and api["memoryGb"] == config["memory"] / 1024
    assert f"**api**: {api['text']}" in text
    assert (
        cost["byComponent"][api["component"]]["delta"]
        == cost["byComponent"][api["component"]]["monthly"]
    )


def load_prices_dir() -> Path:
    from cost import PRICES_DIR

    return PRICES_DIR
