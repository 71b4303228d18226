"""The layout keeps one direction of imports, so it stays readable and free of cycles.

Packages, lowest first (a package imports only those listed for it, and itself):

    settings   what a stack file may declare; reads the stack files
    components the ComponentResources (settings models only, never the rules or the loader)
    __main__   the program: settings -> components -> outputs
    harness    the mock engine: runs the program, records what it registers
    cost       the cost estimate, from what the harness records
    review     plan, diff, risks, hazards, the PR comment (may show cost; reads the per-type
               tables of components.common.ci_catalogue, plain data)
    ops        what calls AWS after `up` (names from settings and components.common.naming,
               never the mock engine)
    reference  the docs' reference-page generators
    bench      benchmarks and scale checks
    migrate    imports from other tools (a Copilot workspace): reads their files, writes stack
               and workload files (settings only, for the models' keys and defaults)
    cli        the `ecs-platform` command: imports everything, nothing imports it

Inside settings: types -> sections -> platform -> rules -> loader. Only the mock engine
(harness.engine, harness.mocks) touches the Pulumi runtime's mocks and settings; the settings
loader may read the runtime's config and nothing else of it.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "settings",
    "components",
    "harness",
    "cost",
    "review",
    "ops",
    "reference",
    "bench",
    "migrate",
    "cli",
    "policy",
)
MAY_IMPORT: dict[str, set[str]] = {
    "settings": set(),
    "components": {"settings"},
    "__main__": {"settings", "components"},
    "harness": {"settings"},
    "cost": {"settings", "harness"},
    "review": {"settings", "harness", "cost"},
    "ops": {"settings"},
    "reference": {"settings", "components", "harness", "cost", "review"},
    "bench": {"settings", "harness", "review"},
    "migrate": {"settings"},
    "cli": {"settings", "harness", "cost", "review", "ops", "reference", "bench", "migrate"},
    "policy": set(),
}
# Per-type tables in `components` that review reads: the data classification sits beside the
# CI roles' permission catalogue (one catalogue per resource type); both are plain data.
SHARED_TABLES = ("components.common.ci_catalogue",)
TABLE_READERS = {"review"}
# Single modules a package may import beyond MAY_IMPORT, each with the reason.
ALSO_MAY_IMPORT: dict[str, set[str]] = {
    # The day-2 commands find a stack's resources by the physical names the program gives them:
    # one naming rule (components/common/naming.py), never a copy of it in ops.
    "ops": {"components.common.naming"},
}
MOCK_ENGINE = {"harness.engine", "harness.mocks"}
CONFIG_READER = "settings.loader"
FORBIDDEN_TO_COMPONENTS = (
    "settings.rules",
    "settings.loader",
    "settings.namespaces",
    "settings.partial",
    "settings.tier_defaults",
    "settings.workloads",
)
SETTINGS_LAYERS = {
    "settings.types": 0,
    "settings.stack_files": 0,
    "settings.platform": 2,
    # the loader and what only it uses (namespaces, tier defaults, rules on partial settings)
    "settings.loader": 4,
    "settings.namespaces": 4,
    "settings.partial": 4,
    "settings.tier_defaults": 4,
    # workload files (services/<name>.yaml): read, merged per stack, interpolated
    "settings.workloads": 4,
    "settings.merge": 4,
    "settings.interpolation": 4,
    "settings.messages": 4,
    "settings.explain": 4,
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


@functools.cache
def _imported_names(path: Path) -> list[str]:
    """Every module name `path` imports (`from package import module` names the module)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """First-party modules `path` imports."""
    found: set[str] = set()
    for name in _imported_names(path):
        if name in modules:
            found.add(name)
    # `from package import module` counts as the module only
    return {n for n in found if not any(o.startswith(f"{n}.") for o in found)}


def runtime_imports_of(path: Path) -> set[str]:
    """The `pulumi.runtime` modules `path` imports."""
    return {name for name in _imported_names(path) if name.startswith("pulumi.runtime")}


def package_of(module: str) -> str:
    return module.split(".", 1)[0]


def settings_layer(module: str) -> int:
    if module in SETTINGS_LAYERS:
        return SETTINGS_LAYERS[module]
    return 3 if module.startswith("settings.rules") else 1


def wrong_way(importer: str, imported: str) -> str | None:
    mine, theirs = package_of(importer), package_of(imported)
    if mine in TABLE_READERS and imported.startswith(SHARED_TABLES):
        return None
    if imported in ALSO_MAY_IMPORT.get(mine, set()):
        return None
    if mine != theirs and theirs not in MAY_IMPORT[mine]:
        return f"{mine} may import only {sorted(MAY_IMPORT[mine]) or 'itself'}"
    if importer.startswith("components") and imported.startswith(FORBIDDEN_TO_COMPONENTS):
        return "components receive settings models, never the rules or the loader"
    both_settings = mine == theirs == "settings"
    if both_settings and settings_layer(imported) > settings_layer(importer):
        return "settings layers go types -> sections -> platform -> rules -> loader"
    return None


def runtime_wrong(importer: str, runtime_modules: set[str]) -> str | None:
    if importer in MOCK_ENGINE or not runtime_modules:
        return None
    if importer == CONFIG_READER and runtime_modules <= {"pulumi.runtime", "pulumi.runtime.config"}:
        return None
    return f"imports {sorted(runtime_modules)}: only the mock engine touches the Pulumi runtime"


def test_imports_go_one_way() -> None:
    modules = source_modules()
    violations = [
        f"{importer} imports {imported}: {reason}"
        for importer, path in modules.items()
        for imported in sorted(imports_of(path, modules))
        if (reason := wrong_way(importer, imported)) is not None
    ]
    assert violations == []


def test_only_the_mock_engine_touches_the_pulumi_runtime() -> None:
    violations = [
        f"{module}: {reason}"
        for module, path in source_modules().items()
        if (reason := runtime_wrong(module, runtime_imports_of(path))) is not None
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
    assert wrong_way("components.cluster", "harness.engine") is not None
    assert wrong_way("review.diff", "cli.app") is not None
    assert wrong_way("ops.release", "harness.engine") is not None
    assert wrong_way("ops.stack", "components.common.naming") is None
    assert wrong_way("ops.stack", "components.service") is not None
    assert wrong_way("cost.model", "review.diff") is not None
    assert wrong_way("settings.rules.service", "settings.platform") is None
    assert wrong_way("__main__", "settings.loader") is None
    assert wrong_way("cli.app", "review.plan") is None
    assert wrong_way("review.risks", "components.common.ci_catalogue.data_classes") is None
    assert wrong_way("review.risks", "components.service") is not None
    assert wrong_way("cost.model", "components.common.ci_catalogue") is not None
    assert runtime_wrong("review.plan", {"pulumi.runtime.mocks"}) is not None
    assert runtime_wrong("settings.loader", {"pulumi.runtime.settings"}) is not None
    assert runtime_wrong("settings.loader", {"pulumi.runtime", "pulumi.runtime.config"}) is None
    assert runtime_wrong("harness.engine", {"pulumi.runtime.mocks"}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_every_folder_is_in_the_layout() -> None:
    """A new top-level package gets a place in the order above, or the test fails."""
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "docs"}
    }
    assert packages <= set(PACKAGES)
