"""The plan diff as one JSON-able report: changes, risks and the cost estimate with its delta.

Every renderer (text, JSON, Markdown) reads this dict, so all formats say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cost import EXCLUDED, Estimate, ServiceLine, iter_left_out, iter_unpriced
from review.diff import Change, Diff
from review.risks import Risk
from review.summaries import summarize


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _service_line(name: str, line: ServiceLine) -> dict[str, Any]:
    """A service's own monthly line: tasks x size x capacity mix."""
    mix = ", ".join(f"{count:g} {provider}" for provider, count in line.placed.items() if count)
    return {
        "service": name,
        "component": line.component,
        "tasks": line.tasks,
        "vcpu": line.vcpu,
        "memoryGb": line.gib,
        "architecture": line.architecture,
        "capacityMix": {provider: count for provider, count in line.placed.items() if count},
        "monthly": _money(line.monthly),
        "poolShares": {provider: round(share, 4) for provider, share in line.pool_shares.items()},
        "text": f"{line.tasks:g} task(s) x {line.vcpu:g} vCPU / {line.gib:g} GB "
        f"{line.architecture} x ({mix or 'no tasks'})" + _pool_text(line),
    }


def _pool_text(line: ServiceLine) -> str:
    """How much of each pool it runs on the service's line includes."""
    if not line.pool_shares:
        return ""
    parts = [f"{share:.0%} of pool {name}" for name, share in sorted(line.pool_shares.items())]
    return "; " + ", ".join(parts) + " (by reserved vCPU and memory)"


def _new_services(new: Estimate, old: Estimate | None, compared: bool) -> list[dict[str, Any]]:
    """Services the base does not have (all of them without a base)."""
    before = set(old.services) if old is not None and compared else set()
    return [_service_line(n, line) for n, line in sorted(new.services.items()) if n not in before]


def _split(new: Estimate, old: Estimate | None, compared: bool) -> dict[str, Any]:
    """Fixed and usage totals, with the base's and the deltas when there is a base."""
    parts: dict[str, Any] = {}
    for key, value, before in (
        ("fixed", new.fixed, old.fixed if old else 0.0),
        ("usage", new.usage, old.usage if old else 0.0),
    ):
        base = before if compared else None
        parts[f"{key}Monthly"] = _money(value)
        parts[f"base{key.title()}Monthly"] = _money(base)
        parts[f"{key}Delta"] = _money(None if base is None else value - base)
    return parts


def cost_report(
    new: Estimate | None,
    old: Estimate | None = None,
    *,
    error: str | None = None,
    compared: bool = False,
) -> dict[str, Any]:
    """The `cost` section; `compared` means there is a base (its estimate may be empty)."""
    report: dict[str, Any] = {"excluded": list(EXCLUDED)}
    if new is None:
        return {"error": error, "monthly": None, "baseMonthly": None, "delta": None, **report}
    left_out = set(iter_left_out(new)) | set(iter_left_out(old) if old else ())
    report["excluded"] += sorted(left_out)
    base_total = old.monthly if old is not None else (0.0 if compared else None)
    base_parts = old.by_component() if old is not None else {}
    components = sorted(set(new.by_component()) | set(base_parts))
    by_component = {}
    usage_parts = new.by_component(usage=True)
    for name in components:
        monthly = new.by_component().get(name, 0.0)
        before = base_parts.get(name, 0.0) if compared else None
        by_component[name] = {
            "monthly": _money(monthly),
            "fixed": _money(monthly - usage_parts.get(name, 0.0)),
            "usage": _money(usage_parts.get(name, 0.0)),
            "baseMonthly": _money(before),
            "delta": _money(None if before is None else monthly - before),
        }
    return {
        "currency": new.table.currency,
        "region": new.table.region,
        "pricesAsOf": new.table.as_of,
        "hoursPerMonth": new.table.hours,
        "monthly": _money(new.monthly),
        "baseMonthly": _money(base_total),
        "delta": _money(None if base_total is None else new.monthly - base_total),
        **_split(new, old, compared),
        "usageSource": new.usage_source,
        "byComponent": by_component,
        "newServices": _new_services(new, old, compared),
        "items": [
            {
                "component": item.component,
                "what": item.what,
                "quantity": round(item.quantity, 4),
                "price": item.price_key,
                "unitPrice": item.unit_price,
                "monthly": _money(item.monthly),
                "usage": item.usage,
            }
            for item in new.items
        ],
        "unpriced": sorted(set(iter_unpriced(new)) | set(iter_unpriced(old) if old else ())),
        "assumptions": new.assumptions(),
        "assumptionNotes": new.assumption_notes(),
        **report,
    }


def _change(change: Change, risks: Sequence[Risk]) -> dict[str, Any]:
    summary = summarize(change.new) if change.action == "add" and change.new else {}
    return {
        "urn": change.urn,
        "type": change.type,
        "name": change.name,
        "component": change.component,
        "action": change.action,
        "properties": [
            {"path": p.path, "old": p.old, "new": p.new, "replaces": p.replaces}
            for p in change.properties
        ],
        "summary": summary,  # a new resource's key properties (review/summaries/__init__.py)
        "risks": [
            {"code": r.code, "message": r.message, "blocking": r.blocking}
            for r in risks
            if r.urn == change.urn
        ],
    }


def diff_report(
    *,
    stack: str,
    base: str,
    commit: str,
    diff: Diff,
    risks: Sequence[Risk],
    cost: dict[str, Any],
) -> dict[str, Any]:
    return {
        "stack": stack,
        "base": base,
        "commit": commit,
        "summary": diff.summary(),
        "changes": [_change(change, risks) for change in diff.changes],
        "newComponents": list(diff.new_components),
        "risks": [
            {"code": r.code, "urn": r.urn, "message": r.message, "blocking": r.blocking}
            for r in sorted(risks, key=lambda r: not r.blocking)
        ],
        "blocking": sum(1 for r in risks if r.blocking),
        "cost": cost,
    }
