"""Changes that lose what a resource holds: blocking hazards with the safe sequence for the
resource's kind, and the acknowledgement (`ecs-platform:acknowledgedLosses`) that lets an
intended loss through as a flag.

- A `protect`ed resource deleted, or replaced while it stays protected, blocks in every tier: the
  engine refuses it. Pulumi's docs: "it will be an error to do a Pulumi deployment which tries to
  delete a protected resource for any reason", a replacement included
  (https://www.pulumi.com/docs/iac/concepts/resources/options/protect/); the engine's
  DeleteStep.Apply refuses when the state's `protect` is set, and the step generator refuses a
  replacement when the old and the new resource are both protected (pulumi/pulumi
  pkg/resource/deploy/step.go and step_generator.go).
- A resource that holds data (components/common/ci_catalogue/data_classes.py) deleted or
  replaced in a production stack blocks too. A development stack keeps it a flag
  (`stateful-delete`, `stateful-replace`: review/risks/__init__.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from components.common.ci_catalogue.data_classes import holds
from harness.records import RecordedResource, inputs_document, stack_free_urn
from review.diff import Change
from review.risks import Risk, loss_kind
from review.risks.renames import Rename, probable_renames, renamed_members
from settings.acknowledgements import ACKNOWLEDGEMENT_DAYS, LossAcknowledgement

QUEUE = "aws:sqs/queue:Queue"


class AcknowledgementError(ValueError):
    """An acknowledgement names a resource neither side of the diff has."""


@dataclass
class Context:
    """What a recipe may need beyond the change: the base's dead-letter queue ARNs."""

    dead_letter_arns: set[str] = field(default_factory=set)


def _queue(change: Change, context: Context) -> str:
    arn = (change.old.outputs if change.old else {}).get("arn")
    if arn in context.dead_letter_arns:
        return (
            "redrive the messages processing gave up on to their source queue (SQS"
            " StartMessageMoveTask) or save them, and let the new dead-letter queue take new"
            " failures before the old one goes."
        )
    return (
        "create the new queue beside the old one (a worker service that declares it), point"
        " the senders at it and deploy; let the worker drain the old queue until it is empty"
        " (`ecs-platform svc status <service>` shows its depth), then remove the old queue and"
        " deploy again."
    )


def _key(change: Change, context: Context) -> str:
    window = inputs_document(change.old).get("deletionWindowInDays")
    wait = f"its {window}-day deletion window" if window else "its deletion window"
    return (
        "re-encrypt what it protects under the new key first. AWS deletes a key only after"
        f" {wait} (ScheduleKeyDeletion), during which CancelKeyDeletion restores it."
    )


def _secret(change: Change, context: Context) -> str:
    window = inputs_document(change.old).get("recoveryWindowInDays")
    wait = f"its {window}-day recovery window" if window else "its recovery window"
    return (
        "put the value in the new secret and move its readers first. A deleted secret is"
        f" restorable during {wait} (RestoreSecret)."
    )


# Sources of the AWS facts the recipes state: SQS StartMessageMoveTask redrives a dead-letter
# queue to its source queue (API reference, API_StartMessageMoveTask); ScheduleKeyDeletion waits
# the key's window, during which CancelKeyDeletion cancels (AWS KMS developer guide,
# deleting-keys-scheduling-key-deletion); RestoreSecret during the recovery window (Secrets
# Manager user guide, manage_delete-restore-secret); CreateExportTask exports log events to S3
# (CloudWatch Logs user guide, S3Export).
Recipe = Callable[[Change, Context], str]
RECIPES: dict[str, Recipe] = {
    QUEUE: _queue,
    "aws:cloudwatch/logGroup:LogGroup": lambda change, context: (
        "export the log events you need first (CloudWatch Logs CreateExportTask to S3), or"
        " accept the loss explicitly with an acknowledgement."
    ),
    "aws:ecr/repository:Repository": lambda change, context: (
        "push every image the services still run (by digest) to the new repository and release"
        " them from there, then remove the old one: tasks that pull from a deleted repository"
        " fail to start."
    ),
    "aws:s3/bucket:Bucket": lambda change, context: (
        "copy the objects to the new bucket first (aws s3 sync), then remove the old one."
    ),
    "aws:s3/bucketV2:BucketV2": lambda change, context: (
        "copy the objects to the new bucket first (aws s3 sync), then remove the old one."
    ),
    "aws:kms/key:Key": _key,
    "aws:efs/fileSystem:FileSystem": lambda change, context: (
        "copy the files into the new file system first (AWS DataSync, or a restore from AWS"
        " Backup), move the services to it, then remove the old one."
    ),
    "aws:secretsmanager/secret:Secret": _secret,
}


def recipe(change: Change, context: Context | None = None) -> str:
    """The safe sequence for the resource's kind (a generic one for a kind without its own)."""
    found = RECIPES.get(change.type)
    if found is not None:
        return found(change, context or Context())
    if holds(change.type).kind == "data":
        return "copy what it holds to its replacement first, then remove it."
    return "add the new one beside it under another name, move its users, then remove it."


