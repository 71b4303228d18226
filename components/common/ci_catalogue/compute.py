"""ECS, load balancing, Auto Scaling, Application Auto Scaling, Cloud Map, WAF, ACM, Route 53.
Provider files are in hashicorp/terraform-provider-aws (pulumi-aws 7.51.1 bridges v6)."""

from __future__ import annotations

from components.common.ci_catalogue.base import (
    AUTO_SCALING_GROUPS,
    GENERATED_IDS,
    HOSTED_ZONES,
    NO_RESOURCE_LEVEL,
    ROLES,
    ROUTE53_CHANGES,
    SERVICE_LINKED_ROLES,
    Entry,
    Grant,
    svc,
)


def _simple(source: str, read: tuple[str, ...], write: tuple[str, ...]) -> Entry:
    return Entry(source, (Grant(read),), (Grant(write, (GENERATED_IDS,)),))


# ECS: capacity providers are named `<pool>-<prefix>` and RegisterTaskDefinition has no
# resource-level permission, so ECS writes stay on `*` (GENERATED_IDS / NO_RESOURCE_LEVEL).
# Tags: every ECS Read asks its Describe* call to include TAGS and hands them to setTagsOut, so
# the transparent-tagging interceptor (internal/provider/sdkv2/tags_interceptor.go) never calls
# ListTagsForResource; tags are written on create (or createTags -> TagResource) and changed by
# updateTags (TagResource/UntagResource, internal/service/ecs/tags_gen.go).
_ECS_TAGS = svc("ecs", "TagResource", "UntagResource")
# Creating ECS resources makes ECS create its service-linked role on first use.
_ECS_SERVICE_LINKED = Grant(("iam:CreateServiceLinkedRole",), (SERVICE_LINKED_ROLES,))
# ELBv2: every resource's read also calls DescribeTags (internal/service/elbv2/tags_gen.go).
_ELB_TAGS = svc("elasticloadbalancing", "AddTags", "RemoveTags")

