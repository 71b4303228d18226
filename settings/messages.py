"""The one-line message of each validation error: the key as written, and what a valid value
looks like (pydantic's "Input should be a valid integer" says neither)."""

from __future__ import annotations

from typing import Any

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from settings.job import service_key_hint
from settings.namespaces import did_you_mean
from settings.partial import clean_location
from settings.platform import PlatformConfig
from settings.rules.problem import Problem, join_path
from settings.types import PATTERN_MEANINGS, is_mapping_field, model_in

# pydantic error type -> what a valid value is.
EXPECTED = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text, a string",
    "list_type": "a list, like [a, b]",
    "model_type": "a mapping of keys to values",
    "dict_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
}


def problems_from(error: ValidationError) -> list[Problem]:
    """One problem per validation error, at the camelCase key path."""
    problems = []
    for item in error.errors():
        location = clean_location(item["loc"])
        problems.append(Problem(join_path(location), message_of(item, location)))
    return problems


def message_of(item: Any, location: list[Any]) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        allowed = allowed_keys(location[:-1])
        guess = did_you_mean(str(location[-1]), allowed)
        hint = f"did you mean {guess!r}? " if guess else ""
        in_job = len(location) == 3 and location[0] == "jobs"
        service_key = service_key_hint(str(location[-1])) if in_job else None
        if service_key:
            return f"{service_key} (a job allows: {', '.join(allowed)})"
        return f"unknown key ({hint}allowed: {', '.join(allowed)})"
    if kind == "missing":
        return "required key is missing"
    if kind == "string_pattern_mismatch" and item["ctx"]["pattern"] in PATTERN_MEANINGS:
        return f"{item['input']!r} is not {PATTERN_MEANINGS[item['ctx']['pattern']]}"
    if kind in EXPECTED:
        return f"expected {EXPECTED[kind]}{_example(location, kind)} (got {item['input']!r})"
    message = item["msg"].removeprefix("Value error, ").replace(" after validation", "")
    if kind not in {"value_error", "assertion_error"}:
        message += f" (got {item['input']!r})"
    return message


def _example(location: list[Any], kind: str) -> str:
    """ ", from 128 to 16384, like 256" from the field's bounds and default, where it has them."""
    field = field_at(location)
    if field is None or kind in {"model_type", "dict_type", "model_attributes_type"}:
        return ""
    bounds = {type(m): m for m in field.metadata}
    text = ""
    low = bounds.get(Ge, bounds.get(Gt))
    high = bounds.get(Le, bounds.get(Lt))
    if low is not None and high is not None and "number" in EXPECTED[kind]:
        low_value = getattr(low, "ge", getattr(low, "gt", None))
        high_value = getattr(high, "le", getattr(high, "lt", None))
        text += f" from {low_value} to {high_value}"
    elif MaxLen in bounds and kind == "list_type":
        text += f" of at most {bounds[MaxLen].max_length}"
    elif MinLen in bounds and kind == "list_type":
        text += f" of at least {bounds[MinLen].min_length}"
    default = field.default
    if default not in (None, PydanticUndefined) and not isinstance(default, (list, dict)):
        text += f", like {str(default).lower() if isinstance(default, bool) else default}"
    return text


def _walk(location: list[Any]) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """(the model at `location`, the field `location` ends on)."""
    model: type[BaseModel] | None = PlatformConfig
    field: FieldInfo | None = None
    skip_mapping_key = False
    for part in location:
        if isinstance(part, int):
            continue
        if skip_mapping_key:
            skip_mapping_key = False
            continue
        fields = model.model_fields.items() if model else ()
        field = next((f for name, f in fields if (f.alias or name) == part), None)
        if field is None:
            return None, None
        model = model_in(field.annotation)
        skip_mapping_key = is_mapping_field(field.annotation)
    return model, field


def field_at(location: list[Any]) -> FieldInfo | None:
    """The settings field a key path ends on, or None."""
    return _walk(location)[1]


def allowed_keys(location: list[Any]) -> list[str]:
    """The camelCase keys the settings model accepts at `location` (used for typo messages)."""
    model = _walk(location)[0] if location else PlatformConfig
    return sorted(f.alias or name for name, f in model.model_fields.items()) if model else []
