"""AWS clients for the operations commands: the usual credential chain (environment, profile,
SSO, instance role) and region, and `AWS_ENDPOINT_URL` honoured by botocore itself (the tests
point it at a local emulator). Tests of calls the emulator lacks replace `client` with a factory
of Stubber-wrapped clients."""

from __future__ import annotations

from typing import Any

PROFILE: str | None = None  # set by `--profile` on the command line


def client(service: str, region: str | None = None) -> Any:
    """A boto3 client for `service` in `region` (default: the profile's or environment's)."""
    import boto3  # imported here: `ecs-platform plan` never needs it

    return boto3.session.Session(profile_name=PROFILE).client(service, region_name=region)
