"""`ecs-platform:acknowledgedLosses`: a loss of data the team intends, said in the stack file.

The plan diff blocks a change that would delete or replace a `protect`ed resource, or one that
holds data in a production stack (review/risks/data_loss.py). An entry here names that resource
by the logical name the plan shows, with the day the loss was accepted and why; the plan then
shows the loss as a flag with this acknowledgement instead of blocking. An entry counts for
ACKNOWLEDGEMENT_DAYS days from its date: an older one is stale and the loss blocks again, so an
entry left in the file cannot wave through a later loss of a resource of the same name.
"""

from __future__ import annotations

import datetime

from pydantic import Field, field_validator

from settings.types import LOGICAL_NAME_PATTERN, Settings

ACKNOWLEDGEMENT_DAYS = 30


class LossAcknowledgement(Settings):
    resource: str = Field(
        pattern=LOGICAL_NAME_PATTERN,
        description="The resource's logical name, as the plan diff shows it (worker-queue).",
    )
    date: datetime.date = Field(
        description='The day the loss was accepted, quoted ("2026-05-04"); counts for'
        f" {ACKNOWLEDGEMENT_DAYS} days, and not a day after today.",
    )
    reason: str = Field(
        min_length=1,
        max_length=500,
        description="Why the loss is intended; the pull-request comment shows it.",
    )

    @field_validator("date")
    @classmethod
    def _not_after_today(cls, value: datetime.date) -> datetime.date:
        if value > datetime.date.today():
            raise ValueError(f"{value.isoformat()} is after today: give the day it was accepted")
        return value

    def stale_on(self, today: datetime.date) -> bool:
        """True when the acknowledgement is too old to count on `today`."""
        return (today - self.date).days > ACKNOWLEDGEMENT_DAYS
