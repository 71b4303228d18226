"""Run the real program for one stack under Pulumi mocks and record what it registers.

Config comes from the stack files as the engine hands it to a program (settings/stack_files.py).
One implementation, used by the tests, the offline plan and the benchmarks; the only code, with
harness/mocks.py, that touches the Pulumi runtime's mocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import pickle
import runpy
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import resource as runtime_resource
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.stack import wait_for_rpcs

from harness import run_cache
from harness.existing_mocks import ExistingWorld
from harness.mocks import AwsMocks, RecordingMonitor
from harness.records import RecordedResource, Synthesis
from settings.stack_files import PROJECT_DIR, load_config
from settings.workloads import harness_folder, workload_paths


class SynthesisError(Exception):
    """The program raised; `cause` is its exception, `resources` what it registered before."""

    def __init__(self, cause: BaseException, resources: list[RecordedResource]) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.resources = resources


# Synthesis runs of this process, pickled, by what decides them (see `_cache_key`).
_RUNS: dict[str, bytes] = {}


def _cache_key(
    stack: str, project_dir: Path, config: Mapping[str, str], seed: str, workloads: Path | None
) -> str:
    """What decides a run in this process: the stack, its engine config, the mock seed, the
    program file and the workload files it reads (services/, jobs/). The components and
    settings are imported once per process, so their code cannot change between two runs."""
    digest = hashlib.sha256(json.dumps([stack, dict(config), seed], sort_keys=True).encode())
    digest.update((project_dir / "__main__.py").read_bytes())
    for path in workload_paths(workloads):
        digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def run_program(
    stack: str,
    *,
    project_dir: Path = PROJECT_DIR,
    stack_config: Mapping[str, Any] | None = None,
    mock_seed: str | None = None,
    workloads_from: Path | None = None,
    reuse: bool = True,
) -> Synthesis:
    """Run `__main__.py` for `stack` under mocks; raise SynthesisError if the program raises.

    The program reads the workload files (services/<name>.yaml) of `project_dir` with its own
    stack file; with `stack_config` (a stack file of elsewhere, like a fixture) it reads those
    of `workloads_from` (None: no workload files), never the project's.

    `mock_seed` (default `<project>/<stack>`) seeds the mock ids: two stacks run with one seed
    get the same ids for the same logical resources, so they can be compared. A run with the
    same inputs as an earlier one in this process returns a fresh copy of that run's result
    (the program is deterministic under mocks), so tests share synthesized stacks, across
    processes too when harness/run_cache.py is on; `reuse=False` runs the program again all
    the same (the benchmarks time real runs)."""
    project, config = load_config(stack, project_dir, stack_config)
    seed = mock_seed or f"{project}/{stack}"
    workloads = project_dir if stack_config is None else workloads_from
    key = _cache_key(stack, project_dir, config, seed, workloads)
    if not reuse:
        with harness_folder(workloads):
            return _synthesize(stack, project, project_dir, config, seed)
    if key in _RUNS:
        return _unpickled(_RUNS[key])
    code = run_cache.code_digest(project_dir)
    with run_cache.claimed(code, key) as stored:  # kept on disk: only if the tests asked
        if stored is not None:
            _RUNS[key] = stored
            return _unpickled(stored)
        with harness_folder(workloads):
            synthesis = _synthesize(stack, project, project_dir, config, seed)
        _RUNS[key] = pickle.dumps(synthesis)
        run_cache.store(code, key, _RUNS[key])
    return synthesis


def _unpickled(data: bytes) -> Synthesis:
    """A fresh copy of a kept run. The collector is paused meanwhile: a copy is thousands of
    new dicts and lists without a cycle, and collections would rescan the heap for them (ten
    times the copy's own cost)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result: Synthesis = pickle.loads(data)
    finally:
        if was_enabled:
            gc.enable()
    return result


def _synthesize(
    stack: str, project: str, project_dir: Path, config: Mapping[str, str], seed: str
) -> Synthesis:
    region = config.get("aws:region") or "us-east-1"
    mocks = AwsMocks(region=region, seed=seed, existing=ExistingWorld.from_config(project, config))
    monitor = RecordingMonitor(mocks)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    runtime_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(
        monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor
    )
    pulumi.runtime.set_all_config(config)
    sys.path.insert(0, str(project_dir))
    try:
        with _lean_runtime():
            outputs, secret_outputs = _run_main(project_dir, loop, monitor)
    finally:
        sys.path.remove(str(project_dir))
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        monitor.close()
    return Synthesis(
        stack=stack,
        resources=_in_order(monitor.recorded),
        outputs=dict(outputs or {}),
        invokes=list(mocks.invokes),
        secret_outputs=secret_outputs,
    )


def _run_main(
    project_dir: Path, loop: asyncio.AbstractEventLoop, monitor: RecordingMonitor
) -> tuple[Any, list[str]]:
    """Run `__main__.py` to the end of its registrations: (stack outputs, secret output keys)."""
    try:
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")
        loop.run_until_complete(wait_for_rpcs())
        root = runtime_settings.get_root_resource()
        exported = getattr(root, "outputs", {})
        outputs = loop.run_until_complete(pulumi.Output.from_input(exported).future())
        secret_outputs = loop.run_until_complete(_secret_keys(exported))
    except Exception as error:  # re-raised with what was registered
        _drain(loop)
        raise SynthesisError(error, _in_order(monitor.recorded)) from error
    return outputs, secret_outputs


# While the program runs: the cyclic garbage collector's thresholds (generation 0, 1, 2). The
# SDK keeps several Outputs, futures and tasks per resource property alive until the end of the
# run, so with Python's defaults (700, 10, 10) every full collection rescans all of them: at
# 100 services (about 1.6 million tracked objects) the collector took half the run. Young
# collections still run, every 100,000 allocations; the defaults are back after the run.
RUN_GC_THRESHOLDS = (100_000, 50, 1000)


@contextlib.contextmanager
def _lean_runtime() -> Iterator[None]:
    """What the SDK does for a real engine and no record depends on is turned down for the run:
    the collector's thresholds (above), and the stack trace the SDK captures for each
    registration (`pulumi.runtime.resource._get_stack_trace`, sent to the engine as the
    resource's source position; the mock monitor never reads it) is left empty."""
    thresholds = gc.get_threshold()
    stack_trace = runtime_resource._get_stack_trace
    gc.set_threshold(*RUN_GC_THRESHOLDS)
    runtime_resource._get_stack_trace = source_pb2.StackTrace  # an empty trace
    try:
        yield
    finally:
        runtime_resource._get_stack_trace = stack_trace
        gc.set_threshold(*thresholds)


def _in_order(recorded: list[RecordedResource]) -> list[RecordedResource]:
    """Registrations sorted by URN. The SDK registers from a thread pool, so the order in which
    registrations arrive changes from run to run; sorted, every plan, diff and estimate reads
    the same for the same program and stack file."""
    return sorted(recorded, key=lambda resource: resource.urn)


async def _secret_keys(exported: Mapping[str, Any]) -> list[str]:
    """Stack outputs exported as secrets (their values must never be printed)."""
    return [
        key
        for key, value in exported.items()
        if isinstance(value, pulumi.Output) and await value.is_secret()
    ]


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    """Let the SDK's outstanding work finish (or fail) so no task outlives its loop."""
    with contextlib.suppress(Exception):  # the program's own error is the one reported
        loop.run_until_complete(wait_for_rpcs())
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
