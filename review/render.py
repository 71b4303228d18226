"""Text and Markdown renderings of a plan-diff report (see review/report.py)."""

from __future__ import annotations

import json
from typing import Any

from review.overview import new_component_lines

MARKDOWN_LIMIT = 60_000
MAX_RISK_LINES = 60
SYMBOLS = {"add": "+", "update": "~", "replace": "±", "delete": "-"}
MOCK_NOTE = "ran offline under Pulumi mocks (no AWS account); ids and ARNs are mock values"
ACKNOWLEDGED = "loss-acknowledged"
ACK_STATUS = {
    "applied": "applied",
    "stale": "too old to count: the loss stays blocking (renew the date if it is intended)",
    "unused": "nothing in this change loses that resource's data",
}


def show(value: Any, width: int = 100) -> str:
    """One-line value: strings as they are, the rest as compact JSON, long ones shortened."""
    text = "(none)" if value is None else value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def money(value: float | None, currency: str = "USD", signed: bool = False) -> str:
    if value is None:
        return "n/a"
    sign = "+" if signed and value >= 0 else "-" if value < 0 else ""
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{sign}{symbol}{abs(value):,.2f}"


def counts(summary: dict[str, int]) -> str:
    return " ".join(f"{SYMBOLS[action]}{summary[action]}" for action in SYMBOLS)


def cost_headline(cost: dict[str, Any]) -> str:
    if cost.get("monthly") is None:
        return f"no cost estimate: {cost.get('error')}"
    currency = cost["currency"]
    line = f"{money(cost['monthly'], currency)}/month"
    if cost.get("usageMonthly") is not None:
        line += (
            f" (fixed {money(cost['fixedMonthly'], currency)}"
            f" + usage {money(cost['usageMonthly'], currency)})"
        )
    if cost.get("delta") is not None:
        line += f" ({money(cost['delta'], currency, signed=True)} vs base)"
    if cost.get("unpriced"):
        line += f", priced items only ({len(cost['unpriced'])} unpriced)"
    return line


def cost_lines(cost: dict[str, Any]) -> list[str]:
    """The estimate as plain lines: per component, assumptions, unpriced and excluded items."""
    lines = [f"Monthly cost estimate: {cost_headline(cost)}"]
    if cost.get("monthly") is None:
        return [*lines, "  leaves out: " + "; ".join(cost["excluded"])]
    lines.append(f"  region {cost['region']}, prices as of {cost['pricesAsOf']}")
    currency = cost["currency"]
    for name, part in cost["byComponent"].items():
        delta = part["delta"]
        change = f" ({money(delta, currency, signed=True)})" if delta else ""
        usage = f", of which usage {money(part['usage'], currency)}" if part.get("usage") else ""
        lines.append(f"  {name}: {money(part['monthly'], currency)}{usage}{change}")
    fixed = [i for i in cost["items"] if not i.get("usage")]
    largest = sorted(fixed, key=lambda i: -(i["monthly"] or 0))[:5]
    lines.append(
        "  largest fixed items: " + "; ".join(f"{i['what']} {money(i['monthly'])}" for i in largest)
    )
    usage_items = [i for i in cost["items"] if i.get("usage")]
    if usage_items:
        lines.append(f"  usage ({cost.get('usageSource')}):")
        lines += [f"    {i['what']}: {money(i['monthly'], currency)}" for i in usage_items]
    for service in cost.get("newServices") or []:
        lines.append(
            f"  new service {service['service']}: {service['text']} = "
            f"{money(service['monthly'], currency)}/month"
        )
    lines += [f"  assumes {line}" for line in cost["assumptions"]]
    if cost["unpriced"]:
        lines.append(f"  unpriced (no figure in the {cost['region']} price file):")
        lines += [f"    {line}" for line in cost["unpriced"]]
    lines.append("  leaves out: " + "; ".join(cost["excluded"]))
    return lines


