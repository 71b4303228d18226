"""Edits of recorded resources that break or fix one rule, for the per-policy tests."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple

from policy_offline import Resource

Edit = Callable[[list[Resource]], list[Resource]]


def edit(type_: str, name: str, change: Callable[[dict[str, Any]], Any]) -> Edit:
    """Apply `change` to a deep copy of the props of resource (type_, name)."""

    def apply(resources: list[Resource]) -> list[Resource]:
        out = []
        for r in resources:
            if (r.type, r.name) == (type_, name):
                props = copy.deepcopy(dict(r.props))
                change(props)
                r = replace(r, props=props)
            out.append(r)
        return out

    return apply


def containers(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], None]:
    """A props change that edits every container definition (a JSON string)."""

    def apply(props: dict[str, Any]) -> None:
        defs = json.loads(props["containerDefinitions"])
        for container in defs:
            change(container)
        props["containerDefinitions"] = json.dumps(defs)

    return apply


def protect(type_: str, name: str, value: bool) -> Edit:
    return lambda rs: [
        replace(r, protect=value) if (r.type, r.name) == (type_, name) else r for r in rs
    ]


def drop(type_: str, name: str) -> Edit:
    return lambda rs: [r for r in rs if (r.type, r.name) != (type_, name)]


def add_setting(
    type_: str, name: str, prop: str, target: tuple[str, str], props: dict[str, Any]
) -> Edit:
    """Add a resource whose `prop` comes from `target` (like a BucketVersioning of a bucket)."""

    def apply(resources: list[Resource]) -> list[Resource]:
        urn = next(r.urn for r in resources if (r.type, r.name) == target)
        stack = urn.split("::")[0]
        added = Resource(
            type_,
            name,
            f"{stack}::ecs-platform::{type_}::{name}",
            {prop: "id-of-target", **props},
            property_dependencies={prop: [urn]},
        )
        return [*resources, added]

    return apply


def setter(*path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(props: dict[str, Any]) -> None:
        node = props
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    return apply


def remover(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda props: props.pop(key, None)


# -- the resources the cases edit, and the edits they share ---------------------------------------
TD, SVC, LT, ASG = (
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:ecs/service:Service",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:autoscaling/group:Group",
)
LB, LISTENER, SG, LOGS = (
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/listener:Listener",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:cloudwatch/logGroup:LogGroup",
)
REPO, KEY, BUCKET = ("aws:ecr/repository:Repository", "aws:kms/key:Key", "aws:s3/bucket:Bucket")
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
WORLD_UDP = [{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 53, "toPort": 53, "protocol": "udp"}]
WORLD_HTTPS = [{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 443, "toPort": 443, "protocol": "tcp"}]
SSH = {"cidrBlocks": ["0.0.0.0/0"], "fromPort": 22, "toPort": 22, "protocol": "tcp"}
KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


RULE = "aws:lb/listenerRule:ListenerRule"


def shifting(service: str) -> Edit:
    """The service on canary with its advancedConfiguration naming its rule (as the component
    builds it: the rule's URN among the loadBalancers' property dependencies)."""

    def apply(resources: list[Resource]) -> list[Resource]:
        canary = edit(SVC, service, setter("deploymentConfiguration", "strategy", value="CANARY"))
        rule = next(r.urn for r in resources if (r.type, r.name) == (RULE, f"{service}-route"))
        return [
            replace(
                r,
                property_dependencies={
                    **r.property_dependencies,
                    "loadBalancers": [*r.property_dependencies.get("loadBalancers", []), rule],
                },
            )
            if (r.type, r.name) == (SVC, service)
            else r
            for r in canary(resources)
        ]

    return apply


class Case(NamedTuple):
    flagged: tuple[str, str]  # the resource the finding names
    breaks: Edit
    fixes: Edit | None = None  # for findings prod has today (known gaps, waivers)


def td(change: Any) -> Edit:
    return edit(TD, "api-task", containers(change))


def abort_uploads(props: dict[str, Any]) -> None:
    props["rules"][0]["abortIncompleteMultipartUpload"] = {"daysAfterInitiation": 7}


def with_policy(document: dict[str, Any]) -> Any:
    return setter("policy", value=json.dumps(document))
