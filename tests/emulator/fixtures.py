"""The AWS API emulator for the day-2 command tests: moto's `ThreadedMotoServer` started once per
test process on 127.0.0.1 (a free port), boto3 pointed at it with `AWS_ENDPOINT_URL`, dummy
credentials and the fixture stacks' region. Commands run end to end through `cli.app.main`,
so the same code runs against AWS with no client injection.

`emulator` resets the server's state before each test (`/moto-api/reset`); tests seed what
they need with tests/emulator/seed.py.
"""

from __future__ import annotations

import logging
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.stack import StackNames, stack_names

REGION = "eu-west-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def emulator(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A clean emulator for this test, with the environment pointing boto3 at it."""
    from emulator import moto_backend

    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"))
    moto_backend.reset()
    for name, value in {
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        # Live Tail's host prefix (`stream-`) cannot resolve on 127.0.0.1
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
        "PATH": "/usr/bin:/bin",  # no Pulumi CLI: the stack-output cross-check stays off
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "ECS_PLATFORM_STACK"):
        monkeypatch.delenv(name, raising=False)
    yield moto_url


@pytest.fixture
def names_of(fixture_project: Path):
    def get(stack: str) -> StackNames:
        return stack_names(stack, fixture_project)

    return get
