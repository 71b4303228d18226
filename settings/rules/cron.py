"""Schedule expressions as AWS reads them: `cron(...)`, `rate(...)` and `at(...)`.

Application Auto Scaling's scheduled actions take EventBridge's cron syntax: six fields, each
with its own values and wildcards ("Cron expressions reference", https://docs.aws.amazon.com/
eventbridge/latest/userguide/eb-cron-expressions.html):

| field        | values          | wildcards     |
|--------------|-----------------|---------------|
| minutes      | 0-59            | , - * /       |
| hours        | 0-23            | , - * /       |
| day-of-month | 1-31            | , - * ? / L W |
| month        | 1-12 or JAN-DEC | , - * /       |
| day-of-week  | 1-7 or SUN-SAT  | , - * ? L #   |
| year         | 1970-2199       | , - * /       |

`?` goes in exactly one of day-of-month and day-of-week; a day-of-week with `#` holds that one
expression only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
SHAPE = "cron(min hour day-of-month month day-of-week year)"


@dataclass(frozen=True)
class Field:
    label: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    wildcards: str = ",-*/"

    def allowed(self) -> str:
        names = f" or {self.names[0]}-{self.names[-1]}" if self.names else ""
        return f"{self.low}-{self.high}{names}, with {' '.join(self.wildcards)}"


FIELDS = (
    Field("minute", 0, 59),
    Field("hour", 0, 23),
    Field("day-of-month", 1, 31, (), ",-*?/LW"),
    Field("month", 1, 12, MONTHS),
    Field("day-of-week", 1, 7, DAYS, ",-*?L#"),
    Field("year", 1970, 2199),
)


def _value(token: str, field: Field) -> bool:
    if token.isdigit():
        return field.low <= int(token) <= field.high
    return token.upper() in field.names


def _item(item: str, field: Field) -> bool:
    """One comma-separated part of a field: *, a value, a range, a step, or L W #."""
    base, slash, step = item.partition("/")
    if slash and ("/" not in field.wildcards or not step.isdigit() or int(step) < 1):
        return False
    if base == "*":
        return True
    if field.label == "day-of-month" and re.fullmatch(r"L|LW|(\d{1,2})W", base):
        return base in ("L", "LW") or _value(base[:-1], field)
    if field.label == "day-of-week":
        if base == "L" or (base.endswith("L") and _value(base[:-1], field)):
            return not slash
        first, hash_, nth = base.partition("#")
        if hash_:
            return not slash and _value(first, field) and nth in {"1", "2", "3", "4", "5"}
    low, dash, high = base.partition("-")
    if dash:
        return _value(low, field) and _value(high, field)
    return _value(base, field)


def _field_problem(text: str, field: Field) -> str | None:
    if text == "?":
        return None if "?" in field.wildcards else f"{field.label} cannot be ?"
    if "#" in text and "," in text:
        return f"{field.label} {text!r}: with # it holds one expression only"
    if all(_item(item, field) for item in text.split(",")):
        return None
    return f"{field.label} {text!r} is not valid ({field.allowed()})"


def schedule_problem(expression: str) -> str | None:
    """Why an Application Auto Scaling schedule expression is invalid, or None."""
    if re.fullmatch(r"rate\(\d+ (minute|minutes|hour|hours|day|days)\)", expression):
        return None
    if re.fullmatch(r"at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)", expression):
        return None
    match = re.fullmatch(r"cron\((.*)\)", expression)
    if match is None:
        return f"expected {SHAPE}, rate(...) or at(...)"
    fields = match.group(1).split()
    if len(fields) != len(FIELDS):
        return f"cron needs 6 fields ({SHAPE.removeprefix('cron(')[:-1]}), got {len(fields)}"
    for text, field in zip(fields, FIELDS, strict=True):
        problem = _field_problem(text, field)
        if problem:
            return problem
    if (fields[2] == "?") == (fields[4] == "?"):
        return "cron needs ? in exactly one of day-of-month and day-of-week"
    return None
