"""Generate the docs' reference pages from the code, so no figure or list is kept by hand.

    ecs-platform reference --write   # (re)write every page under docs/reference/
    ecs-platform reference --check   # exit 1 naming each page that is out of date

Each page is a pure function of the code (settings models, policy pack, risk codes, Makefile,
exit codes) or of the offline plan of the fixture stacks in `tests/fixtures/`, never of the
user's own stack files. `tests/docs/test_reference_pages.py` fails when a page drifts.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from reference import GENERATED, data_safety, diagrams, outputs
from reference import configuration as config_reference
from reference import figures as reference_figures
from reference import prices as reference_prices
from review.risks.codes import RISK_CODES
from settings.cluster import StrategyItem
from settings.loader import parse_settings
from settings.platform import PlatformSettings
from settings.stack_files import load_config, read_stack_config

PROJECT_DIR = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_DIR / "docs" / "reference"


def _policy_rules() -> tuple:
    policy_dir = str(PROJECT_DIR / "policy")
    if policy_dir not in sys.path:
        sys.path.insert(0, policy_dir)
    from ecs_platform_policies.catalog import RULES

    return RULES


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def policies_page() -> str:
    rules = _policy_rules()
    rows = [
        f"| `{rule.name}` | {_cell(rule.control)} | "
        f"{', '.join(rule.tiers)} | {_cell(rule.description)} | {_cell(rule.remediation)} |"
        for rule in sorted(rules, key=lambda r: r.name)
    ]
    return "\n".join(
        [
            "# Policy reference",
            "",
            GENERATED,
            "",
            f"The policy pack in `policy/` has **{len(rules)} policies** plus the advisory",
            "`waived-findings` policy. Every policy is mandatory unless the stack's policy config",
            "(`policy/config.<stack>.json`) makes it advisory. See [Security](../security.md).",
            "",
            "| policy | control | tiers | requires | remediation |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


MAKE_HELP = re.compile(r'^\t@echo "(make [^"]*?)\s{2,}([^"]*)"$')


def make_targets_page(makefile: Path = PROJECT_DIR / "Makefile") -> str:
    """The `make help` lines: a command, two or more spaces, what it does."""
    rows: list[str] = []
    for line in makefile.read_text().splitlines():
        match = MAKE_HELP.match(line)
        if match:
            rows.append(f"| `{match.group(1).strip()}` | {_cell(match.group(2))} |")
        elif line.startswith('\t@echo "') and rows:  # a continuation line of the one above
            rows[-1] = rows[-1][:-2] + " " + _cell(line[len('\t@echo "') : -1]) + " |"
    return "\n".join(
        [
            "# Make targets",
            "",
            GENERATED,
            "",
            "From the `help` target of the `Makefile` (`make help` prints the same).",
            "",
            "| command | what it does |",
            "|---|---|",
            *rows,
            "",
        ]
    )


FIXTURES = PROJECT_DIR / "tests" / "fixtures"


def fixture_settings(stack: str) -> PlatformSettings:
    """A fixture stack file's validated settings (the shipped dev and prod as of this commit)."""
    project, flat = load_config(stack, stack_config=read_stack_config(stack, FIXTURES))
    return parse_settings(flat, project=project, stack=stack)


def _strategy(items: Sequence[StrategyItem]) -> str:
    return ", ".join(
        f"{i.provider} weight {i.weight}" + (f" base {i.base}" if i.base else "") for i in items
    )


def _stack_facts(s: PlatformSettings) -> dict[str, str]:
    net, lb, reg = s.network, s.load_balancer, s.registry
    pools = "; ".join(
        f"`{p.name}`: {p.architecture} {', '.join(p.instance_types)}, {p.min_size} to {p.max_size},"
        f" {p.on_demand_base_capacity} on demand then {p.spot_percentage} % Spot"
        for p in s.cluster.ec2_pools
    )
    return {
        "tier": s.tier,
        "AZs / NAT": f"{len(net.availability_zones)} / `{net.nat_gateways}`",
        "VPC endpoints": ", ".join(net.endpoints) or "none",
        "flow logs": f"{net.flow_logs.traffic_type}, {net.flow_logs.retention_days} days",
        "ECR tags / force delete / tagged images kept": f"{reg.image_tag_mutability} /"
        f" {reg.force_delete} / {reg.lifecycle.keep_tagged_images}",
        "Container Insights / ECS Exec log days": f"{s.cluster.container_insights} /"
        f" {s.cluster.exec_log_retention_days}",
        "default strategy": _strategy(s.cluster.default_strategy),
        "ALB": ("HTTPS" if lb.certificate_arn else "plain HTTP")
        + f", access logs {lb.access_logs.enabled}, deletion protection"
        f" {lb.deletion_protection}, WAF {lb.waf.enabled}",
        "EC2 pools": pools or "none",
        "services": ", ".join(
            f"`{name}` ({svc.capacity}, {svc.desired_count} tasks)"
            for name, svc in s.services.items()
        ),
    }


