"""The whole import: read the workspace, map it, render the files, and write them (refusing to
overwrite unless forced)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from migrate.copilot.addons.keep import Place
from migrate.copilot.addons.outputs import apply_outputs
from migrate.copilot.addons.templates import IGNORED_NOTE, Addon, copilot_reads, read_addon
from migrate.copilot.checkout import checkout_lines
from migrate.copilot.fields.environment import (
    backlog_insights,
    certificate_default,
    guess_tier,
    map_environment,
    place,
)
from migrate.copilot.ledger import REPORT, Ledger
from migrate.copilot.per_stack import drop_shadowed_placeholders, groups_by_vpc
from migrate.copilot.report import render
from migrate.copilot.values import has_placeholder, placeholder
from migrate.copilot.workload import MappedWorkload, map_workload, ordered
from migrate.copilot.workspace import (
    JOB,
    LBWS,
    MANIFEST,
    CopilotError,
    Workspace,
    read_manifest,
    read_workspace,
)
from settings.names import prefix_problem
from settings.stack_files import PROJECT_DIR

DEFAULT_PROJECT = "ecs-platform"
# copilot-cli internal/pkg/cli/deploy/lbws.go `validateRuntimeRoutingRule`: an alias needs the
# environment's imported certificates or the application's domain.
ALIAS_NOTE = (
    "routing.hostHeaders {names} in stack {stack}, an alias served over HTTPS: the stack's"
    " Copilot environment imports no certificate, so Copilot needed the application's domain,"
    " which the workspace does not record. Pulumi.{stack}.yaml gets a placeholder for"
    " loadBalancer.certificateArn, not plain HTTP: give an ACM certificate covering {names},"
    " or set loadBalancer.domain instead"
)
TIERS = ("production", "development")
STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


@dataclass
class Imported:
    """The files to write (path relative to the output folder -> text) and the ledger."""

    app: str
    files: dict[str, str] = field(default_factory=dict)
    ledger: Ledger = field(default_factory=Ledger)
    stacks: dict[str, str] = field(default_factory=dict)  # Copilot environment -> stack
    addons: dict[str, Addon] = field(default_factory=dict)  # read templates, by file
    before: list[str] = field(default_factory=list)  # what the output folder needs first


def parse_environments(text: str | None) -> dict[str, str]:
    """`dev=development,test=staging:production,qa=qa2` -> {dev: dev:development, test:
    staging:production, qa: qa2}: each Copilot environment's stack and, after a colon, its
    tier. A bare tier (`dev=development`) keeps the environment's name as the stack's; a
    stack called like a tier is written with both (`prod=production:production`). Raises
    CopilotError on a malformed pair."""
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        env, _, target = item.partition("=")
        if target in TIERS:
            target = f"{env}:{target}"
        stack, _, tier = target.partition(":")
        if not env or not STACK_NAME.match(stack) or tier not in ("", *TIERS):
            raise CopilotError(
                f"--environments: {item!r} is not ENV=TIER, ENV=STACK or ENV=STACK:TIER (like"
                " dev=development, test=staging or test=staging:production; tiers: production,"
                " development)"
            )
        pairs[env] = target
    return pairs


def import_workspace(
    path: Path, out: Path, environments: Mapping[str, str], region: str | None = None
) -> Imported:
    """Map the workspace at `path` for the output folder `out` (nothing is written).
    `environments`: Copilot environment -> `stack` or `stack:tier` (default: the environment's
    name, the tier guessed from the names). Raises CopilotError with one line naming the file
    or option at fault."""
    workspace = read_workspace(path)
    known = [env.name for env in workspace.environments]
    unknown = sorted(set(environments) - set(known))
    if unknown:
        raise CopilotError(f"--environments: no Copilot environment {', '.join(unknown)}"
                           f" (the workspace has: {', '.join(known) or 'none'})")  # fmt: skip
    result = Imported(workspace.app)
    targets = {env: environments.get(env, env).partition(":") for env in known}
    result.stacks = {env: stack for env, (stack, _, _) in targets.items()}
    shared = sorted(
        {s for s in result.stacks.values() if list(result.stacks.values()).count(s) > 1}
    )
    if shared:
        raise CopilotError(f"--environments: two Copilot environments would be stack"
                           f" {', '.join(shared)}: give each its own stack")  # fmt: skip
    namespace = _project_name(out, workspace.app)
    tiers = {stack: tier or _tier(env, stack) for env, (stack, _, tier) in targets.items()}
    places = {env.name: place(env, result.stacks[env.name]) for env in workspace.environments}
    environments = {}
    for env in workspace.environments:
        stack = result.stacks[env.name]
        with _naming(env.file):
            environments[stack] = map_environment(env, workspace.app, stack, tiers[stack], region)
    certified = {s for s, c in environments.items() if c.get("loadBalancer.certificateArn")}
    needs = _workloads(workspace, result, tiers, certified, places)
    for env in workspace.environments:
        stack = result.stacks[env.name]
        tier, mapped = tiers[stack], environments[stack]
        # the stack's ALB is made with or without routed services (settings/rules/
        # load_balancer.py asks for its listener either way)
        certificate_default(mapped, tier, needs.aliases.get(stack))
        backlog_insights(mapped, needs.backlog.get(stack, []))
        _entries(result.ledger, env.file, mapped.entries)
        config: dict[str, Any] = {"aws:region": region or placeholder("the AWS region")}
        config[f"{namespace}:tier"] = tier
        config.update({f"{namespace}:{key}": value for key, value in mapped.out.items()})
        name = f"Pulumi.{stack}.yaml"
        header = f"Stack {stack} (tier {tier}), from Copilot environment {env.name} ({env.file})"
        result.files[name] = _yaml(header, {"config": config})
        _find_placeholders(result.ledger, name, config, [])
    kept = {}
    if not (out / "Pulumi.yaml").is_file():
        result.files["Pulumi.yaml"] = _project_file(namespace)
    else:
        kept["Pulumi.yaml"] = f"already there, kept: its name {namespace} is the config namespace"
    addons = _extras(workspace, result)
    written = sorted([*result.files, REPORT])
    before = checkout_lines(out, written, result.stacks.values(), namespace, workspace.app,
                            DEFAULT_PROJECT)  # fmt: skip
    result.before = before
    result.files[REPORT] = render(
        workspace.app, result.ledger, written, addons, places, kept, before
    )
    return result


@contextmanager
def _naming(file: str) -> Iterator[None]:
    """A value of a form the mapping did not foresee is one line naming the manifest, not a
    traceback (the mapping reads values as Copilot documents them)."""
    try:
        yield
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
        raise CopilotError(
            f"{file}: a value of a form the import does not know ({type(error).__name__}:"
            f" {error}); nothing written: fix the value or report it with the manifest"
        ) from None


def _tier(env: str, stack: str) -> str:
    """production when the environment or the stack is named like production."""
    return "production" if "production" in (guess_tier(env), guess_tier(stack)) else "development"


@dataclass
class Needs:
    """What the workloads need from the stacks they run in: `aliases` (stack -> service -> its
    http.alias names) and `backlog` (stack -> the workers scaling on backlog per task)."""

    aliases: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    backlog: dict[str, list[str]] = field(default_factory=dict)


def _workloads(
    workspace: Workspace,
    result: Imported,
    tiers: Mapping[str, str],
    certified: set[str],
    places: Mapping[str, Place],
) -> Needs:
    """Each workload's file and entries, with what its addons' outputs gave it; `certified`:
    the stacks whose environment brings a certificate."""
    needs, priority = Needs(), 0
    for manifest in workspace.workloads:
        if manifest.type == LBWS:
            priority += 10
        with _naming(manifest.file):
            mapped = map_workload(manifest, workspace.app, priority, result.stacks, tiers)
        _needs(mapped, needs, certified)
        _entries(result.ledger, manifest.file, mapped.entries)
        if not mapped.body:
            continue
        for file in filter(copilot_reads, manifest.addons):
            addon = result.addons.setdefault(file, read_addon(workspace.root, file))
            outputs = apply_outputs(
                addon, mapped.body, workspace.app, manifest.name, places, mapped.views
            )
            _entries(result.ledger, file, outputs)
        drop_shadowed_placeholders(mapped.body, list(result.stacks.values()))
        _entries(result.ledger, manifest.file, groups_by_vpc(mapped, places))
        mapped.body = ordered(mapped.body, mapped.section)
        name = f"{mapped.section}/{mapped.name}.yaml"
        result.files[name] = _yaml(f"{manifest.type} {mapped.name}, from {manifest.file}",
                                   mapped.body)  # fmt: skip
        _find_placeholders(result.ledger, name, mapped.body, [])
    return needs


def _needs(mapped: MappedWorkload, needs: Needs, certified: set[str]) -> None:
    """What `mapped` needs of each stack, into `needs`; an alias in a stack without a
    certificate is said in the workload's entries too (the stack's file gets a placeholder)."""
    for stack, view in mapped.views.items():
        hosts = (view.get("routing") or {}).get("hostHeaders")
        if hosts:
            needs.aliases.setdefault(stack, {})[mapped.name] = list(hosts)
        if hosts and stack not in certified:
            note = ALIAS_NOTE.format(stack=stack, names=", ".join(hosts))
            mapped.entries.append((f"http.alias (stack {stack})", "changed", note))
        if (view.get("scaling") or {}).get("backlogPerTask") is not None:
            needs.backlog.setdefault(stack, []).append(mapped.name)


def _extras(workspace: Workspace, result: Imported) -> list[tuple[Addon, str | None, str]]:
    """Addons, overrides and pipelines: each file gets its entries; the addons are read, each
    with its workload (None: the environments') and the Copilot command that deploys it."""
    ledger = result.ledger
    addons: list[tuple[Addon, str | None, str]] = []
    groups: list[tuple[str | None, str, tuple[str, ...], tuple[str, ...]]] = [
        (m.name, f"copilot {'job' if m.type == JOB else 'svc'} deploy --name {m.name} --env <env>",
         m.addons, m.overrides)
        for m in workspace.workloads
    ]  # fmt: skip
    groups.append((None, "copilot env deploy --name <env>", workspace.environment_addons,
                   workspace.environment_overrides))  # fmt: skip
    for workload, deploy, addon_files, override_files in groups:
        for file in addon_files:
            if not copilot_reads(file):
                ledger.add(file, "(file)", "not mapped", IGNORED_NOTE)
                continue
            if Path(file).name.startswith("addons.parameters."):
                ledger.add(file, "(parameters)", "not mapped", "values Copilot passes the"
                           " addon templates beside it, beyond App, Env and Name, often from"
                           " the workload's own stack (developing/addons/workload.en.md): keep"
                           " the file while Copilot deploys the templates once more with"
                           " Retain; this project reads nothing from it")  # fmt: skip
                continue
            addon = result.addons.get(file) or read_addon(workspace.root, file)
            addons.append((addon, workload, deploy))
            what = addon.error or f"{len(addon.resources)} resources, {len(addon.data)} with data"
            if workload is None:
                _environment_outputs(addon, ledger)
            ledger.add(file, "(template)", "not mapped", f"{what}: this project does not create"
                       f" them; keep them as {REPORT} says under Addons")  # fmt: skip
        for file in override_files:
            ledger.add(file, "(override)", "not mapped", "CloudFormation overrides (YAML patches,"
                       " CDK) have no counterpart: find each patched property in"
                       " docs/reference/configuration.md")  # fmt: skip
    for file in workspace.pipelines:
        _pipeline(workspace, file, ledger)
    return addons


def _environment_outputs(addon: Addon, ledger: Ledger) -> None:
    """An environment addon's outputs reach no workload by themselves: Copilot's workloads
    read them through `from_cfn` (developing/addons/environment.en.md), which is written as a
    placeholder."""
    for output in addon.outputs:
        ledger.add(addon.file, f"Outputs.{output.name}", "not mapped", "an environment addon's"
                   " output: a workload that read it with from_cfn has a placeholder for its"
                   " value (see Placeholders)")  # fmt: skip


# copilot-cli site/content/docs/manifest/pipeline.en.md: the fields of a pipeline manifest.
PIPELINE_FIELDS = {
    "name": ("mapped", "the shipped GitHub workflows take its place (docs/delivery.md)"),
    "version": ("mapped", "the manifest's format version: nothing to write"),
    "source": ("not mapped", "GitHub Actions run on this repository's pushes and pull requests;"
               " CodeStar connections and CodeCommit are not used"),
    "build": ("not mapped", "images are built by the application's CI, then pinned with"
              " ecs-platform release (docs/delivery.md)"),
    "stages": ("changed", "the deploy workflow deploys the stacks in order, with the GitHub"
               " environment's required reviewers as the approval; test_commands and pre/post"
               " deployments are not run (only the rollout check)"),
}  # fmt: skip


def _pipeline(workspace: Workspace, file: str, ledger: Ledger) -> None:
    """A pipeline manifest: one entry per field; any other file, one entry. Copilot reads
    copilot/pipelines/<name>/manifest.yml and the legacy copilot/pipeline.yml as pipelines
    (aws/copilot-cli internal/pkg/workspace/workspace.go `ListPipelines`), a buildspec.yml as
    the build stage's commands, nothing else."""
    path = Path(file)
    legacy = path.name == "pipeline.yml" and path.parent.name == "copilot"
    if not legacy and not (path.name == MANIFEST and path.parent.parent.name == "pipelines"):
        what = (
            "the build stage's commands (CodeBuild)"
            if path.name == "buildspec.yml"
            else "not a pipeline manifest (Copilot reads only manifest.yml as one)"
        )
        note = "the shipped GitHub workflows run no CodeBuild; the application's CI builds images"
        ledger.add(file, "(file)", "not mapped", f"{what}: {note} (docs/delivery.md)")
        return
    body = read_manifest(workspace.root / file, workspace.root)
    for key in body:
        status, note = PIPELINE_FIELDS.get(str(key), ("not mapped", "unknown field: not written"))
        ledger.add(file, str(key), status, note)  # type: ignore[arg-type]


def _entries(ledger: Ledger, file: str, entries: list[tuple[str, Any, str]]) -> None:
    for path, status, note in entries:
        ledger.add(file, path, status, note)


def _find_placeholders(ledger: Ledger, file: str, value: Any, at: list[str]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _find_placeholders(ledger, file, item, [*at, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_placeholders(ledger, file, item, [*at[:-1], f"{at[-1]}[{index}]"] if at else [])
    elif isinstance(value, str) and has_placeholder(value):
        what = re.findall(r"\$\{FILL_IN:([^}]*)\}", value)
        ledger.placeholder(file, ".".join(at), "; ".join(what))


def _project_file(name: str) -> str:
    """This checkout's Pulumi.yaml (the program, its runtime and config declarations) named
    `name`, or the least a project file needs where the command runs from an installed
    package."""
    shipped = PROJECT_DIR / "Pulumi.yaml"
    if shipped.is_file():
        text = shipped.read_text()
        return re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.MULTILINE)
    return f"name: {name}\nruntime:\n  name: python\n  options:\n    virtualenv: .venv\n"


def _project_name(out: Path, app: str) -> str:
    """The config namespace: the name in the output folder's Pulumi.yaml; else, for the
    Pulumi.yaml the import writes, the Copilot application's name when it can start physical
    names (they are `<project>-<stack>-...`, so two applications imported into one account
    do not collide, as Copilot's names start with the application's), else this project's."""
    if (out / "Pulumi.yaml").is_file():
        try:
            return str((yaml.safe_load((out / "Pulumi.yaml").read_text()) or {})["name"])
        except (yaml.YAMLError, KeyError, TypeError):
            raise CopilotError(f"{out / 'Pulumi.yaml'}: no project name (name:)") from None
    return app if prefix_problem(f"{app}-stack") is None else DEFAULT_PROJECT


def _yaml(header: str, data: Any) -> str:
    body = yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=100,
                          allow_unicode=True)  # fmt: skip
    return (f"# {header}.\n# Written by ecs-platform import copilot: see MIGRATION.md. Replace"
            " every ${FILL_IN:...} before planning.\n" + body)  # fmt: skip


def write(imported: Imported, out: Path, force: bool = False) -> list[Path]:
    """Write the files under `out`; refuse (CopilotError, nothing written) if one exists and
    `force` is not set. Returns the paths written."""
    paths = [out / name for name in imported.files]
    existing = [str(p.relative_to(out)) for p in paths if p.exists()]
    if existing and not force:
        raise CopilotError(f"{out}: would overwrite {', '.join(sorted(existing))}: nothing"
                           " written (--force overwrites)")  # fmt: skip
    for path, text in zip(paths, imported.files.values(), strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return paths
