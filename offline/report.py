"""The plan diff as one JSON-able report: changes, risks and the cost estimate with its delta.

Every renderer (text, JSON, Markdown) reads this dict, so all formats say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from offline.cost import EXCLUDED, Estimate, iter_unpriced
from offline.diff import Change, Diff
from offline.risks import Risk
from offline.summaries import summarize


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


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
    base_total = old.monthly if old is not None else (0.0 if compared else None)
    base_parts = old.by_component() if old is not None else {}
    components = sorted(set(new.by_component()) | set(base_parts))
    by_component = {}
    for name in components:
        monthly = new.by_component().get(name, 0.0)
        before = base_parts.get(name, 0.0) if compared else None
        by_component[name] = {
            "monthly": _money(monthly),
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
        "byComponent": by_component,
        "items": [
            {
                "component": item.component,
                "what": item.what,
                "quantity": round(item.quantity, 4),
                "price": item.price_key,
                "unitPrice": item.unit_price,
                "monthly": _money(item.monthly),
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
        "summary": summary,  # a new resource's key properties (offline/summaries.py)
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
