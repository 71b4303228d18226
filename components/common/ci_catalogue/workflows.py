"""Step Functions state machines and EventBridge Scheduler schedules (a job's run machinery,
components/job). Provider files are in hashicorp/terraform-provider-aws (pulumi-aws 7.51.1 bridges
v6); both are named with the stack prefix (settings/names.py), so their grants are bound to it."""

from __future__ import annotations

from components.common.ci_catalogue.base import NO_RESOURCE_LEVEL, ROLES, Entry, Grant, svc

STATE_MACHINES = "arn:aws:states:{region}:{account}:stateMachine:{prefix}-*"
# The schedules are in the `default` group (the provider's default group_name).
SCHEDULES = "arn:aws:scheduler:{region}:{account}:schedule/default/{prefix}-*"

WORKFLOWS: dict[str, Entry] = {
    # sfn/state_machine.go (v6 line, SDK v2; @Tags(identifierAttribute="id"), Read sets no tags):
    # Create (CreateStateMachine with Tags, retried on AccessDeniedException while the role
    # propagates), Read (findStateMachineByARN -> DescribeStateMachine; ListStateMachineVersions;
    # the tags interceptor -> ListTagsForResource), Update (UpdateStateMachine, then
    # DescribeStateMachine until consistent; TagResource/UntagResource), Delete
    # (DeleteStateMachine, waitStateMachineDeleted -> DescribeStateMachine). Its CustomizeDiff
    # calls ValidateStateMachineDefinition whenever the definition changes, at plan time: the
    # preview role needs it (it has no resource-level permission). Create and Update pass the
    # machine's role (iam:PassRole, a dependent action in the IAM reference).
    "aws:sfn/stateMachine:StateMachine": Entry(
        "internal/service/sfn/state_machine.go",
        (
            Grant(
                svc("states", "DescribeStateMachine", "ListStateMachineVersions",
                    "ListTagsForResource"),
                (STATE_MACHINES,),
            ),
            Grant(svc("states", "ValidateStateMachineDefinition"), (NO_RESOURCE_LEVEL,)),
        ),
        (
            Grant(
                svc("states", "CreateStateMachine", "UpdateStateMachine", "DeleteStateMachine",
                    "TagResource", "UntagResource"),
                (STATE_MACHINES,),
            ),
            Grant(("iam:PassRole",), (ROLES,)),
        ),
    ),
    # scheduler/schedule.go (v6 line; the resource has no tags): Create (CreateSchedule, retried
    # while "The execution role you provide must allow AWS EventBridge Scheduler to assume the
    # role"), Read (findScheduleByTwoPartKey -> GetSchedule), Update (UpdateSchedule), Delete
    # (DeleteSchedule). Create and Update pass the target's role (iam:PassRole).
    "aws:scheduler/schedule:Schedule": Entry(
        "internal/service/scheduler/schedule.go",
        (Grant(svc("scheduler", "GetSchedule"), (SCHEDULES,)),),
        (
            Grant(svc("scheduler", "CreateSchedule", "UpdateSchedule", "DeleteSchedule"),
                  (SCHEDULES,)),
            Grant(("iam:PassRole",), (ROLES,)),
        ),
    ),
}  # fmt: skip
