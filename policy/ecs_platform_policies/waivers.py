"""Deliberate exceptions: a control we do not meet on one resource, with the reason and tiers.

A waiver names the policy, the resource (type and a name pattern) and, optionally, a fragment of
the finding's message, so it covers one finding and never a whole control.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

from .model import TIERS, Resource, Tier

WAIVERS_FILE = Path(__file__).resolve().parent.parent / "waivers.yaml"
FIELDS = {"policy", "type", "name", "message", "tiers", "reason"}


@dataclass(frozen=True)
class Waiver:
    policy: str
    type: str
    name: str
    reason: str
    tiers: tuple[Tier, ...]
    message: str = ""

    def covers(self, policy: str, resource: Resource, message: str, tier: Tier) -> bool:
        return (
            policy == self.policy
            and tier in self.tiers
            and resource.type == self.type
            and fnmatchcase(resource.name, self.name)
            and self.message in message
        )


def parse_waiver(entry: Any, where: str) -> Waiver:
    if (
        not isinstance(entry, dict)
        or set(entry) - FIELDS
        or not {"policy", "type", "name"} <= set(entry)
    ):
        raise ValueError(f"{where}: a waiver has policy, type, name, tiers, reason (and message)")
    tiers = tuple(entry.get("tiers") or ())
    if not tiers or set(tiers) - set(TIERS):
        raise ValueError(f"{where}: tiers must be a non-empty list of {TIERS}")
    if len(str(entry.get("reason", "")).strip()) < 20:
        raise ValueError(f"{where}: a waiver needs a reason")
    return Waiver(
        entry["policy"],
        entry["type"],
        entry["name"],
        str(entry["reason"]).strip(),
        tiers,
        str(entry.get("message", "")),
    )


def load_waivers(path: Path = WAIVERS_FILE) -> tuple[Waiver, ...]:
    entries = yaml.safe_load(path.read_text()) or []
    return tuple(parse_waiver(e, f"{path.name}[{i}]") for i, e in enumerate(entries))


def waiver_for(
    waivers: Sequence[Waiver], policy: str, resource: Resource, message: str, tier: Tier
) -> Waiver | None:
    return next((w for w in waivers if w.covers(policy, resource, message, tier)), None)
