"""Add a stack as a copy of another: `ecs-platform stack add staging --from dev`.

Writes `Pulumi.<name>.yaml` from the source stack file (comments kept) with its own VPC range
(the first one of the source's size, from the source's on, that overlaps no other stack's:
peering and VPN need distinct ranges) and its own deploy environment (`ciAccess.
deployEnvironment: <name>`: a deploy role trusts one GitHub environment); adds the stack
wherever the workflows list every stack (matrices, the release choice) and a deploy job that
runs after the source's; and in the workload files (services/<name>.yaml) runs what the source
runs with the source's overrides. Returns what it did, one line each; changes nothing on a
refusal.
"""

from __future__ import annotations

import copy
import io
import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from settings.stack_files import ConfigFileError, read_stack_config, stack_names
from settings.workloads import read_workloads

PROJECT = "ecs-platform"
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PRIVATE = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
OIDC_PROVIDER = "arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
DEPLOY_WORKFLOW = "./.github/workflows/pulumi-up.yml"


class StackAddError(Exception):
    """A refused `stack add`; nothing was written."""


@dataclass
class NewStack:
    """The files to write (path -> text) and what changed, one line each."""

    files: dict[Path, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, key order, flow style and quotes survive
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    # `null` as written (ruamel writes an empty value): null removes a key in environments.
    yaml.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def _dump(document: Any) -> str:
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue()


def free_cidr(source: str, taken: list[str]) -> str:
    """The first range of `source`'s size, from `source` on (wrapping around its private
    block), that overlaps none of `taken`."""
    network = ipaddress.ip_network(source)
    used = [ipaddress.ip_network(t) for t in taken]
    block = next((b for b in PRIVATE if network.subnet_of(b)), PRIVATE[0])
    candidates = list(block.subnets(new_prefix=max(network.prefixlen, block.prefixlen)))
    start = candidates.index(network) if network in candidates else 0
    for candidate in candidates[start:] + candidates[:start]:
        if not any(candidate.overlaps(u) for u in used):
            return str(candidate)
    raise StackAddError(f"no free /{network.prefixlen} left in {block} beside the other stacks")


def _cidrs(project_dir: Path) -> list[str]:
    found = []
    for stack in stack_names(project_dir):
        network = read_stack_config(stack, project_dir).get(f"{PROJECT}:network") or {}
        if isinstance(network, dict) and network.get("cidr"):
            found.append(str(network["cidr"]))
    return found


def _rename(value: Any, source: str, name: str) -> Any:
    """`source` as a whole word in a string becomes `name` (tags, alarm dimensions)."""
    if isinstance(value, str):
        return re.sub(rf"(?<![A-Za-z0-9]){re.escape(source)}(?![A-Za-z0-9])", name, value)
    return value


def stack_file(name: str, source: str, project_dir: Path, plan: NewStack) -> None:
    path = project_dir / f"Pulumi.{source}.yaml"
    document = _yaml().load(path.read_text())
    config: CommentedMap = document["config"]
    network = config.get(f"{PROJECT}:network")
    if isinstance(network, dict) and network.get("cidr"):
        network["cidr"] = free_cidr(str(network["cidr"]), _cidrs(project_dir))
        plan.lines.append(f"network.cidr: {network['cidr']} (overlaps no other stack's)")
    tags = config.get(f"{PROJECT}:tags")
    for key in list(tags or {}):
        tags[key] = _rename(tags[key], source, name)
    for alarm in (config.get(f"{PROJECT}:alarms") or {}).get("custom") or []:
        for key in list(alarm.get("dimensions") or {}):
            alarm["dimensions"][key] = _rename(alarm["dimensions"][key], source, name)
    ci = config.get(f"{PROJECT}:ciAccess")
    if isinstance(ci, dict):
        ci["deployEnvironment"] = name
        plan.lines.append(f"ciAccess.deployEnvironment: {name} (its own GitHub environment)")
        _oidc(ci, config.get("aws:allowedAccountIds"), source, plan)
    target = project_dir / f"Pulumi.{name}.yaml"
    plan.files[target] = _dump(document)
    plan.lines.insert(0, f"wrote {target.name} from {path.name}:")


def _oidc(ci: CommentedMap, accounts: Any, source: str, plan: NewStack) -> None:
    """An account holds one GitHub OIDC provider: a copy of the stack that creates it uses it."""
    if ci.get("createOidcProvider") is not True:
        return
    if isinstance(accounts, list) and len(accounts) == 1:
        ci["createOidcProvider"] = False
        ci["oidcProviderArn"] = OIDC_PROVIDER.format(account=accounts[0])
        plan.lines.append(f"ciAccess.oidcProviderArn: the provider {source} creates")
    else:
        plan.lines.append(
            f"note: ciAccess.createOidcProvider is true as in {source}: an account holds one"
            " GitHub OIDC provider, so in the same account set oidcProviderArn instead"
        )


def _stack_lists(node: Any, stacks: set[str], where: list[str]) -> list[tuple[str, CommentedSeq]]:
    """Every list in a workflow that names exactly the project's stacks."""
    found: list[tuple[str, CommentedSeq]] = []
    if isinstance(node, CommentedSeq) and node and {str(v) for v in node} == stacks:
        return [(".".join(where), node)]
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, value in items:
        found += _stack_lists(value, stacks, [*where, str(key)])
    return found


def _deploy_jobs(document: Any, source: str, name: str) -> str | None:
    """A deploy job for `name` after the job that deploys `source` (its copy)."""
    jobs = document.get("jobs") or {}
    for job_name, job in list(jobs.items()):
        inputs = job.get("with") or {}
        if job.get("uses") == DEPLOY_WORKFLOW and inputs.get("stack") == source:
            new = copy.deepcopy(job)
            new["needs"] = job_name
            new.move_to_end("needs", last=False)
            new["with"]["stack"] = name
            new["with"]["environment"] = name
            jobs.insert(list(jobs).index(job_name) + 1, name, new)
            return job_name
    return None


def workflows(name: str, source: str, project_dir: Path, plan: NewStack) -> None:
    stacks = set(stack_names(project_dir)) - {name}  # NAME's file may exist (--existing)
    for path in sorted((project_dir / ".github" / "workflows").glob("*.yml")):
        document = _yaml().load(path.read_text())
        changed = []
        for where, listed in _stack_lists(document, stacks, []):
            listed.append(name)
            changed.append(where)
        after = _deploy_jobs(document, source, name)
        if after:
            changed.append(f"jobs.{name} (deploys {name} after job {after})")
        if changed:
            plan.files[path] = _dump(document)
            relative = path.relative_to(project_dir)
            plan.lines.append(f"updated {relative}: {', '.join(changed)}")


def workload_files(name: str, source: str, project_dir: Path, plan: NewStack) -> None:
    """The new stack runs what the source runs, with the source's overrides: `name` joins
    every `stacks:` list that has `source`, and `environments.<source>` is copied."""
    for workload in read_workloads(project_dir).files:
        path = project_dir / workload.path
        document = _yaml().load(path.read_text())
        changed = []
        listed = document.get("stacks")
        if isinstance(listed, list) and source in listed:
            listed.append(name)
            changed.append(f"stacks (runs in {name} as in {source})")
        environments = document.get("environments")
        if isinstance(environments, dict) and environments.get(source) is not None:
            environments[name] = copy.deepcopy(environments[source])
            changed.append(f"environments.{name} (a copy of environments.{source})")
        if changed:
            plan.files[path] = _dump(document)
            plan.lines.append(f"updated {workload.path}: {', '.join(changed)}")


def add_stack(name: str, source: str, project_dir: Path, existing: bool = False) -> NewStack:
    """What `stack add NAME --from SOURCE` writes (nothing is written here). `existing`: NAME's
    stack file is there already (an import wrote it): only the workflows take NAME, deployed
    like SOURCE."""
    if not NAME.match(name):
        raise StackAddError(
            f"{name!r} is not a stack name (lowercase letters and digits, single -)"
        )
    exists = (project_dir / f"Pulumi.{name}.yaml").exists()
    if exists and not existing:
        raise StackAddError(
            f"Pulumi.{name}.yaml exists already (--existing adds it to the workflows only)"
        )
    if existing and not exists:
        raise StackAddError(f"--existing: there is no Pulumi.{name}.yaml")
    if existing and source == name:
        raise StackAddError("--existing: give another stack to deploy it like (--from)")
    if source not in stack_names(project_dir):
        known = ", ".join(stack_names(project_dir)) or "none"
        raise StackAddError(f"no stack {source!r} to copy (stacks: {known})")
    plan = NewStack()
    if existing:
        workflows(name, source, project_dir, plan)
        if not plan.files:
            raise StackAddError(
                f"no workflow list names exactly the other stacks, and no deploy job deploys"
                f" {source}: edit .github/workflows by hand"
            )
        return plan
    try:
        stack_file(name, source, project_dir, plan)
    except (ConfigFileError, ValueError, KeyError, TypeError) as error:
        raise StackAddError(f"Pulumi.{source}.yaml: {error}") from error
    workflows(name, source, project_dir, plan)
    workload_files(name, source, project_dir, plan)
    return plan


def write(plan: NewStack) -> None:
    for path, text in plan.files.items():
        path.write_text(text)
