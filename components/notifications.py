"""Where alarms go: an encrypted SNS topic per environment (and an optional paging topic), with
a policy that lets only CloudWatch of this account publish, and the subscribers from settings."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.naming import Naming
from settings.alarms import AlarmSettings, SubscriberSettings

CLOUDWATCH = "cloudwatch.amazonaws.com"


@dataclass(frozen=True)
class NotificationsArgs:
    settings: AlarmSettings
    naming: Naming
    account_id: pulumi.Input[str]
    protect: bool = False


class Notifications(pulumi.ComponentResource):
    TYPE = "ecs-platform:notifications:Notifications"  # part of every child's URN: never change it
    topic_arn: pulumi.Output[str]
    page_topic_arn: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: NotificationsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name = name
        self._args = args
        key_arn = args.settings.kms_key_arn or self._key().arn
        self.topic_arn = self._topic("alarms", key_arn, args.settings.notify).arn
        page = args.settings.page
        self.page_topic_arn = self._topic("page", key_arn, page).arn if page else None
        self.register_outputs({"topicArn": self.topic_arn, "pageTopicArn": self.page_topic_arn})

    def _key(self) -> aws.kms.Key:
        args = self._args
        # CloudWatch cannot publish to a topic under the AWS-managed SNS key: it needs a key
        # whose policy lets it encrypt.
        return aws.kms.Key(
            f"{self._name}-key",
            description=f"Encrypts the alarm topics of {args.naming.prefix}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=policies.document(
                [
                    policies.account_administers_key(args.account_id),
                    policies.statement(
                        ["kms:Decrypt", "kms:GenerateDataKey*"],
                        ["*"],  # in a key policy "*" is this key
                        sid="CloudWatchEncryptsAlarms",
                        principals={"Service": CLOUDWATCH},
                        conditions=policies.same_account(args.account_id),
                    ),
                ]
            ),
            tags=args.naming.tags("alarms"),
            # a production tier never schedules its keys for deletion by a rename
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )

    def _topic(
        self, kind: str, key_arn: pulumi.Input[str], subscribers: SubscriberSettings
    ) -> aws.sns.Topic:
        args = self._args
        child = pulumi.ResourceOptions(parent=self)
        topic = aws.sns.Topic(
            f"{self._name}-{kind}",
            name=args.naming.physical("sns-topic", kind),
            kms_master_key_id=key_arn,
            tags=args.naming.tags(kind),
            opts=child,
        )
        aws.sns.TopicPolicy(
            f"{self._name}-{kind}",
            arn=topic.arn,
            policy=policies.document(
                [
                    policies.statement(
                        ["sns:Publish"],
                        [topic.arn],
                        sid="CloudWatchPublishes",
                        principals={"Service": CLOUDWATCH},
                        conditions=policies.same_account(args.account_id),
                    )
                ]
            ),
            opts=child,
        )
        endpoints = [("email", e) for e in subscribers.emails] + [
            ("https", url) for url in subscribers.https_endpoints
        ]
        for index, (protocol, endpoint) in enumerate(endpoints):
            aws.sns.TopicSubscription(
                f"{self._name}-{kind}-{protocol}-{index}",
                topic=topic.arn,
                protocol=protocol,
                endpoint=endpoint,
                opts=child,
            )
        return topic