def _grouped(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for change in report["changes"]:
        groups.setdefault(change["component"], []).append(change)
    return dict(sorted(groups.items()))


def _property_line(prop: dict[str, Any], width: int) -> str:
    if "widgets[" in prop["path"] and (prop["old"] is None or prop["new"] is None):
        return f"{prop['path']}: {'added' if prop['old'] is None else 'removed'}"  # by title
    forces = " (forces replacement)" if prop["replaces"] else ""
    return f"{prop['path']}: {show(prop['old'], width)} → {show(prop['new'], width)}{forces}"


def render_diff_text(report: dict[str, Any]) -> str:
    lines = [
        f"Plan diff for stack '{report['stack']}' against {report['base']}: "
        f"{counts(report['summary'])} ({report['summary']['same']} unchanged)",
        f"commit {report['commit']}; {MOCK_NOTE}",
        "",
    ]
    new_components = set(report.get("newComponents") or ())
    for component, changes in _grouped(report).items():
        if component in new_components:
            headline, overview = new_component_lines(component, changes)
            lines += [f"+ {headline}", *[f"      {line}" for line in overview]]
            lines += [f"      ! {r['code']}: {r['message']}" for c in changes for r in c["risks"]]
            lines.append("")
            continue
        lines.append(f"{component}:")
        for change in changes:
            lines.append(f"  {SYMBOLS[change['action']]} {change['type']}  {change['name']}")
            lines += [f"      {_property_line(p, 120)}" for p in change["properties"]]
            lines += [f"      {line}" for line in _summary_lines(change)]
            lines += [f"      ! {r['code']}: {r['message']}" for r in change["risks"]]
        lines.append("")
    lines += [
        f"Acknowledgement {e['resource']} of {e['date']}: {ACK_STATUS[e['status']]}"
        for e in report.get("acknowledgements") or []
    ]
    if report["risks"]:
        lines.append(f"Risks ({len(report['risks'])}):")
        lines += [
            f"  {'BLOCKING ' if r.get('blocking') else ''}{r['code']}: {r['message']}"
            for r in report["risks"]
        ]
        lines.append("")
    return "\n".join([*lines, *cost_lines(report["cost"])])


def _code(value: str) -> str:
    return "`" + value.replace("`", "'") + "`"


def _summary_lines(change: dict[str, Any]) -> list[str]:
    """A new resource's key properties (review/summaries/__init__.py), one `key: value` each."""
    return [
        f"{key}: {show(', '.join(map(str, value)) if isinstance(value, list) else value, 100)}"
        for key, value in (change.get("summary") or {}).items()
    ]


def _markdown_sections(report: dict[str, Any]) -> list[tuple[str, list[str]]]:
    sections = []
    new_components = set(report.get("newComponents") or ())
    for component, changes in _grouped(report).items():
        if component in new_components:
            headline, lines = new_component_lines(component, changes)
            body = [f"- {_code('+')} **{headline}**", *[f"  - {_code(line)}" for line in lines]]
            body += [
                f"  - ! {_code(r['code'])} {r['message']}" for c in changes for r in c["risks"]
            ]
            sections.append((f"#### {component} (new)", body))
            continue
        body = []
        for change in changes:
            symbol = SYMBOLS[change["action"]]
            body.append(f"- {_code(symbol)} {_code(change['type'])} **{change['name']}**")
            body += [f"  - {_code(_property_line(p, 80))}" for p in change["properties"]]
            body += [f"  - {_code(line)}" for line in _summary_lines(change)]
        sections.append((f"#### {component}", body))
    return sections


def _trim(sections: list[tuple[str, list[str]]], budget: int) -> bool:
    """Shorten the longest sections until all fit in `budget` characters; True if any was cut.
    Stops when no section can be shortened any further (budget below the fixed part)."""
    size = sum(len(h) + 1 + sum(len(line) + 1 for line in body) for h, body in sections)
    trimmed = False
    while size > budget:
        cuts = [_halved(body) for _, body in sections]
        savings = [
            sum(len(line) + 1 for line in body) - sum(len(line) + 1 for line in cut)
            for (_, body), cut in zip(sections, cuts, strict=True)
        ]
        index = max(range(len(sections)), key=savings.__getitem__, default=None)
        if index is None or savings[index] <= 0:
            break
        sections[index] = (sections[index][0], cuts[index])
        size -= savings[index]
        trimmed = True
    return trimmed


def _halved(body: list[str]) -> list[str]:
    """The first half of a section's lines and a note of how many were cut."""
    keep = len(body) // 2 if len(body) > 2 else 0
    cut = len(body) - keep
    if cut == 0:
        return body
    return [*body[:keep], f"- … {cut} more lines trimmed (run the plan locally for all of them)"]


def _cost_markdown(cost: dict[str, Any]) -> list[str]:
    if cost.get("monthly") is None:
        return [f"No cost estimate: {cost.get('error')}"]
    currency = cost["currency"]
    rows = ["| component | fixed | usage | monthly | change |", "|---|---:|---:|---:|---:|"]
    for name, part in cost["byComponent"].items():
        delta = money(part["delta"], currency, signed=True) if part["delta"] else ""
        fixed, usage = money(part.get("fixed"), currency), money(part.get("usage"), currency)
        rows.append(
            f"| {name} | {fixed} | {usage} | {money(part['monthly'], currency)} | {delta} |"
        )
    rows.append(
        f"| **total** | {money(cost.get('fixedMonthly'), currency)}"
        f" | {money(cost.get('usageMonthly'), currency)} | {money(cost['monthly'], currency)}"
        f" | {money(cost['delta'], currency, signed=True) if cost.get('delta') else ''} |"
    )
    rows.append("")
    if cost.get("newServices"):
        rows.append("New services:")
        rows += [
            f"- **{s['service']}**: {s['text']} = {money(s['monthly'], currency)}/month"
            for s in cost["newServices"]
        ]
        rows.append("")
    usage_items = [i for i in cost["items"] if i.get("usage")]
    if usage_items:
        rows.append(f"Usage-based ({cost.get('usageSource')}):")
        rows += [f"- {i['what']}: {money(i['monthly'], currency)}" for i in usage_items]
        rows.append("")
    rows.append(
        f"Prices: {cost['region']}, as of {cost['pricesAsOf']}. Assumes "
        + "; ".join(cost["assumptions"])
        + "."
    )
    if cost["unpriced"]:
        rows.append(
            f"Unpriced (no figure in the {cost['region']} price file): "
            + "; ".join(cost["unpriced"])
            + "."
        )
    return rows


def _blocking_markdown(report: dict[str, Any]) -> list[str]:
    """Blocking risks first, whole: each message is the safe sequence of deploys."""
    blocking = [r for r in report["risks"] if r.get("blocking")]
    if not blocking:
        return []
    lines = [
        f"> [!CAUTION]\n> **{len(blocking)} blocking risk(s): AWS would refuse a step of this"
        " change in the order it is applied. Split it into the deploys below.**"
    ]
    lines += [f"> - {_code(r['code'])} {r['message']}" for r in blocking]
    return [*lines, ""]


def _acknowledged_markdown(report: dict[str, Any]) -> list[str]:
    """Losses the stack file acknowledges, whole, and every acknowledgement's fate."""
    acknowledged = [r for r in report["risks"] if r["code"] == ACKNOWLEDGED]
    entries = report.get("acknowledgements") or []
    if not acknowledged and not entries:
        return []
    lines = [f"> [!IMPORTANT]\n> **{len(acknowledged)} acknowledged loss(es) of data**"]
    lines += [f"> - {_code(r['code'])} {r['message']}" for r in acknowledged]
    lines += [
        f"> - acknowledgement {_code(e['resource'])} of {e['date']}: {ACK_STATUS[e['status']]}"
        for e in entries
        if e["status"] != "applied"
    ]
    return [*lines, ""]


def render_markdown(report: dict[str, Any], limit: int = MARKDOWN_LIMIT) -> str:
    stack, cost = report["stack"], report["cost"]
    head = [
        f"<!-- ecs-platform-plan:{stack} -->",
        f"### Plan for `{stack}` against {_code(str(report['base']))}: {counts(report['summary'])}",
        "",
        f"**Monthly estimate:** {cost_headline(cost)}",
        "",
    ]
    head += _blocking_markdown(report)
    head += _acknowledged_markdown(report)
    others = [r for r in report["risks"] if not r.get("blocking") and r["code"] != ACKNOWLEDGED]
    if others:
        head.append(f"> [!WARNING]\n> **{len(others)} risk flag(s)**")
        shown = others[:MAX_RISK_LINES]
        head += [f"> - {_code(r['code'])} {show(r['message'], 200)}" for r in shown]
        if len(others) > len(shown):
            head.append(f"> - … and {len(others) - len(shown)} more (see the plan)")
        head.append("")
    tail = [
        "<details><summary>Cost by component</summary>",
        "",
        *_cost_markdown(cost),
        "",
        "</details>",
        "",
        f"<sub>Commit {_code(report['commit'])}; {MOCK_NOTE}. The estimate leaves out: "
        + "; ".join(cost["excluded"])
        + ".</sub>",
    ]
    sections = _markdown_sections(report)
    changed = len(report["changes"])
    open_details = [f"<details><summary>Changes by component ({changed})</summary>", ""]
    fixed = "\n".join([*head, *open_details, "", "</details>", "", *tail])
    notice = "_Trimmed: the longest sections were shortened to stay under 60,000 characters._"
    trimmed = _trim(sections, limit - len(fixed) - len(notice) - 200)
    body = [line for heading, lines in sections for line in ("", heading, *lines)]
    if trimmed:
        body += ["", notice]
    return "\n".join([*head, *open_details, *body, "", "</details>", "", *tail]) + "\n"
