"""Properties of the whole program: component structure, tags, outputs."""

from __future__ import annotations

from components import COMPONENT_TYPES, Job, SharedFileSystem
from harness.records import Synthesis

# AWS offers no tags on these.
UNTAGGABLE = {
    "aws:iam/rolePolicy:RolePolicy",
    "aws:ec2/route:Route",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:appautoscaling/policy:Policy",
    "aws:appautoscaling/scheduledAction:ScheduledAction",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:cloudwatch/dashboard:Dashboard",
    "aws:kms/alias:Alias",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    "aws:scheduler/schedule:Schedule",
}
COMPONENTS = COMPONENT_TYPES  # derived from the code, not a hand-kept list


def test_every_resource_belongs_to_a_platform_component(synthesis: Synthesis) -> None:
    stack_urn_suffix = "pulumi:pulumi:Stack::ecs-platform-" + synthesis.stack
    for resource in synthesis.resources:
        top = synthesis.top_component(resource)
        assert top is not None, resource.name
        assert top.type in COMPONENTS, resource.name
        assert top.parent.endswith(stack_urn_suffix)
    # Every component is composed; Job once per declared job, SharedFileSystem with an
    # `efs: create` volume (dev and prod declare neither).
    declared = COMPONENTS - {SharedFileSystem.TYPE}
    if not synthesis.outputs["jobStateMachineArns"]:
        declared -= {Job.TYPE}
    assert {r.type for r in synthesis.resources if r.parent.endswith(stack_urn_suffix)} == (
        declared
    )


def test_children_are_named_after_their_component(synthesis: Synthesis) -> None:
    for resource in synthesis.resources:
        top = synthesis.top_component(resource)
        assert top is not None
        assert resource.name == top.name or resource.name.startswith(f"{top.name}-")


def test_every_taggable_resource_carries_the_stack_tags(stack: str, synthesis: Synthesis) -> None:
    for resource in synthesis.resources:
        if resource.type in UNTAGGABLE or not (resource.custom or resource.remote):
            continue
        tags = resource.inputs.get("tags")
        assert tags is not None, resource.name
        if isinstance(tags, list):  # Auto Scaling groups take a list of tag blocks
            assert all(tag["propagateAtLaunch"] for tag in tags)
            tags = {tag["key"]: tag["value"] for tag in tags}
        assert tags["Environment"] == stack, resource.name
        assert tags["Project"] == "ecs-platform"
        assert tags["ManagedBy"] == "pulumi"
        assert tags["Name"].startswith(f"ecs-platform-{stack}"), resource.name


def test_only_production_protects_resources(synthesized) -> None:
    assert not [r.name for r in synthesized("dev").resources if r.protect]
    protected = sorted(r.name for r in synthesized("prod").resources if r.protect)
    # Everything that holds data or history: repositories, log groups, the access-log bucket,
    # the KMS keys; and the ALB (its DNS name is what clients know).
    assert protected == sorted(
        [
            "registry-api",
            "registry-worker",
            "network-flow-logs",
            "cluster-exec-logs",
            "api-logs",
            "worker-logs",
            "alb-waf-logs",
            "alb-access-logs",
            "logs-key",
            "notifications-key",
            "alb",
        ]
    )


def test_task_definition_arns_are_exported_for_the_rollout_check(synthesis: Synthesis) -> None:
    """The deploy workflow compares the PRIMARY deployment with these (delivery/rollout_check)."""
    exported = synthesis.outputs["taskDefinitionArns"]
    assert set(exported) == set(synthesis.outputs["serviceNames"])
    definitions = {
        r.outputs["arn"] for r in synthesis.of_type("aws:ecs/taskDefinition:TaskDefinition")
    }
    assert set(exported.values()) == definitions