def dev_and_prod_page(stacks: tuple[str, str] = ("dev", "prod")) -> str:
    facts = [_stack_facts(fixture_settings(stack)) for stack in stacks]
    rows = [f"| {key} | {facts[0][key]} | {facts[1][key]} |" for key in facts[0]]
    return "\n".join(
        [
            "# The example dev and prod stacks",
            "",
            GENERATED,
            "",
            "What differs between the example stack files this repository ships (as kept in",
            "`tests/fixtures/`; your own `Pulumi.<stack>.yaml` may differ by now).",
            "",
            f"| setting | {stacks[0]} | {stacks[1]} |",
            "|---|---|---|",
            *rows,
            "",
        ]
    )


def risks_page() -> str:
    rows = [
        f"| `{code}` | {'**blocking** (exit 4)' if risk.blocking else 'flag'} | {risk.fires_when} |"
        for code, risk in sorted(
            RISK_CODES.items(), key=lambda item: (not item[1].blocking, item[0])
        )
    ]
    return "\n".join(
        [
            "# Risk codes",
            "",
            GENERATED,
            "",
            "Every risk the plan diff can raise (`review/risks/codes.py`; a risk with a code not",
            "listed there is refused). Blocking risks come first in every format, carry",
            '`"blocking": true` in JSON, give the safe sequence of deploys in their message and',
            "make `review.plan --base/--against` exit 4.",
            "",
            "| code | kind | fires when |",
            "|---|---|---|",
            *rows,
            "",
            *data_safety.classification_lines(),
            *data_safety.recipe_lines(),
        ]
    )


def _figure_syntheses() -> list:
    return [reference_figures.synthesize(stack) for stack in reference_figures.FIGURE_STACKS]


# Diagrams and command output that hand-written pages include (`--8<-- "diagrams/<name>.md"`):
# generated here, left out of the site itself (mkdocs.yml exclude_docs).
SNIPPETS: dict[str, Callable[[], str]] = {
    "diagrams/architecture.md": lambda: diagrams.architecture(
        diagrams.component_graph(_figure_syntheses())
    ),
    "diagrams/network-prod.md": lambda: diagrams.network(fixture_settings("prod"), "prod"),
    "diagrams/network-dev.md": lambda: diagrams.network(fixture_settings("dev"), "dev"),
    "diagrams/deployment-stages.md": diagrams.deployment_stages,
    **{
        f"diagrams/traffic-{strategy}.md": lambda s=strategy: diagrams.traffic_example(s)
        for strategy in diagrams.TRAFFIC_EXAMPLES
    },
    "output/settings-refusal.md": outputs.settings_refusal,
    "output/plan-canary-service.md": lambda: outputs.plan_excerpt(
        "progressive", "aws:ecs/service:Service  api"
    ),
}

PAGES: dict[str, Callable[[], str]] = {
    "architecture.md": lambda: diagrams.architecture_page(
        GENERATED, _figure_syntheses(), reference_figures.FIGURE_STACKS
    ),
    **SNIPPETS,
    "example-plan.md": lambda: outputs.example_plan_page(GENERATED),
    "risks.md": risks_page,
    "figures.md": lambda: reference_figures.figures_page(GENERATED),
    "prices.md": lambda: reference_prices.prices_page(GENERATED),
    "example-pr-comment.md": lambda: reference_figures.example_comment_page(GENERATED),
    "dev-and-prod.md": dev_and_prod_page,
    **config_reference.pages(GENERATED),
    "policies.md": policies_page,
    "make-targets.md": make_targets_page,
}


# Folders of docs/reference/ that hold only what PAGES writes: a file no generator writes any
# more (a section removed from the settings, say) is stale, and --write removes it.
GENERATED_FOLDERS = ("configuration", "diagrams", "output")


def orphans(directory: Path, pages: dict[str, Callable[[], str]]) -> list[str]:
    """Files in the generated folders of `directory` that no page of `pages` writes."""
    return sorted(
        str(path.relative_to(directory))
        for folder in GENERATED_FOLDERS
        for path in (directory / folder).glob("*")
        if path.is_file() and str(path.relative_to(directory)) not in pages
    )


def stale_pages(
    directory: Path = REFERENCE_DIR, pages: dict[str, Callable[[], str]] | None = None
) -> list[str]:
    """Names of the pages (default: PAGES) whose file differs from what the code generates,
    and of files left in the generated folders that nothing generates."""
    pages = PAGES if pages is None else pages
    stale = []
    for name, render in pages.items():
        path = directory / name
        if not path.exists() or path.read_text() != render():
            stale.append(name)
    return stale + orphans(directory, pages)


def write_pages(pages: dict[str, Callable[[], str]], directory: Path = REFERENCE_DIR) -> list[str]:
    """Write every page, remove the orphans of the generated folders; the pages' names."""
    for name, render in pages.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(render())
    for name in orphans(directory, pages):
        (directory / name).unlink()
    return list(pages)
