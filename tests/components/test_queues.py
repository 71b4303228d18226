"""Queue workers on the `queues` fixture: the worker creates its queue (DLQ, TLS-only policy,
SNS subscription, backlog scaling, alarms), `reports` works on an existing queue and scales to
zero, `api` may send to the worker's queue."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.engine import run_program
from harness.records import Synthesis
from settings.stack_files import read_stack_config

from conftest import FIXTURES

QUEUE, QUEUE_POLICY = "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
ROLE_POLICY, TASK = "aws:iam/rolePolicy:RolePolicy", "aws:ecs/taskDefinition:TaskDefinition"
POLICY, ALARM = "aws:appautoscaling/policy:Policy", "aws:cloudwatch/metricAlarm:MetricAlarm"
ACCOUNT, REGION = "123456789012", "eu-west-1"
PREFIX = "ecs-platform-queues"
WORKER_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{PREFIX}-worker"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-events"
REPORTS_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:reports-requests"
CONSUME = [
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
]


@pytest.fixture(scope="module")
def queues() -> Synthesis:
    return run_program("queues", stack_config=read_stack_config("queues", FIXTURES))


def statements(synthesis: Synthesis, role: str) -> dict[str, dict[str, Any]]:
    document = json.loads(synthesis.one(ROLE_POLICY, f"{role}-task").inputs["policy"])
    return {s["Sid"]: s for s in document["Statement"]}


def environment(synthesis: Synthesis, service: str) -> dict[str, str]:
    containers = json.loads(synthesis.one(TASK, f"{service}-task").inputs["containerDefinitions"])
    main = next(c for c in containers if c["name"] == service)
    return {v["name"]: v["value"] for v in main["environment"]}


def key_arn(synthesis: Synthesis) -> str:
    return synthesis.one("aws:kms/key:Key", "logs-key").outputs["arn"]


def test_worker_queue_and_dead_letter_queue(queues: Synthesis) -> None:
    queue = queues.one(QUEUE, "worker-queue")
    dead_letter = queues.one(QUEUE, "worker-dlq")
    assert queue.inputs["name"] == f"{PREFIX}-worker"
    assert dead_letter.inputs["name"] == f"{PREFIX}-worker-dlq"
    redrive = json.loads(queue.inputs["redrivePolicy"])
    assert redrive == {"deadLetterTargetArn": dead_letter.outputs["arn"], "maxReceiveCount": 5}
    # processingSeconds 120 + stopTimeoutSeconds 60
    assert queue.inputs["visibilityTimeoutSeconds"] == 180
    assert queue.inputs["messageRetentionSeconds"] == 345600
    assert dead_letter.inputs["messageRetentionSeconds"] == 1209600
    assert queue.inputs["receiveWaitTimeSeconds"] == 20
    for q in (queue, dead_letter):
        assert q.inputs["kmsMasterKeyId"] == key_arn(queues)
        assert "sqsManagedSseEnabled" not in q.inputs
        assert q.protect  # tier production


def test_queue_policies_deny_plain_http_and_admit_only_the_topic(queues: Synthesis) -> None:
    for name in ("worker-queue", "worker-dlq"):
        policy = queues.one(QUEUE_POLICY, name)
        assert policy.inputs["queueUrl"] == queues.one(QUEUE, name).outputs["url"]
        document = json.loads(policy.inputs["policy"])
        deny = next(s for s in document["Statement"] if s["Effect"] == "Deny")
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert deny["Resource"] == [queues.one(QUEUE, name).outputs["arn"]]
    worker_policy = json.loads(queues.one(QUEUE_POLICY, "worker-queue").inputs["policy"])
    allow = [s for s in worker_policy["Statement"] if s["Effect"] == "Allow"]
    assert allow == [
        {
            "Sid": "SnsTopicsSend",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Principal": {"Service": "sns.amazonaws.com"},
            "Resource": [WORKER_QUEUE],
            "Condition": {"ArnEquals": {"aws:SourceArn": [TOPIC]}},
        }
    ]
    dead_letter_policy = json.loads(queues.one(QUEUE_POLICY, "worker-dlq").inputs["policy"])
    assert [s["Effect"] for s in dead_letter_policy["Statement"]] == ["Deny"]


def test_subscription_delivers_raw_and_the_key_lets_only_that_topic_encrypt(
    queues: Synthesis,
) -> None:
    subscription = queues.one(SUBSCRIPTION, "worker-from-orders-events").inputs
    assert subscription["protocol"] == "sqs"
    assert subscription["endpoint"] == WORKER_QUEUE
    assert subscription["rawMessageDelivery"] is True
    key_policy = json.loads(queues.one("aws:kms/key:Key", "logs-key").inputs["policy"])
    sns = next(s for s in key_policy["Statement"] if s.get("Sid") == "SnsTopicsEncryptIntoQueues")
    assert sns["Principal"] == {"Service": "sns.amazonaws.com"}
    assert sns["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert sns["Condition"] == {"ArnEquals": {"aws:SourceArn": [TOPIC]}}


def test_prod_key_policy_is_unchanged_without_subscriptions(synthesized: Any) -> None:
    key_policy = json.loads(synthesized("prod").one("aws:kms/key:Key", "logs-key").inputs["policy"])
    assert all(s.get("Sid") != "SnsTopicsEncryptIntoQueues" for s in key_policy["Statement"])


def test_worker_role_gets_exactly_consume_rights(queues: Synthesis) -> None:
    found = statements(queues, "worker")
    sqs = [s for s in found.values() if any(a.startswith("sqs:") for a in s["Action"])]
    assert sqs == [found["ConsumeOwnQueue"]]
    assert found["ConsumeOwnQueue"]["Action"] == CONSUME
    assert found["ConsumeOwnQueue"]["Resource"] == [WORKER_QUEUE]
    assert found["DecryptOwnQueue"] == {
        "Sid": "DecryptOwnQueue",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": [key_arn(queues)],
    }
    assert "sqs:SendMessage" not in json.dumps(found)  # not a sender of its own queue


def test_senders_get_send_rights_and_the_url(queues: Synthesis) -> None:
    found = statements(queues, "api")
    assert found["SendToWorkerQueue"]["Action"] == ["sqs:GetQueueAttributes", "sqs:SendMessage"]
    assert found["SendToWorkerQueue"]["Resource"] == [WORKER_QUEUE]
    assert found["EncryptForWorkerQueue"]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert not any("sqs:ReceiveMessage" in s["Action"] for s in found.values())
    url = queues.one(QUEUE, "worker-queue").outputs["url"]
    assert environment(queues, "api")["SQS_WORKER_QUEUE_URL"] == url
    reports = statements(queues, "reports")
    assert not any("sqs:SendMessage" in s["Action"] for s in reports.values())


def test_worker_environment_names_its_queues(queues: Synthesis) -> None:
    variables = environment(queues, "worker")
    assert variables["SQS_QUEUE_URL"] == queues.one(QUEUE, "worker-queue").outputs["url"]
    assert variables["SQS_QUEUE_ARN"] == WORKER_QUEUE
    assert variables["SQS_QUEUE_NAME"] == f"{PREFIX}-worker"
    assert variables["SQS_DEAD_LETTER_QUEUE_URL"] == queues.one(QUEUE, "worker-dlq").outputs["url"]
    assert variables["LOG_LEVEL"] == "info"


def test_existing_queue_is_referenced_not_created(queues: Synthesis) -> None:
    assert {q.name for q in queues.of_type(QUEUE)} == {"worker-queue", "worker-dlq"}
    found = statements(queues, "reports")
    assert found["ConsumeOwnQueue"]["Resource"] == [REPORTS_QUEUE]
    assert "DecryptOwnQueue" not in found  # no kmsKeyArn declared
    variables = environment(queues, "reports")
    assert variables["SQS_QUEUE_ARN"] == REPORTS_QUEUE
    assert variables["SQS_QUEUE_URL"] == (
        f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/reports-requests"
    )
    assert "SQS_DEAD_LETTER_QUEUE_URL" not in variables
    age = queues.one(ALARM, "reports-alarm-queue-age").inputs
    assert age["dimensions"] == {"QueueName": "reports-requests"}
    assert all("dead-letter" not in a.name for a in queues.of_type(ALARM) if "reports" in a.name)


def test_backlog_per_task_is_metric_math_over_running_tasks(queues: Synthesis) -> None:
    policy = queues.one(POLICY, "worker-track-backlog").inputs
    config = policy["targetTrackingScalingPolicyConfiguration"]
    assert config["targetValue"] == 100
    metrics = {m["id"]: m for m in config["customizedMetricSpecification"]["metrics"]}
    assert metrics["backlog"]["expression"] == "visible / tasks"
    assert metrics["backlog"]["returnData"] is True
    visible = metrics["visible"]["metricStat"]["metric"]
    assert (visible["namespace"], visible["metricName"]) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
    )
    assert visible["dimensions"] == [{"name": "QueueName", "value": f"{PREFIX}-worker"}]
    tasks = metrics["tasks"]["metricStat"]["metric"]
    assert tasks["metricName"] == "RunningTaskCount"
    assert {d["name"]: d["value"] for d in tasks["dimensions"]} == {
        "ClusterName": PREFIX,
        "ServiceName": "worker",
    }
    # step scaling without queueName reads the declared queue
    step = queues.one(ALARM, "worker-step-out").inputs
    assert step["dimensions"] == {"QueueName": f"{PREFIX}-worker"}
    # minCount 2: no wake-up policy
    assert all(p.name != "worker-step-wake" for p in queues.of_type(POLICY))


def test_min_count_zero_wakes_from_zero(queues: Synthesis) -> None:
    wake = queues.one(POLICY, "reports-step-wake").inputs["stepScalingPolicyConfiguration"]
    assert wake["stepAdjustments"] == [{"metricIntervalLowerBound": "0", "scalingAdjustment": 1}]
    alarm = queues.one(ALARM, "reports-step-wake").inputs
    expression = next(q for q in alarm["metricQueries"] if q.get("returnData"))
    assert expression["expression"] == "IF(visible > 0 AND FILL(tasks, 0) == 0, 1, 0)"
    assert alarm["alarmActions"] == [queues.one(POLICY, "reports-step-wake").outputs["arn"]]
    assert (
        queues.one("aws:appautoscaling/target:Target", "reports-scaling").inputs["minCapacity"] == 0
    )


def test_queue_age_and_dead_letter_alarms_attach(queues: Synthesis) -> None:
    age = queues.one(ALARM, "worker-alarm-queue-age").inputs
    assert age["dimensions"] == {"QueueName": f"{PREFIX}-worker"}
    dead = queues.one(ALARM, "worker-alarm-dead-letter-messages").inputs
    assert dead["dimensions"] == {"QueueName": f"{PREFIX}-worker-dlq"}
    assert (dead["comparisonOperator"], dead["threshold"]) == ("GreaterThanThreshold", 0)
    assert dead["alarmActions"]


def test_dashboard_shows_both_queues(queues: Synthesis) -> None:
    bodies = [
        json.loads(d.inputs["dashboardBody"])
        for d in queues.of_type("aws:cloudwatch/dashboard:Dashboard")
    ]
    widgets = [w for body in bodies for w in body["widgets"]]
    metrics = [m for w in widgets for m in w["properties"]["metrics"]]
    assert ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", f"{PREFIX}-worker"] in metrics
    assert [
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        f"{PREFIX}-worker-dlq",
    ] in metrics
