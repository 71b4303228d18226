"""One job as a team declares it under `jobs.<name>`: a task that runs to completion. Its task
definition, roles, log group and security group are a service's (same builders, same
hardening); a Step Functions state machine runs the task with retries and a timeout
(definition.py), EventBridge Scheduler starts it on the schedule, and an alarm tells the stack's
topic when a run fails or times out."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.alarms import AlarmSpec, AlarmTarget, Metric, metric_alarm
from components.common.capacity import strategy_entries
from components.common.naming import Naming
from components.common.renames import renamed
from components.job import iam as job_iam
from components.job.definition import RunTarget, state_machine_definition
from components.service import RUNTIME_CPU, RUNTIME_OS
from components.service import iam as task_iam
from components.service.containers import logging, scratch_mounts, task_container
from components.service.egress import task_egress
from settings.job import JobSettings
from settings.names import schedule_name, state_machine_name
from settings.platform import Placement

# A start EventBridge Scheduler could not deliver for an hour is dropped rather than run late
# (into the next run); its default keeps retrying for 24 hours (185 attempts, provider default
# in internal/service/scheduler/schedule.go). Only delivery is retried: the run's own failures
# are the state machine's (Scheduler API RetryPolicy: "the maximum number of times EventBridge
# Scheduler will try to deliver the event to a target").
DELIVERY_RETRY = {"maximum_event_age_in_seconds": 3600, "maximum_retry_attempts": 185}


@dataclass(frozen=True)
class JobArgs:
    settings: JobSettings
    naming: Naming
    region: str
    account_id: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]  # known once the capacity providers are attached
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    subnet_ids: pulumi.Input[Sequence[str]]
    image: pulumi.Input[str]
    repository_arn: pulumi.Input[str] | None
    placement: Placement
    architecture: str
    capacity_provider_names: Mapping[str, str]
    alarm_target: AlarmTarget
    kms_key_id: pulumi.Input[str] | None = None  # the log key (None: AWS's)
    protect: bool = False


def failure_alarm_spec(name: str, machine_arn: pulumi.Input[str], period: int) -> AlarmSpec:
    """One failed or timed-out execution in a period alarms (AWS/States ExecutionsFailed and
    ExecutionsTimedOut by StateMachineArn, Step Functions Developer Guide,
    procedure-cw-metrics.md); a period without runs is not a failure."""
    dimensions = {"StateMachineArn": machine_arn}
    failed = Metric("AWS/States", "ExecutionsFailed", dimensions, period, "Sum")
    timed_out = Metric("AWS/States", "ExecutionsTimedOut", dimensions, period, "Sum")
    return AlarmSpec(
        name=f"{name}-job-failed",
        description=f"Job {name}: a run failed (its task exited non-zero, could not start, or"
        " outlasted timeoutSeconds) after its retries. Look at the execution in Step Functions"
        f" and the job's logs; `ecs-platform job run {name}` runs it again.",
        comparison="GreaterThanOrEqualToThreshold",
        threshold=1,
        treat_missing_data="notBreaching",
        evaluation_periods=1,
        datapoints_to_alarm=1,
        queries=[
            failed.query("failed"),
            timed_out.query("timedOut"),
            {
                "id": "failures",
                "expression": "FILL(failed, 0) + FILL(timedOut, 0)",
                "label": "failed and timed-out runs",
                "return_data": True,
            },
        ],
    )


class Job(pulumi.ComponentResource):
    TYPE = "ecs-platform:job:Job"  # part of every child's URN: never change it
    state_machine_arn: pulumi.Output[str]
    schedule_name: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: JobArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Renamed (renamedFrom): the old URN by alias, every child and AWS name as before.
        built_as, opts = renamed(name, args.settings.renamed_from, opts)
        super().__init__(self.TYPE, name, None, opts)
        self._name = name = built_as
        self._args = args
        self._policies: dict[str, aws.iam.RolePolicy] = {}
        self.log_group = self._log_group()
        execution_role, task_role = self._task_roles()
        self.security_group = self._security_group()
        self.task_definition = self._task_definition(execution_role, task_role)
        self.state_machine = self._state_machine([execution_role.arn, task_role.arn])
        self.state_machine_arn = self.state_machine.arn
        schedule = self._schedule()
        self.schedule_name = schedule.name if schedule is not None else None
        self.alarm = metric_alarm(
            self,
            f"{name}-failed",
            args.alarm_target,
            failure_alarm_spec(
                name, self.state_machine_arn, args.alarm_target.settings.thresholds.period_seconds
            ),
        )
        self.register_outputs(
            {
                "stateMachineArn": self.state_machine_arn,
                "scheduleName": self.schedule_name,
                "logGroupName": self.log_group.name,
            }
        )

    def _log_group(self) -> aws.cloudwatch.LogGroup:
        name, args = self._name, self._args
        return aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=args.naming.log_group("jobs", name),
            retention_in_days=args.settings.log_retention_days,
            kms_key_id=args.kms_key_id,
            tags=args.naming.tags(name),
            # a production tier keeps its history through renames and refactors
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )

    def _role(
        self, kind: str, trust: pulumi.Input[str], statements: list[policies.Statement]
    ) -> aws.iam.Role:
        name, naming = self._name, self._args.naming
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-{kind}",
            name=naming.physical("iam-role", name, kind),
            assume_role_policy=trust,
            tags=naming.tags(name, kind),
            opts=child,
        )
        if statements:
            self._policies[kind] = aws.iam.RolePolicy(
                f"{name}-{kind}", role=role.id, policy=policies.document(statements), opts=child
            )
        return role

    def _task_roles(self) -> tuple[aws.iam.Role, aws.iam.Role]:
        """The execution role (ECS: image, logs, secrets) and the task role (the job's code),
        never the same one."""
        args, job = self._args, self._args.settings
        trust = task_iam.ecs_tasks_trust(args.account_id)
        execution = self._role(
            "execution",
            trust,
            task_iam.execution_statements(
                job,
                log_group_arn=self.log_group.arn,
                repository_arn=args.repository_arn,
                region=args.region,
                account_id=args.account_id,
            ),
        )
        task = self._role("task", trust, task_iam.task_statements(job, exec_log_group_arn=None))
        return execution, task

    def _security_group(self) -> aws.ec2.SecurityGroup:
        name, args = self._name, self._args
        return aws.ec2.SecurityGroup(
            f"{name}-sg",
            name=args.naming.physical("security-group", name, "tasks"),
            description=f"Tasks of job {name}",
            vpc_id=args.vpc_id,
            # No ingress: a job takes no traffic. Egress as a service's (HTTPS, the VPC, egress).
            egress=task_egress(args.settings, args.vpc_cidr),
            tags=args.naming.tags(name, "tasks"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _task_definition(
        self, execution_role: aws.iam.Role, task_role: aws.iam.Role
    ) -> aws.ecs.TaskDefinition:
        name, args, job = self._name, self._args, self._args.settings
        definitions = pulumi.Output.all(args.image, self.log_group.name, args.account_id).apply(
            lambda values: json.dumps(
                [
                    task_container(
                        name,
                        job,
                        image=values[0],
                        logging=logging(values[1], args.region, name),
                        mounts=scratch_mounts(job),
                        where=(args.region, values[2]),  # secrets named by name -> ARNs
                    )
                ]
            )
        )
        return aws.ecs.TaskDefinition(
            f"{name}-task",
            family=args.naming.physical("task-family", name),
            network_mode="awsvpc",
            requires_compatibilities=[args.placement.compatibility],
            cpu=str(job.cpu),
            memory=str(job.memory),
            runtime_platform={
                "operating_system_family": RUNTIME_OS[job.operating_system],
                "cpu_architecture": RUNTIME_CPU[args.architecture],
            },
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=definitions,
            volumes=[{"name": f"scratch-{i}"} for i in range(len(job.writable_paths))],
            tags=args.naming.tags(name),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _definition(self) -> pulumi.Output[str]:
        name, args, job = self._name, self._args, self._args.settings
        strategy = (
            strategy_entries(args.placement.strategy, args.capacity_provider_names)
            if args.placement.strategy is not None
            else []
        )

        def build(values: list[Any]) -> str:
            target = RunTarget(
                cluster_arn=values[0],
                task_definition_arn=values[1],
                family=values[2],
                subnet_ids=values[3],
                security_group_id=values[4],
                extra_security_group_ids=list(job.security_groups),
                capacity_provider_strategy=strategy,
                fargate=args.placement.compatibility == "FARGATE",
            )
            definition = state_machine_definition(
                name,
                target,
                retries=job.retries,
                timeout_seconds=job.timeout_seconds,
                allow_overlap=job.allow_overlap,
            )
            return json.dumps(definition, indent=1)

        return pulumi.Output.all(
            args.cluster_arn,
            self.task_definition.arn,
            self.task_definition.family,
            args.subnet_ids,
            self.security_group.id,
        ).apply(build)

    def _state_machine(self, task_roles: list[pulumi.Input[str]]) -> aws.sfn.StateMachine:
        name, args = self._name, self._args
        physical = state_machine_name(args.naming.prefix, name)
        machine_arn = job_iam.state_machine_arn(args.region, args.account_id, physical)
        role = self._role(
            "states",
            job_iam.state_machine_trust(args.account_id, machine_arn),
            job_iam.state_machine_statements(
                region=args.region,
                account_id=args.account_id,
                cluster_arn=args.cluster_arn,
                cluster_name=args.cluster_name,
                family=args.naming.physical("task-family", name),
                task_roles=task_roles,
                machine_arn=machine_arn,
                allow_overlap=args.settings.allow_overlap,
            ),
        )
        return aws.sfn.StateMachine(
            f"{name}-state-machine",
            name=physical,
            type="STANDARD",  # execution history kept by Step Functions; .sync needs Standard
            role_arn=role.arn,
            definition=self._definition(),
            tags=args.naming.tags(name),
            # No run (a schedule's first one included) before the role may run the task.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self._policies["states"]]),
        )

    def _schedule(self) -> aws.scheduler.Schedule | None:
        name, args = self._name, self._args
        schedule = args.settings.schedule
        if schedule is None:
            return None
        role = self._role(
            "scheduler",
            job_iam.scheduler_trust(args.account_id),
            job_iam.scheduler_statements(self.state_machine.arn),
        )
        return aws.scheduler.Schedule(
            f"{name}-schedule",
            name=schedule_name(args.naming.prefix, name),
            description=f"Starts job {name} (ecs-platform)",
            schedule_expression=schedule.expression,
            schedule_expression_timezone=schedule.timezone,
            flexible_time_window={"mode": "OFF"},  # on the minute, not within a window
            state="ENABLED",
            target={
                "arn": self.state_machine.arn,
                "role_arn": role.arn,
                "retry_policy": DELIVERY_RETRY,
            },
            opts=pulumi.ResourceOptions(parent=self),
        )
