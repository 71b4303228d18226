"""Synthesize a stack at another git revision: its own code and stack file, under its own
harness, in a subprocess that uses this checkout's Python (and so its virtualenv).

The revision is unpacked with `git archive` into a temporary folder, removed afterwards.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.records import Synthesis, synthesis_from_json
from settings.stack_files import ConfigFileError, read_stack_config

# Runs inside the base revision's project folder: only `harness.engine.run_program` is assumed,
# so older layouts of the rest of the code still work.
RUNNER = """
import dataclasses, json, sys
stack, out = sys.argv[1], sys.argv[2]
try:
    from harness.engine import run_program
except ImportError as error:
    sys.exit(f"this revision has no usable harness.engine: {error}")
try:
    synthesis = run_program(stack)
except Exception as error:
    sys.exit(f"{getattr(error, 'cause', None) or error}")
data = {
    "stack": synthesis.stack,
    "resources": [dataclasses.asdict(r) for r in synthesis.resources],
    "outputs": synthesis.outputs,
    "secretOutputs": list(getattr(synthesis, "secret_outputs", [])),
}
with open(out, "w") as handle:
    json.dump(data, handle, default=str)
"""


class BaseError(Exception):
    """The base revision could not be synthesized (bad ref, broken program, bad stack file)."""


def _git(project_dir: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(project_dir), *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BaseError(f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result.stdout.strip()


def resolve(project_dir: Path, ref: str) -> str:
    """The full commit id of `ref`, or BaseError."""
    return _git(project_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")


def describe_worktree(project_dir: Path) -> str:
    """`abc1234` or `abc1234 + uncommitted changes`; `unknown` outside a git repository."""
    try:
        head = _git(project_dir, "rev-parse", "--short", "HEAD")
        dirty = _git(project_dir, "status", "--porcelain", "--", ".")
    except BaseError:
        return "unknown"
    return f"{head} + uncommitted changes" if dirty else head


@dataclass
class BaseRun:
    """A base synthesis under way (or an empty base when the stack file did not exist)."""

    ref: str
    commit: str
    region: str | None = None
    root: Path | None = None
    folder: Path | None = None
    process: subprocess.Popen[str] | None = None

    def result(self, stack: str) -> Synthesis:
        if self.process is None:
            return Synthesis(stack=stack, resources=[], outputs={}, invokes=[])
        assert self.folder is not None
        try:
            _, stderr = self.process.communicate()
            if self.process.returncode != 0:
                # The last problem line; a closing "(... checks not run ...)" note is not one.
                lines = [line for line in stderr.strip().splitlines() if not line.startswith("(")]
                reason = lines[-1] if lines else "failed"
                raise BaseError(f"{self.ref} ({self.commit[:7]}): {reason}")
            return synthesis_from_json(json.loads((self.folder / "base.json").read_text()))
        finally:
            self.cleanup()

    def cleanup(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = self.folder = None


def start(project_dir: Path, ref: str, stack: str) -> BaseRun:
    """Unpack `ref` and start synthesizing `stack` there; `.result()` waits for it."""
    commit = resolve(project_dir, ref)
    prefix = _git(project_dir, "rev-parse", "--show-prefix")
    stack_file = f"{prefix}Pulumi.{stack}.yaml"
    exists = subprocess.run(
        ["git", "-C", str(project_dir), "cat-file", "-e", f"{commit}:{stack_file}"],
        capture_output=True,
        check=False,
    )
    if exists.returncode != 0:
        return BaseRun(ref, commit)  # a new stack: everything is an add
    archive = subprocess.run(
        ["git", "-C", str(project_dir), "archive", "--format=tar", commit],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise BaseError(f"git archive {ref}: {archive.stderr.decode().strip()}")
    root = Path(tempfile.mkdtemp(prefix="plan-base-"))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(root, filter="data")
        folder = root / prefix
        region = read_stack_config(stack, folder).get("aws:region")
        process = subprocess.Popen(
            [sys.executable, "-c", RUNNER, stack, str(folder / "base.json")],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    except (OSError, tarfile.TarError, ConfigFileError) as error:
        shutil.rmtree(root, ignore_errors=True)
        raise BaseError(f"{ref} ({commit[:7]}): {error}") from error
    return BaseRun(ref, commit, region, root, folder, process)
