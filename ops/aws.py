"""AWS clients for the operations commands: the usual credential chain (environment, profile,
SSO, instance role) and region, and `AWS_ENDPOINT_URL` honoured by botocore itself (the tests
point it at a local emulator). Tests of calls the emulator lacks replace `client` with a factory
of Stubber-wrapped clients."""

from __future__ import annotations

import functools
import os
from typing import Any

PROFILE: str | None = None  # set by `--profile` on the command line


@functools.cache
def _session(profile: str | None, endpoint: str | None) -> Any:
    import boto3  # imported here: `ecs-platform plan` never needs it

    # One session per profile: a session loads the service models once (a new session per
    # client parses them again). Without a profile, boto3's default session (shared with any
    # other boto3 use in the process).
    if profile is None:
        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        return boto3.DEFAULT_SESSION
    return boto3.session.Session(profile_name=profile)


@functools.cache
def _client(service: str, region: str | None, profile: str | None, endpoint: str | None) -> Any:
    return _session(profile, endpoint).client(service, region_name=region)


def client(service: str, region: str | None = None) -> Any:
    """A boto3 client for `service` in `region` (default: the profile's or environment's)."""
    return _client(service, region, PROFILE, os.environ.get("AWS_ENDPOINT_URL"))
