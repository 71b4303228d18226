"""The layout keeps one direction of imports, so it stays readable and free of cycles:

settings.types -> settings.<section> -> settings.platform -> settings.rules -> settings.loader
-> __main__; components import only settings models (types, sections, platform) and other
components; nothing imports `offline` except tests (and offline itself).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("settings", "components", "offline", "policy", "delivery")
FORBIDDEN_TO_COMPONENTS = (
    "settings.rules",
    "settings.loader",
    "settings.namespaces",
    "settings.partial",
    "settings.tier_defaults",
)
SETTINGS_LAYERS = {
    "settings.types": 0,
    "settings.platform": 2,
    # the loader and what only it uses (namespaces, tier defaults, rules on partial settings)
    "settings.loader": 4,
    "settings.namespaces": 4,
    "settings.partial": 4,
    "settings.tier_defaults": 4,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    modules = {"__main__": ROOT / "__main__.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            modules[module_name(path)] = path
    return modules


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """First-party modules `path` imports (a `from package import module` names the module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in modules
                else node.module
                for alias in node.names
            ]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def settings_layer(module: str) -> int:
    if module in SETTINGS_LAYERS:
        return SETTINGS_LAYERS[module]
    return 3 if module.startswith("settings.rules") else 1


def wrong_way(importer: str, imported: str) -> str | None:
    if imported.startswith("offline") and not importer.startswith("offline"):
        return "only tests import offline"
    if importer.startswith("components") and imported.startswith(FORBIDDEN_TO_COMPONENTS):
        return "components receive settings models, never the rules or the loader"
    if importer.startswith("settings") and not imported.startswith("settings"):
        return "settings create no resources and import nothing of the program"
    both_settings = importer.startswith("settings") and imported.startswith("settings")
    if both_settings and settings_layer(imported) > settings_layer(importer):
        return "settings layers go types -> sections -> platform -> rules -> loader"
    return None


def test_imports_go_one_way() -> None:
    modules = source_modules()
    violations = [
        f"{importer} imports {imported}: {reason}"
        for importer, path in modules.items()
        for imported in sorted(imports_of(path, modules))
        if (reason := wrong_way(importer, imported)) is not None
    ]
    assert violations == []


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in `graph` (module -> modules it imports), or None."""
    done: set[str] = set()

    def visit(module: str, stack: list[str]) -> list[str] | None:
        if module in stack:
            return [*stack[stack.index(module) :], module]
        if module in done:
            return None
        for imported in sorted(graph.get(module, ())):
            cycle = visit(imported, [*stack, module])
            if cycle:
                return cycle
        done.add(module)
        return None

    return next((c for m in sorted(graph) if (c := visit(m, [])) is not None), None)


def test_no_import_cycle() -> None:
    modules = source_modules()
    graph = {name: imports_of(path, modules) for name, path in modules.items()}
    assert find_cycle(graph) is None


def test_the_checks_catch_a_wrong_way_import() -> None:
    assert wrong_way("components.network", "settings.loader") is not None
    assert wrong_way("settings.types", "settings.platform") is not None
    assert wrong_way("components.cluster", "offline.harness") is not None
    assert wrong_way("settings.rules.service", "settings.platform") is None
    assert wrong_way("__main__", "settings.loader") is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