COMPUTE: dict[str, Entry] = {
    # cluster.go: resourceClusterCreate (retryClusterCreate -> CreateCluster, waitClusterAvailable),
    # Read (findClusterByNameOrARN -> DescribeClusters include TAGS), Update (UpdateCluster),
    # Delete (DeleteCluster, waitClusterDeleted). v6 has no capacity_providers argument here.
    "aws:ecs/cluster:Cluster": Entry(
        "internal/service/ecs/cluster.go",
        (Grant(svc("ecs", "DescribeClusters")),),
        (Grant(svc("ecs", "CreateCluster", "UpdateCluster", "DeleteCluster") + _ECS_TAGS,
               (GENERATED_IDS,)),
         _ECS_SERVICE_LINKED),
    ),
    # cluster_capacity_providers.go: Put (create/update/delete) -> PutClusterCapacityProviders,
    # waitClusterAvailable and Read -> findClusterByNameOrARN (DescribeClusters).
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": _simple(
        "internal/service/ecs/cluster_capacity_providers.go",
        svc("ecs", "DescribeClusters"),
        svc("ecs", "PutClusterCapacityProviders"),
    ),
    # capacity_provider.go: Create (CreateCapacityProvider), Read (findCapacityProviderByARN ->
    # DescribeCapacityProviders include TAGS), Update (UpdateCapacityProvider,
    # waitCapacityProviderUpdated), Delete (DeleteCapacityProvider, waitCapacityProviderDeleted).
    "aws:ecs/capacityProvider:CapacityProvider": Entry(
        "internal/service/ecs/capacity_provider.go",
        (Grant(svc("ecs", "DescribeCapacityProviders")),),
        (Grant(svc("ecs", "CreateCapacityProvider", "UpdateCapacityProvider",
                   "DeleteCapacityProvider") + _ECS_TAGS, (GENERATED_IDS,)),
         # ECS Managed Instances: the capacity provider is given the infrastructure role and
         # the instance profile's role (pass to ecs.amazonaws.com / ec2.amazonaws.com).
         Grant(("iam:PassRole",), (ROLES,))),
    ),
    # service.go: Create (retryServiceCreate -> CreateService), Read
    # (findServiceByTwoPartKeyWaitForActive -> DescribeServices include TAGS), Update
    # (UpdateService; waitServiceStable -> findServiceDeploymentBriefs pages
    # ListServiceDeployments, findDeploymentStatus -> DescribeServiceDeployments; on SIGINT with
    # sigint_rollback, rollbackDeployment -> StopServiceDeployment), Delete (UpdateService to
    # drain, DeleteService, waitServiceInactive). The deployment calls are made by the
    # create/update waiters only, so they are write grants.
    "aws:ecs/service:Service": Entry(
        "internal/service/ecs/service.go",
        (Grant(svc("ecs", "DescribeServices")),),
        (Grant(svc("ecs", "CreateService", "UpdateService", "DeleteService",
                   "ListServiceDeployments", "DescribeServiceDeployments",
                   "StopServiceDeployment") + _ECS_TAGS,
               (GENERATED_IDS,)),
         # Blue/green: the service's infrastructure role for ELB target group shifts.
         Grant(("iam:PassRole",), (ROLES,)),
         _ECS_SERVICE_LINKED),
    ),
    # task_definition.go: Create (RegisterTaskDefinition with tags), Read
    # (findTaskDefinitionByFamilyOrARN -> DescribeTaskDefinition include TAGS), Update (tags
    # only), Delete (DeregisterTaskDefinition; DeleteTaskDefinitions is never called).
    "aws:ecs/taskDefinition:TaskDefinition": Entry(
        "internal/service/ecs/task_definition.go",
        (Grant(svc("ecs", "DescribeTaskDefinition")),),
        (Grant(svc("ecs", "RegisterTaskDefinition", "DeregisterTaskDefinition") + _ECS_TAGS,
               (NO_RESOURCE_LEVEL,)),
         # task_role_arn / execution_role_arn: passed to ecs-tasks.amazonaws.com.
         Grant(("iam:PassRole",), (ROLES,))),
    ),
    # load_balancer.go: Read (findLoadBalancerByARN, findLoadBalancerAttributesByARN, and for
    # ALB/NLB findCapacityReservationByARN -> DescribeCapacityReservation), Update
    # (modifyLoadBalancerAttributes, SetSecurityGroups, SetSubnets, SetIpAddressType,
    # modifyCapacityReservation when minimum_load_balancer_capacity changes,
    # waitLoadBalancerActive),
    # Delete (DeleteLoadBalancer, then waitFor{ALB,NLB}NetworkInterfacesToDetach on EC2).
    "aws:lb/loadBalancer:LoadBalancer": Entry(
        "internal/service/elbv2/load_balancer.go",
        (Grant(svc("elasticloadbalancing", "DescribeLoadBalancers",
                   "DescribeLoadBalancerAttributes", "DescribeCapacityReservation",
                   "DescribeTags")
               + svc("ec2", "DescribeNetworkInterfaces")),),  # delete waits for its ENIs
        (Grant(svc("elasticloadbalancing", "CreateLoadBalancer", "DeleteLoadBalancer",
                   "ModifyLoadBalancerAttributes", "ModifyCapacityReservation",
                   "SetSecurityGroups", "SetSubnets", "SetIpAddressType") + _ELB_TAGS,
               (GENERATED_IDS,)),
         Grant(("iam:CreateServiceLinkedRole",), (SERVICE_LINKED_ROLES,))),
    ),
    # target_group.go: Create (CreateTargetGroup, RetryWhenNotFound findTargetGroupByARN,
    # ModifyTargetGroupAttributes, createTags -> AddTags where tag-on-create fails), Read
    # (findTargetGroupByARN -> DescribeTargetGroups, findTargetGroupAttributesByARN), Update
    # (ModifyTargetGroup, ModifyTargetGroupAttributes), Delete (DeleteTargetGroup).
    "aws:lb/targetGroup:TargetGroup": _simple(
        "internal/service/elbv2/target_group.go",
        svc("elasticloadbalancing", "DescribeTargetGroups", "DescribeTargetGroupAttributes",
            "DescribeTags"),
        svc("elasticloadbalancing", "CreateTargetGroup", "ModifyTargetGroup",
            "ModifyTargetGroupAttributes", "DeleteTargetGroup") + _ELB_TAGS,
    ),
    # listener.go: Create (retryListenerCreate -> CreateListener, RetryWhenNotFound
    # findListenerByARN, createTags, modifyListenerAttributes), Read (findListenerByARN ->
    # DescribeListeners; findListenerAttributesByARN -> DescribeListenerAttributes unless TLS),
    # Update (ModifyListener, modifyListenerAttributes), Delete (DeleteListener).
    "aws:lb/listener:Listener": _simple(
        "internal/service/elbv2/listener.go",
        svc("elasticloadbalancing", "DescribeListeners", "DescribeListenerAttributes",
            "DescribeTags"),
        svc("elasticloadbalancing", "CreateListener", "ModifyListener",
            "ModifyListenerAttributes", "DeleteListener") + _ELB_TAGS,
    ),
    # listener_rule.go: Create (retryListenerRuleCreate -> CreateRule; without a priority,
    # highestListenerRulePriority -> DescribeRules), Read (findListenerRuleByARN ->
    # DescribeRules), Update (SetRulePriorities, ModifyRule), Delete (DeleteRule).
    "aws:lb/listenerRule:ListenerRule": _simple(
        "internal/service/elbv2/listener_rule.go",
        svc("elasticloadbalancing", "DescribeRules", "DescribeTags"),
        svc("elasticloadbalancing", "CreateRule", "ModifyRule", "SetRulePriorities",
            "DeleteRule") + _ELB_TAGS,
    ),
    # listener_certificate.go: Create (AddListenerCertificates), Read
    # (findListenerCertificateByTwoPartKey -> DescribeListenerCertificates), Delete
    # (RemoveListenerCertificates). No tags, no update.
    "aws:lb/listenerCertificate:ListenerCertificate": _simple(
        "internal/service/elbv2/listener_certificate.go",
        svc("elasticloadbalancing", "DescribeListenerCertificates"),
        svc("elasticloadbalancing", "AddListenerCertificates", "RemoveListenerCertificates"),
    ),
    "aws:autoscaling/group:Group": Entry(
        "internal/service/autoscaling/group.go",
        (Grant(svc("autoscaling", "DescribeAutoScalingGroups", "DescribeInstanceRefreshes",
                   "DescribeLoadBalancers", "DescribeLoadBalancerTargetGroups",
                   "DescribeTrafficSources", "DescribeWarmPool", "DescribeLifecycleHooks",
                   "DescribeScalingActivities")
               + svc("elasticloadbalancing", "DescribeTargetHealth")),),  # capacity waiter
        (
            # A new launch template version starts an instance refresh (after cancelling a
            # running one): resourceGroupUpdate -> startInstanceRefresh/cancelInstanceRefresh.
            Grant(svc("autoscaling", "CreateAutoScalingGroup", "UpdateAutoScalingGroup",
                      "DeleteAutoScalingGroup", "SetInstanceProtection", "StartInstanceRefresh",
                      "CancelInstanceRefresh", "EnableMetricsCollection",
                      "DisableMetricsCollection", "SuspendProcesses", "ResumeProcesses",
                      "PutWarmPool", "DeleteWarmPool", "PutLifecycleHook",
                      "AttachTrafficSources", "DetachTrafficSources", "CreateOrUpdateTags",
                      "DeleteTags"),
                  (AUTO_SCALING_GROUPS,)),
            # A group with a launch template: the caller must be allowed to launch from it
            # and pass its instance profile's role (AWS Auto Scaling user guide, "Permissions
            # to use launch templates").
            Grant(svc("ec2", "RunInstances", "CreateTags"), (GENERATED_IDS,)),
            Grant(("iam:PassRole",), (ROLES,)),
            Grant(("iam:CreateServiceLinkedRole",), (SERVICE_LINKED_ROLES,)),
        ),
    ),
    "aws:appautoscaling/target:Target": Entry(
        "internal/service/appautoscaling/target.go",
        (Grant(svc("application-autoscaling", "DescribeScalableTargets",
                   "ListTagsForResource")),),
        (Grant(svc("application-autoscaling", "RegisterScalableTarget",
                   "DeregisterScalableTarget", "TagResource", "UntagResource"),
               (GENERATED_IDS,)),
         Grant(("iam:CreateServiceLinkedRole",), (SERVICE_LINKED_ROLES,))),
    ),
    "aws:appautoscaling/policy:Policy": _simple(
        "internal/service/appautoscaling/policy.go",
        svc("application-autoscaling", "DescribeScalingPolicies"),
        svc("application-autoscaling", "PutScalingPolicy", "DeleteScalingPolicy"),
    ),
    "aws:appautoscaling/scheduledAction:ScheduledAction": _simple(
        "internal/service/appautoscaling/scheduled_action.go",
        svc("application-autoscaling", "DescribeScheduledActions"),
        svc("application-autoscaling", "PutScheduledAction", "DeleteScheduledAction"),
    ),
    "aws:servicediscovery/httpNamespace:HttpNamespace": _simple(
        "internal/service/servicediscovery/http_namespace.go",
        svc("servicediscovery", "GetNamespace", "ListNamespaces", "GetOperation",
            "ListTagsForResource"),
        svc("servicediscovery", "CreateHttpNamespace", "UpdateHttpNamespace", "DeleteNamespace",
            "TagResource", "UntagResource"),
    ),
    # WAF: Create/UpdateWebACL also authorize on the AWS-managed rule groups the ACL names,
    # whose ARNs the program does not hold: `*`.
    "aws:wafv2/webAcl:WebAcl": _simple(
        "internal/service/wafv2/web_acl.go",
        svc("wafv2", "GetWebACL", "ListTagsForResource"),
        svc("wafv2", "CreateWebACL", "UpdateWebACL", "DeleteWebACL", "TagResource",
            "UntagResource"),
    ),
    "aws:wafv2/webAclAssociation:WebAclAssociation": _simple(
        "internal/service/wafv2/web_acl_association.go",
        svc("wafv2", "GetWebACLForResource"),
        # Associating with an ALB also needs elasticloadbalancing:SetWebACL (AWS WAF developer
        # guide, "AssociateWebACL").
        svc("wafv2", "AssociateWebACL", "DisassociateWebACL")
        + svc("elasticloadbalancing", "SetWebACL"),
    ),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": _simple(
        "internal/service/wafv2/web_acl_logging_configuration.go",
        svc("wafv2", "GetLoggingConfiguration"),
        # Logging to CloudWatch Logs: WAF writes the log group's resource policy for the
        # caller (AWS WAF developer guide, "Permissions required to publish logs").
        svc("wafv2", "PutLoggingConfiguration", "DeleteLoggingConfiguration")
        + svc("logs", "CreateLogDelivery", "DeleteLogDelivery", "PutResourcePolicy",
              "DescribeResourcePolicies", "DescribeLogGroups"),
    ),
    "aws:acm/certificate:Certificate": _simple(
        "internal/service/acm/certificate.go",
        svc("acm", "DescribeCertificate", "ListTagsForCertificate"),
        svc("acm", "RequestCertificate", "DeleteCertificate", "AddTagsToCertificate",
            "RemoveTagsFromCertificate", "UpdateCertificateOptions"),
    ),
    # Only waits for the certificate to be issued: reads on create, nothing to delete.
    "aws:acm/certificateValidation:CertificateValidation": Entry(
        "internal/service/acm/certificate_validation.go",
        (Grant(svc("acm", "DescribeCertificate")),),
    ),
    "aws:route53/record:Record": Entry(
        "internal/service/route53/record.go",
        (Grant(svc("route53", "ListResourceRecordSets", "GetHostedZone"), (HOSTED_ZONES,)),
         Grant(svc("route53", "GetChange"), (ROUTE53_CHANGES,))),
        (Grant(svc("route53", "ChangeResourceRecordSets"), (HOSTED_ZONES,)),),
    ),
}  # fmt: skip
