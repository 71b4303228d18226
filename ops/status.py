"""`svc status`: one service's state gathered from ECS, ELBv2, CloudWatch, Application Auto
Scaling and SQS, judged healthy, degraded or waiting for an approval.

The calls (all read-only): ecs DescribeServices, ListTasks, DescribeTasks and, for blue/green,
canary and linear services, ListServiceDeployments and DescribeServiceDeployments; elbv2
DescribeTargetGroups, DescribeTargetHealth, DescribeListeners, DescribeRules; cloudwatch
DescribeAlarms and GetMetricStatistics (the queue's ApproximateAgeOfOldestMessage, which SQS
itself does not return); application-autoscaling DescribeScalableTargets and
DescribeScheduledActions; sqs GetQueueUrl and GetQueueAttributes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from ops import aws, service_deployments, targets
from ops.schedule import next_run
from ops.stack import ServiceNames, StackNames
from ops.tasks import failed, group_stopped, service_tasks, stopped_row, task_row

EXIT_CODES = {"healthy": 0, "degraded": 1, "waiting": 4}
EVENTS = 10
Now = Callable[[], datetime.datetime]


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def describe_service(ecs: Any, cluster: str, service: str) -> dict[str, Any]:
    """The service from DescribeServices, or LookupError (not deployed, or another cluster)."""
    response = ecs.describe_services(cluster=cluster, services=[service])
    found = [s for s in response.get("services") or [] if s.get("status") != "INACTIVE"]
    if not found:
        raise LookupError(
            f"service {service} is not in cluster {cluster} (not deployed yet, or the stack's"
            " region or account differs)"
        )
    return dict(found[0])


def _deployments(service: dict[str, Any]) -> list[dict[str, Any]]:
    keys = ("id", "status", "taskDefinition", "desiredCount", "runningCount", "pendingCount")
    keys += ("failedTasks", "rolloutState", "rolloutStateReason", "createdAt")
    return [{k: d.get(k) for k in keys} for d in service.get("deployments") or []]


def _service_deployment(ecs: Any, cluster: str, service: str) -> dict[str, Any] | None:
    arn = service_deployments.latest_deployment_arn(ecs, cluster, service)
    if arn is None:
        return None
    (deployment,) = service_deployments.describe(ecs, [arn])
    paused = service_deployments.paused_hooks(deployment)
    return {
        "arn": arn,
        "status": deployment.get("status"),
        "lifecycleStage": deployment.get("lifecycleStage"),
        "statusReason": deployment.get("statusReason"),
        "startedAt": deployment.get("startedAt"),
        "pausedForApproval": [
            {
                "hookId": hook.get("hookId"),
                "expiresAt": hook.get("expiresAt"),
                "timeoutAction": hook.get("timeoutAction", "ROLLBACK"),
            }
            for hook in paused
        ],
    }


def _alarms(cloudwatch: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    if not names:
        return []
    response = cloudwatch.describe_alarms(AlarmNames=list(names)[:100], StateValue="ALARM")
    return [
        {
            "name": alarm["AlarmName"],
            "reason": alarm.get("StateReason"),
            "since": alarm.get("StateUpdatedTimestamp"),
        }
        for alarm in response.get("MetricAlarms") or []
        if alarm.get("StateValue", "ALARM") == "ALARM"  # checked again: emulators ignore it
    ]


def _scaling(scaling: Any, cluster: str, service: str, now: Now) -> dict[str, Any] | None:
    resource = f"service/{cluster}/{service}"
    found = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource])
    scalable = found.get("ScalableTargets") or []
    if not scalable:
        return None
    target = scalable[0]
    actions = scaling.describe_scheduled_actions(ServiceNamespace="ecs", ResourceId=resource)
    upcoming = []
    for action in actions.get("ScheduledActions") or []:
        when = next_run(action.get("Schedule", ""), now(), action.get("Timezone"))
        limits = action.get("ScalableTargetAction") or {}
        upcoming.append(
            {
                "name": action.get("ScheduledActionName"),
                "schedule": action.get("Schedule"),
                "timezone": action.get("Timezone") or "UTC",
                "next": when,
                "minCapacity": limits.get("MinCapacity"),
                "maxCapacity": limits.get("MaxCapacity"),
            }
        )
    dated = sorted((a for a in upcoming if a["next"]), key=lambda a: a["next"])
    return {
        "minCapacity": target.get("MinCapacity"),
        "maxCapacity": target.get("MaxCapacity"),
        "suspended": target.get("SuspendedState") or {},
        "nextScheduledAction": (dated or upcoming or [None])[0],
    }


def _queue_depth(sqs: Any, name: str) -> dict[str, Any]:
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    wanted = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=wanted)["Attributes"]
    return {
        "name": name,
        "visible": int(attributes.get("ApproximateNumberOfMessages", 0)),
        "inFlight": int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
    }


def _oldest_age(cloudwatch: Any, queue: str, now: Now) -> float | None:
    end = now()
    response = cloudwatch.get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Dimensions=[{"Name": "QueueName", "Value": queue}],
        StartTime=end - datetime.timedelta(minutes=15),
        EndTime=end,
        Period=60,
        Statistics=["Maximum"],
    )
    points = sorted(response.get("Datapoints") or [], key=lambda p: p["Timestamp"])
    return float(points[-1]["Maximum"]) if points else None


def _queue(names: ServiceNames, region: str, now: Now) -> dict[str, Any] | None:
    if names.queue is None:
        return None
    sqs = aws.client("sqs", region)
    queue = _queue_depth(sqs, names.queue)
    queue["oldestMessageAgeSeconds"] = _oldest_age(
        aws.client("cloudwatch", region), names.queue, now
    )
    if names.dead_letter_queue:
        queue["deadLetter"] = _queue_depth(sqs, names.dead_letter_queue)
    return queue


def _targets(names: ServiceNames, region: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    if not names.target_groups:
        return [], {}
    elbv2 = aws.client("elbv2", region)
    groups = targets.target_groups(elbv2, names.target_groups)
    health = targets.target_health(elbv2, groups)
    if not names.progressive:
        return health, {}
    routing = names.settings.routing
    return health, targets.production_weights(elbv2, groups, routing.priority if routing else None)


def gather(stack: StackNames, key: str, now: Now = _utcnow) -> dict[str, Any]:
    """Everything `svc status` shows for one service, as JSON-ready data (see EXIT_CODES)."""
    names = stack.service(key)
    ecs = aws.client("ecs", stack.region)
    service = describe_service(ecs, stack.cluster, names.service)
    running = service_tasks(ecs, stack.cluster, names.service, stopped=False)
    stopped = service_tasks(ecs, stack.cluster, names.service, stopped=True)
    health, weights = _targets(names, stack.region)
    by_ip = {row["ip"]: row["state"] for row in health}
    tasks = [task_row(task) for task in running]
    for row in tasks:
        row["targetHealth"] = by_ip.get(row["privateIp"])
    status: dict[str, Any] = {
        "stack": stack.stack,
        "cluster": stack.cluster,
        "service": names.service,
        "strategy": names.strategy,
        "status": service.get("status"),
        "taskDefinition": service.get("taskDefinition"),
        "desiredCount": service.get("desiredCount", 0),
        "runningCount": service.get("runningCount", 0),
        "pendingCount": service.get("pendingCount", 0),
        "deployments": _deployments(service),
        "serviceDeployment": (
            _service_deployment(ecs, stack.cluster, names.service) if names.progressive else None
        ),
        "productionWeights": weights,
        "servingTargetGroups": targets.serving(weights),
        "tasks": tasks,
        "stoppedTasks": [stopped_row(task, names.main_container) for task in stopped],
        "targetHealth": health,
        "alarmsInAlarm": _alarms(aws.client("cloudwatch", stack.region), names.alarms),
        "scaling": _scaling(
            aws.client("application-autoscaling", stack.region), stack.cluster, names.service, now
        ),
        "queue": _queue(names, stack.region, now),
        "events": [
            {"at": event.get("createdAt"), "message": event.get("message")}
            for event in (service.get("events") or [])[:EVENTS]
        ],
    }
    status["stoppedByReason"] = group_stopped(status["stoppedTasks"])
    status["verdict"], status["problems"] = judge(status)
    return status


def judge(status: dict[str, Any]) -> tuple[str, list[str]]:
    """(healthy | degraded | waiting, the problems found): waiting when a deployment waits
    for its approval, degraded on anything a person should look at."""
    problems = []
    if status["runningCount"] < status["desiredCount"]:
        problems.append(f"{status['runningCount']} of {status['desiredCount']} tasks running")
    for deployment in status["deployments"]:
        if deployment.get("rolloutState") == "FAILED":
            problems.append(
                f"deployment {deployment['id']} FAILED: {deployment.get('rolloutStateReason')}"
            )
    bad_stops = [row for row in status["stoppedTasks"] if failed(row)]
    if bad_stops:
        codes = sorted({str(row.get("exitCode")) for row in bad_stops})
        problems.append(f"{len(bad_stops)} task(s) failed recently (exit codes {', '.join(codes)})")
    unhealthy = [row for row in status["targetHealth"] if row["state"] not in ("healthy", None)]
    if unhealthy:
        problems.append(f"{len(unhealthy)} target(s) not healthy")
    problems += [f"alarm {alarm['name']} is in ALARM" for alarm in status["alarmsInAlarm"]]
    deployment = status.get("serviceDeployment") or {}
    if deployment.get("status", "").startswith("ROLLBACK"):
        problems.append(f"service deployment {deployment['status']}")
    if deployment.get("pausedForApproval"):
        return "waiting", problems
    return ("degraded" if problems else "healthy"), problems
