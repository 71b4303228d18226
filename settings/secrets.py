"""Secret references (`secrets:` values) and what each one resolves to: the `valueFrom` ECS reads
and the ARN the execution role is granted. Pure; no Pulumi.

Forms (SECRET_REFERENCE_PATTERN):
- `ssm:<name>`: a Parameter Store parameter of the stack's region and account. `valueFrom` is its
  ARN, `arn:aws:ssm:<region>:<account>:parameter/<name without its leading />` (a name and its
  /-prefixed form are one parameter: SSM user guide, sysman-paramstore-su-create.md,
  "Uniqueness"; the ARN of `/Test/IAD/helloWorld` is `...:parameter/Test/IAD/helloWorld`,
  param-create-cli.md). ECS takes the name or the ARN for a parameter of its own region, the ARN
  for another region (ECS developer guide, specifying-sensitive-data-parameters.md).
- `secretsmanager:<name>[:<json key>[:<version stage>[:<version id>]]]`: a Secrets Manager
  secret of the stack's region and account. `valueFrom` is the partial ARN
  `arn:aws:secretsmanager:<region>:<account>:secret:<name>`, plus
  `:<json key>:<version stage>:<version id>` when any of them is given (ECS's
  `arn:...:secret:secret-name:json-key:version-stage:version-id`, every field present with its
  colons, an unused one empty: secrets-envvar-secrets-manager.md). A version is chosen by its
  stage (such as AWSPREVIOUS) or its id, not both (CDK's SecretsManagerSecretOptions: "Can
  specify at most one of versionId and versionStage"). ECS's pages name only full ARNs for Secrets
  Manager; Copilot renders exactly this partial ARN for its `secretsmanager: <name>` secrets
  (aws/copilot-cli internal/pkg/template/workload.go `secretsManagerName.ValueFrom`,
  templates/workloads/partials/cf/logconfig.yml). The role is granted `secret:<name>-??????`: AWS
  appends six random characters to a secret's ARN and documents this wildcard for granting a
  secret by name (Secrets Manager user guide, auth-and-access_examples.md, "Match secret name").
  A name that itself ends in `-` and six characters is refused: Secrets Manager may take it for
  the suffix and not find the secret from a partial ARN (troubleshoot.md, "can't find my secret
  from a partial ARN").
- A full ARN (any region or account): used as written; a Secrets Manager ARN is granted without
  its `:json-key:version-stage:version-id` selector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from settings.types import SECRET_REFERENCE_PATTERN

RANDOM_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")
Source = Literal["ssm", "secretsmanager"]


@dataclass(frozen=True)
class SecretSource:
    """Where one secret reference points: its service, and the ARNs for ECS and for IAM."""

    service: Source
    value_from: str
    grant: str  # the execution role's Resource for it


def secret_source(reference: str, region: str, account: str) -> SecretSource:
    """What `reference` (a validated `secrets:` value) resolves to in `region` and `account`."""
    if reference.startswith("arn:"):
        if ":secretsmanager:" in reference:
            arn = ":".join(reference.split(":")[:7])  # without the json-key selector
            return SecretSource("secretsmanager", reference, arn)
        return SecretSource("ssm", reference, reference)
    service, _, rest = reference.partition(":")
    if service == "ssm":
        arn = f"arn:aws:ssm:{region}:{account}:parameter/{rest.lstrip('/')}"
        return SecretSource("ssm", arn, arn)
    name, *selector = rest.split(":")
    arn = f"arn:aws:secretsmanager:{region}:{account}:secret:{name}"
    fields = [*selector, "", "", ""][:3]
    value_from = arn + (":" + ":".join(fields) if any(fields) else "")
    return SecretSource("secretsmanager", value_from, f"{arn}-??????")


def reference_service(reference: str) -> Source:
    """`ssm` or `secretsmanager`: which API ECS calls for it (the VPC endpoint it needs)."""
    return secret_source(reference, "region", "000000000000").service


def _no_suffix_lookalike(reference: str) -> str:
    if reference.startswith("secretsmanager:"):
        name, *selector = reference.removeprefix("secretsmanager:").split(":")
        if RANDOM_SUFFIX.search(name):
            raise ValueError(
                f"{reference!r}: a secret name ending in - and 6 characters reads as AWS's random"
                " suffix, and Secrets Manager may not find it by name; give the secret's full ARN"
            )
        if len(selector) == 3 and selector[1] and selector[2]:
            raise ValueError(f"{reference!r}: give a version stage or a version id, not both")
    return reference


SecretReference = Annotated[
    str, Field(pattern=SECRET_REFERENCE_PATTERN), AfterValidator(_no_suffix_lookalike)
]