def _what(change: Change) -> str:
    held = holds(change.type)
    owns = f" holds {held.what} and" if held.kind == "data" else ""
    if change.action == "delete":
        return f"`{change.name}` ({change.type}){owns} would be deleted"
    paths = ", ".join(p.path for p in change.properties if p.replaces) or "a replacing change"
    return (
        f"`{change.name}` ({change.type}){owns} would be replaced (deleted, then created anew:"
        f" {paths})"
    )


def _hazard(change: Change, kind: str, context: Context, rename: Rename | None) -> str:
    why = (
        "it is `protect`ed, so the engine refuses the change (unable to"
        f" {'delete' if change.action == 'delete' else 'replace'} a protected resource)"
        if kind == "protected"
        else "in a production stack"
    )
    message = f"{_what(change)}: {why}. Safe sequence: {recipe(change, context)}"
    if rename is not None:
        message += (
            f" If `{rename.old.label}` was renamed to `{rename.new.label}`, add"
            f" `{rename.line}` instead: then nothing is deleted."
        )
    return message


def _acknowledged(change: Change, kind: str, entry: LossAcknowledgement, stack_file: str) -> str:
    said = (
        f"{_what(change)}. Acknowledged in {stack_file} acknowledgedLosses on"
        f" {entry.date.isoformat()}: {entry.reason}"
    )
    if kind == "protected":
        said += (
            f" It is `protect`ed: run `pulumi state unprotect '{change.urn}'` before"
            " `pulumi up`, or the engine refuses."
        )
    return said


def _dead_letter_arns(old: Sequence[RecordedResource]) -> set[str]:
    found = set()
    for resource in old:
        if resource.type == QUEUE:
            target = (inputs_document(resource).get("redrivePolicy") or {}).get(
                "deadLetterTargetArn"
            )
            if isinstance(target, str):
                found.add(target)
    return found


@dataclass
class Acknowledgements:
    """The stack file's entries and what became of them in this diff."""

    entries: Sequence[LossAcknowledgement] = ()
    stack_file: str = "the stack file"
    today: datetime.date = field(default_factory=datetime.date.today)
    used: dict[str, str] = field(default_factory=dict)  # resource -> "applied" or "stale"

    def find(self, name: str) -> LossAcknowledgement | None:
        return next((e for e in self.entries if e.resource == name), None)

    def check_names(self, resources: Sequence[RecordedResource]) -> None:
        """Refuse an entry naming no resource of either side (a typo would never apply)."""
        known = {r.name for r in resources if r.custom or r.remote}
        for index, entry in enumerate(self.entries):
            if entry.resource not in known:
                raise AcknowledgementError(
                    f"{self.stack_file}: acknowledgedLosses[{index}].resource: no resource"
                    f" named {entry.resource} in this stack or its base"
                )

    def report(self) -> list[dict[str, Any]]:
        return [
            {
                "resource": e.resource,
                "date": e.date.isoformat(),
                "reason": e.reason,
                "status": self.used.get(e.resource, "unused"),
            }
            for e in self.entries
        ]


def data_loss(
    changes: Sequence[Change],
    tier: str,
    old: Sequence[RecordedResource] = (),
    new: Sequence[RecordedResource] = (),
    acknowledgements: Acknowledgements | None = None,
) -> list[Risk]:
    """One risk per change that loses data or that the engine refuses for `protect`: blocking
    with the safe sequence, or a `loss-acknowledged` flag when the stack file acknowledges it
    (an acknowledgement older than ACKNOWLEDGEMENT_DAYS days keeps it blocking); and a
    `probable-rename` flag per removed service or pool that an added one matches."""
    acks = acknowledgements or Acknowledgements()
    acks.check_names([*old, *new])
    context = Context(_dead_letter_arns(old))
    pairs = probable_renames(old, new)
    renames = renamed_members(pairs)
    found = [_rename_flag(pair, acks.stack_file) for pair in pairs]
    for change in changes:
        kind = loss_kind(change, tier)
        if kind is None:
            continue
        code = f"{'protected' if kind == 'protected' else 'data-loss'}-{change.action}"
        entry = acks.find(change.name)
        if entry is not None and not entry.stale_on(acks.today):
            acks.used[entry.resource] = "applied"
            found.append(
                Risk(
                    "loss-acknowledged",
                    change.urn,
                    _acknowledged(change, kind, entry, acks.stack_file),
                )
            )
            continue
        message = _hazard(change, kind, context, renames.get(stack_free_urn(change.urn)))
        if entry is not None:
            acks.used[entry.resource] = "stale"
            message += (
                f" The acknowledgement dated {entry.date.isoformat()} is more than"
                f" {ACKNOWLEDGEMENT_DAYS} days old and no longer counts: renew its date if the"
                " loss is still intended."
            )
        found.append(Risk(code, change.urn, message, blocking=True))
    return found


def _rename_flag(rename: Rename, stack_file: str) -> Risk:
    return Risk(
        "probable-rename",
        None,
        f"`{rename.old.label}` is removed and `{rename.new.label}` added with the same"
        f" resources: if this is a rename, add `{rename.line}` to {stack_file}, and its"
        " resources keep their AWS names and URNs (nothing deleted, nothing created).",
    )
