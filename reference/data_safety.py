"""The data-safety tables of the risk codes page: what each resource type holds (from the
classification beside the CI catalogue) and the safe sequence the plan gives for each kind that
holds data (from review/risks/data_loss.py), so neither is kept by hand in the docs."""

from __future__ import annotations

from components.common.ci_catalogue.data_classes import DATA_CLASSES
from review.diff import Change
from review.risks.data_loss import recipe
from settings.acknowledgements import ACKNOWLEDGEMENT_DAYS

ORDER = {"data": 0, "identity": 1, "neither": 2}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def classification_lines() -> list[str]:
    rows = [
        f"| `{type_}` | {holds.kind} | {_cell(holds.what)} |"
        for type_, holds in sorted(DATA_CLASSES.items(), key=lambda i: (ORDER[i[1].kind], i[0]))
        if holds.kind != "neither"
    ]
    neither = sorted(t for t, h in DATA_CLASSES.items() if h.kind == "neither")
    return [
        "## What each resource type holds",
        "",
        "From `components/common/ci_catalogue/data_classes.py` (a test fails, naming the type,",
        "when a type the program registers is missing). `data`: deleting or replacing it loses",
        "what is in it; blocking in a production stack. `identity`: something outside the stack",
        "holds its name, ARN or address; a flag. Every other type is declared in full by the",
        "stack file.",
        "",
        "| type | holds | what is lost or changes |",
        "|---|---|---|",
        *rows,
        "",
        f"Neither ({len(neither)} types): " + ", ".join(f"`{t}`" for t in neither) + ".",
        "",
    ]


def recipe_lines() -> list[str]:
    rows = []
    for type_, holds in sorted(DATA_CLASSES.items()):
        if holds.kind == "data":
            change = Change(type_, type_, type_, "x", "delete", "")
            rows.append(f"| `{type_}` | {_cell(recipe(change))} |")
    return [
        "## Safe sequences",
        "",
        "What a blocking `protected-*` or `data-loss-*` risk tells you to do, by the resource's",
        "type (a dead-letter queue gets its own: redrive or save its messages first). When the",
        "loss is intended, an entry in `ecs-platform:acknowledgedLosses` turns the risk into a",
        f"`loss-acknowledged` flag for {ACKNOWLEDGEMENT_DAYS} days from its date",
        "([Data safety](../data-safety.md)).",
        "",
        "| type | safe sequence |",
        "|---|---|",
        *rows,
        "",
    ]
