"""Synthesis runs kept on disk and shared between processes: opt-in, for the test suite.

With ECS_PLATFORM_SYNTHESIS_CACHE naming a folder (tests/conftest.py sets it to
.pytest_cache/synthesis), `harness.engine.run_program` keeps each run there, pickled, so the two
pytest workers and the commands the tests start in subprocesses (the `--base` side of a plan,
the installed command, the generic suite) run each distinct synthesis once. Unset, as for every
real plan, nothing is kept.

A run is filed under everything that decides it: the code of the packages the program runs with
(every .py under components/, settings/ and harness/, as this process imports them), the SDK's
and providers' versions, the Python version, and the engine's key of the run (stack, engine
config, mock seed, `__main__.py`, services/ and jobs/ files). A change to any of them files
runs under a new key; `prune` removes runs of other code.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.machinery
import importlib.metadata
import os
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

ENV = "ECS_PLATFORM_SYNTHESIS_CACHE"
CODE_PACKAGES = ("components", "settings", "harness")
DISTRIBUTIONS = ("pulumi", "pulumi_aws", "pulumi_awsx")

try:  # POSIX: one process synthesizes a run while the others wait for it
    import fcntl
except ImportError:  # pragma: no cover (Windows: runs may be computed twice, never wrong)
    fcntl = None  # type: ignore[assignment]


def folder() -> Path | None:
    value = os.environ.get(ENV)
    return Path(value) if value else None


def _package_dir(name: str, project_dir: Path) -> Path | None:
    """Where the program's `name` package comes from: the imported one, else the first on the
    path the program runs with (its project folder first)."""
    module = sys.modules.get(name)
    origin = getattr(module, "__file__", None)
    if origin is None:
        spec = importlib.machinery.PathFinder.find_spec(name, [str(project_dir), *sys.path])
        origin = spec.origin if spec is not None else None
    return Path(origin).parent if origin else None


@functools.cache
def _digest_of(package_dirs: tuple[Path | None, ...]) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for distribution in DISTRIBUTIONS:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            digest.update(f"{distribution}=={importlib.metadata.version(distribution)}".encode())
    for root in package_dirs:
        for path in sorted(root.rglob("*.py")) if root else []:
            digest.update(f"{path.relative_to(root)}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:20]


def code_digest(project_dir: Path) -> str:
    """The digest of the code, SDK and Python a run in `project_dir` would use."""
    return _digest_of(tuple(_package_dir(name, project_dir) for name in CODE_PACKAGES))


def _path(root: Path, code: str, key: str) -> Path:
    return root / code / f"{key}.pickle.z"


@contextlib.contextmanager
def claimed(code: str, key: str) -> Iterator[bytes | None]:
    """Hold the run `key` (one process at a time) and yield its stored pickle, or None: the
    holder then synthesizes it and calls `store` before leaving."""
    root = folder()
    if root is None:
        yield None
        return
    (root / code).mkdir(parents=True, exist_ok=True)
    with open(root / code / f"{key}.lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            path = _path(root, code, key)
            yield zlib.decompress(path.read_bytes()) if path.is_file() else None
        finally:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_UN)


def store(code: str, key: str, data: bytes) -> None:
    """Keep a run's pickle (written whole, then renamed: a reader never sees half a file)."""
    root = folder()
    if root is None:
        return
    target = _path(root, code, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
        handle.write(zlib.compress(data, 1))
    os.replace(handle.name, target)


def prune(root: Path, keep: str) -> None:
    """Remove the runs of code other than `keep` (a code digest)."""
    for child in root.iterdir() if root.is_dir() else []:
        if child.is_dir() and child.name != keep:
            shutil.rmtree(child, ignore_errors=True)
