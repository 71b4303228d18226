"""IAM, KMS, CloudWatch (logs, alarms, dashboards), ECR, S3, SNS, SQS: the resources named
with the stack prefix, so their grants are bound to it. Provider files are in
hashicorp/terraform-provider-aws (pulumi-aws 7.51.1 bridges v6)."""

from __future__ import annotations

from components.common.ci_catalogue.base import (
    ALARMS,
    BUCKETS,
    DASHBOARD,
    DASHBOARDS,
    ECR_REPOSITORIES,
    KMS_ALIASES,
    KMS_KEYS,
    LOG_GROUPS,
    NO_RESOURCE_LEVEL,
    OIDC_PROVIDER,
    POLICIES,
    QUEUES,
    ROLES,
    STACK_INSTANCE_PROFILES,
    STACK_ROLES,
    TOPICS,
    Entry,
    Grant,
    svc,
)


def _scoped(
    source: str, scope: tuple[str, ...], read: tuple[str, ...], write: tuple[str, ...]
) -> Entry:
    return Entry(source, (Grant(read, scope),), (Grant(write, scope),) if write else ())


# Queues are named by URL: no call resolves a name (GetQueueUrl is never made).
_QUEUE_READ = svc("sqs", "GetQueueAttributes")
_BUCKET = (BUCKETS,)

# IAM tags: every IAM Read below takes the tags from its Get* answer (setTagsOut), so the
# tags interceptor never calls List*Tags; Tag*/Untag* come from create-time tagging fallbacks
# and updateTags (internal/service/iam/tags.go).
DATA: dict[str, Entry] = {
    # role.go: Create (retryCreateRole -> CreateRole, roleCreateTags -> TagRole), Read
    # (findRoleByName -> GetRole, tags from it; waitRoleARNIsNotUniqueID; readRoleInlinePolicies
    # -> ListRolePolicies + GetRolePolicy; findRoleAttachedPolicies -> ListAttachedRolePolicies),
    # Update (UpdateAssumeRolePolicy, UpdateRoleDescription, UpdateRole), Delete (deleteRole:
    # deleteRoleInstanceProfiles -> ListInstanceProfilesForRole + RemoveRoleFromInstanceProfile;
    # with force_detach_policies DetachRolePolicy/DeleteRolePolicy; DeleteRole). The program sets
    # no inline_policy, managed_policy_arns or permissions_boundary, so PutRolePolicy,
    # AttachRolePolicy and Put/DeleteRolePermissionsBoundary are not granted here.
    "aws:iam/role:Role": Entry(
        "internal/service/iam/role.go",
        (Grant(svc("iam", "GetRole", "ListRolePolicies", "GetRolePolicy",
                   "ListAttachedRolePolicies"), STACK_ROLES),),
        # Delete leaves its instance profiles first (RemoveRoleFromInstanceProfile authorizes
        # on the instance profile).
        (Grant(svc("iam", "CreateRole", "DeleteRole", "UpdateRole", "UpdateRoleDescription",
                   "UpdateAssumeRolePolicy", "TagRole", "UntagRole", "DeleteRolePolicy",
                   "DetachRolePolicy", "ListInstanceProfilesForRole"), STACK_ROLES),
         Grant(svc("iam", "RemoveRoleFromInstanceProfile"), STACK_INSTANCE_PROFILES)),
    ),
    # role_policy.go: Put (create/update: PutRolePolicy, then RetryWhenNotFound
    # findRolePolicyByTwoPartKey), Read (findRolePolicyByTwoPartKey -> GetRolePolicy), Delete
    # (DeleteRolePolicy). No tags.
    "aws:iam/rolePolicy:RolePolicy": _scoped(
        "internal/service/iam/role_policy.go", STACK_ROLES,
        svc("iam", "GetRolePolicy"), svc("iam", "PutRolePolicy", "DeleteRolePolicy"),
    ),
    # policy.go: Create (CreatePolicy, policyCreateTags -> TagPolicy), Read (findPolicyByARN ->
    # GetPolicy, tags from it; findPolicyVersionByTwoPartKey -> GetPolicyVersion), Update
    # (policyPruneVersions -> ListPolicyVersions + DeletePolicyVersion; CreatePolicyVersion;
    # SetDefaultPolicyVersion only with delay_after_policy_creation_in_ms, which the program does
    # not set), Delete (findPolicyVersionsByARN -> ListPolicyVersions, DeletePolicyVersion,
    # DeletePolicy).
    "aws:iam/policy:Policy": _scoped(
        "internal/service/iam/policy.go", (POLICIES,),
        svc("iam", "GetPolicy", "GetPolicyVersion"),
        svc("iam", "CreatePolicy", "CreatePolicyVersion", "ListPolicyVersions",
            "DeletePolicyVersion", "DeletePolicy", "TagPolicy", "UntagPolicy"),
    ),
    # role_policy_attachment.go: Create (attachPolicyToRole -> AttachRolePolicy), Read
    # (findAttachedRolePolicyByTwoPartKey -> ListAttachedRolePolicies), Delete
    # (detachPolicyFromRole -> DetachRolePolicy). Both authorize on the role.
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _scoped(
        "internal/service/iam/role_policy_attachment.go", STACK_ROLES,
        svc("iam", "ListAttachedRolePolicies"),
        svc("iam", "AttachRolePolicy", "DetachRolePolicy"),
    ),
    # instance_profile.go: Create (CreateInstanceProfile, RetryWhenNotFound
    # findInstanceProfileByName, instanceProfileAddRole -> AddRoleToInstanceProfile,
    # instanceProfileCreateTags -> TagInstanceProfile), Read (findInstanceProfileByName ->
    # GetInstanceProfile, tags from it; findRoleByName -> GetRole on its role, and
    # RemoveRoleFromInstanceProfile if that role is gone), Update (instanceProfileRemoveRole,
    # instanceProfileAddRole), Delete (instanceProfileRemoveRole, DeleteInstanceProfile).
    "aws:iam/instanceProfile:InstanceProfile": Entry(
        "internal/service/iam/instance_profile.go",
        (Grant(svc("iam", "GetInstanceProfile"), STACK_INSTANCE_PROFILES),
         Grant(svc("iam", "GetRole"), STACK_ROLES)),
        (Grant(svc("iam", "CreateInstanceProfile", "DeleteInstanceProfile",
                   "AddRoleToInstanceProfile", "RemoveRoleFromInstanceProfile",
                   "TagInstanceProfile", "UntagInstanceProfile"), STACK_INSTANCE_PROFILES),
         # AddRoleToInstanceProfile passes the role (IAM user guide, "Using instance profiles").
         Grant(("iam:PassRole",), (ROLES,))),
    ),
    # openid_connect_provider.go: Read (findOpenIDConnectProviderByARN ->
    # GetOpenIDConnectProvider, tags from it). Created and changed by a person only (ciAccess
    # changes are not applied by CI): the deploy role reads it on refresh and has no write here.
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": Entry(
        "internal/service/iam/openid_connect_provider.go",
        (Grant(svc("iam", "GetOpenIDConnectProvider"), (OIDC_PROVIDER,)),),
    ),
    "aws:kms/key:Key": Entry(
        "internal/service/kms/key.go",
        (Grant(svc("kms", "DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus",
                   "ListResourceTags"), (KMS_KEYS,)),),
        (Grant(svc("kms", "CreateKey"), (NO_RESOURCE_LEVEL,)),
         Grant(svc("kms", "PutKeyPolicy", "EnableKeyRotation", "DisableKeyRotation",
                   "UpdateKeyDescription", "ScheduleKeyDeletion", "EnableKey", "DisableKey",
                   "TagResource", "UntagResource"), (KMS_KEYS,))),
    ),
    # findAliasByName pages through ListAliases (internal/service/kms/alias.go), which has no
    # resource-level permission; Create/Update/DeleteAlias authorize on the alias and the key.
    "aws:kms/alias:Alias": Entry(
        "internal/service/kms/alias.go",
        (Grant(svc("kms", "ListAliases"), (NO_RESOURCE_LEVEL,)),),
        (Grant(svc("kms", "CreateAlias", "UpdateAlias", "DeleteAlias"), (KMS_ALIASES, KMS_KEYS)),),
    ),
    # logs/group.go: Create (CreateLogGroup with tags and deletion protection,
    # PutRetentionPolicy), Read (findLogGroupByName -> DescribeLogGroups; Read sets no tags, so
    # the tags interceptor calls listTags -> ListTagsForResource, logs/tags_gen.go), Update
    # (Put/DeleteRetentionPolicy, PutLogGroupDeletionProtection, Associate/DisassociateKmsKey,
    # updateTags -> TagResource/UntagResource), Delete (DeleteLogGroup). The legacy
    # TagLogGroup/UntagLogGroup/ListTagsLogGroup are not called.
    "aws:cloudwatch/logGroup:LogGroup": Entry(
        "internal/service/logs/group.go",
        (Grant(svc("logs", "DescribeLogGroups"), (NO_RESOURCE_LEVEL,)),
         Grant(svc("logs", "ListTagsForResource"), (LOG_GROUPS,))),
        (Grant(svc("logs", "CreateLogGroup", "DeleteLogGroup", "PutRetentionPolicy",
                   "DeleteRetentionPolicy", "PutLogGroupDeletionProtection", "AssociateKmsKey",
                   "DisassociateKmsKey", "TagResource", "UntagResource"),
               (LOG_GROUPS,)),),
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": Entry(
        "internal/service/cloudwatch/metric_alarm.go",
        (Grant(svc("cloudwatch", "DescribeAlarms")),
         Grant(svc("cloudwatch", "ListTagsForResource"), (ALARMS,))),
        (Grant(svc("cloudwatch", "PutMetricAlarm", "DeleteAlarms", "TagResource",
                   "UntagResource"), (ALARMS,)),),
    ),
    "aws:cloudwatch/dashboard:Dashboard": _scoped(
        "internal/service/cloudwatch/dashboard.go", (DASHBOARD, DASHBOARDS),
        svc("cloudwatch", "GetDashboard"), svc("cloudwatch", "PutDashboard", "DeleteDashboards"),
    ),
    "aws:ecr/repository:Repository": Entry(
        "internal/service/ecr/repository.go",
        (Grant(svc("ecr", "DescribeRepositories", "ListTagsForResource"), (ECR_REPOSITORIES,)),),
        (Grant(svc("ecr", "CreateRepository", "DeleteRepository",
                   "PutImageScanningConfiguration", "PutImageTagMutability", "TagResource",
                   "UntagResource"), (ECR_REPOSITORIES,)),),
    ),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": _scoped(
        "internal/service/ecr/lifecycle_policy.go", (ECR_REPOSITORIES,),
        svc("ecr", "GetLifecyclePolicy"), svc("ecr", "PutLifecyclePolicy", "DeleteLifecyclePolicy"),
    ),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": _scoped(
        "internal/service/ecr/repository_policy.go", (ECR_REPOSITORIES,),
        svc("ecr", "GetRepositoryPolicy"),
        svc("ecr", "SetRepositoryPolicy", "DeleteRepositoryPolicy"),
    ),
    # resourceBucketRead: HeadBucket (IAM: s3:ListBucket) and one Get per bucket sub-resource.
    "aws:s3/bucket:Bucket": _scoped(
        "internal/service/s3/bucket.go", _BUCKET,
        svc("s3", "ListBucket", "GetBucketAcl", "GetBucketCORS", "GetBucketWebsite",
            "GetBucketVersioning", "GetAccelerateConfiguration", "GetBucketRequestPayment",
            "GetBucketLogging", "GetLifecycleConfiguration", "GetReplicationConfiguration",
            "GetEncryptionConfiguration", "GetBucketObjectLockConfiguration",
            "GetBucketTagging", "GetBucketPolicy", "GetBucketOwnershipControls",
            "GetBucketPublicAccessBlock"),
        svc("s3", "CreateBucket", "DeleteBucket", "PutBucketTagging", "PutBucketOwnershipControls"),
    ),
    "aws:s3/bucketPolicy:BucketPolicy": _scoped(
        "internal/service/s3/bucket_policy.go", _BUCKET,
        svc("s3", "GetBucketPolicy"), svc("s3", "PutBucketPolicy", "DeleteBucketPolicy"),
    ),
    # DeletePublicAccessBlock, DeleteBucketEncryption and DeleteBucketLifecycle are authorized
    # by the Put* action (IAM service authorization reference, Amazon S3).
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _scoped(
        "internal/service/s3/bucket_public_access_block.go", _BUCKET,
        svc("s3", "GetBucketPublicAccessBlock"), svc("s3", "PutBucketPublicAccessBlock"),
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        _scoped(
            "internal/service/s3/bucket_server_side_encryption_configuration.go", _BUCKET,
            svc("s3", "GetEncryptionConfiguration"), svc("s3", "PutEncryptionConfiguration"),
        ),
    "aws:s3/bucketVersioning:BucketVersioning": _scoped(
        "internal/service/s3/bucket_versioning.go", _BUCKET,
        svc("s3", "GetBucketVersioning"), svc("s3", "PutBucketVersioning"),
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _scoped(
        "internal/service/s3/bucket_lifecycle_configuration.go", _BUCKET,
        svc("s3", "GetLifecycleConfiguration"), svc("s3", "PutLifecycleConfiguration"),
    ),
    # sns/topic.go: Create (CreateTopic with tags, putTopicAttributes -> SetTopicAttributes per
    # attribute), Read (findTopicAttributesWithValidAWSPrincipalsByARN -> GetTopicAttributes;
    # Read sets no tags, so the interceptor calls ListTagsForResource), Update
    # (SetTopicAttributes, TagResource/UntagResource), Delete (DeleteTopic).
    "aws:sns/topic:Topic": _scoped(
        "internal/service/sns/topic.go", (TOPICS,),
        svc("sns", "GetTopicAttributes", "ListTagsForResource"),
        svc("sns", "CreateTopic", "SetTopicAttributes", "DeleteTopic", "TagResource",
            "UntagResource"),
    ),
    # topic_policy.go: Upsert (putTopicPolicy -> SetTopicAttributes), Read (GetTopicAttributes),
    # Delete (SetTopicAttributes back to the default policy).
    "aws:sns/topicPolicy:TopicPolicy": _scoped(
        "internal/service/sns/topic_policy.go", (TOPICS,),
        svc("sns", "GetTopicAttributes"), svc("sns", "SetTopicAttributes"),
    ),
    # topic_subscription.go: Create (Subscribe, waitSubscriptionConfirmed ->
    # GetSubscriptionAttributes), Read (findSubscriptionAttributesByARN ->
    # GetSubscriptionAttributes), Update (putSubscriptionAttributes -> SetSubscriptionAttributes),
    # Delete (Unsubscribe, waitSubscriptionDeleted). GetTopicAttributes is never called.
    # Get/SetSubscriptionAttributes and Unsubscribe have no resource-level permission (IAM
    # service authorization reference, Amazon SNS); Subscribe authorizes on the topic.
    "aws:sns/topicSubscription:TopicSubscription": Entry(
        "internal/service/sns/topic_subscription.go",
        (Grant(svc("sns", "GetSubscriptionAttributes"), (NO_RESOURCE_LEVEL,)),),
        (Grant(svc("sns", "SetSubscriptionAttributes", "Unsubscribe"), (NO_RESOURCE_LEVEL,)),
         Grant(svc("sns", "Subscribe"), (TOPICS,))),
    ),
    # sqs/queue.go: Create (CreateQueue with tags, waitQueueAttributesPropagated ->
    # GetQueueAttributes), Read (findQueueAttributesByURL -> GetQueueAttributes; Read sets no
    # tags, so the interceptor calls listTags -> ListQueueTags, sqs/tags_gen.go), Update
    # (SetQueueAttributes, updateTags -> TagQueue/UntagQueue), Delete (DeleteQueue,
    # waitQueueDeleted -> GetQueueAttributes).
    "aws:sqs/queue:Queue": _scoped(
        "internal/service/sqs/queue.go", (QUEUES,), (*_QUEUE_READ, "sqs:ListQueueTags"),
        svc("sqs", "CreateQueue", "SetQueueAttributes", "DeleteQueue", "TagQueue", "UntagQueue"),
    ),
    # queue_policy.go and queue_redrive_policy.go use queueAttributeHandler
    # (sqs/attribute_funcs.go): Upsert (SetQueueAttributes, waitQueueAttributesPropagated), Read
    # (findQueueAttributeByTwoPartKey -> GetQueueAttributes), Delete (SetQueueAttributes to "").
    "aws:sqs/queuePolicy:QueuePolicy": _scoped(
        "internal/service/sqs/queue_policy.go", (QUEUES,), _QUEUE_READ,
        svc("sqs", "SetQueueAttributes"),
    ),
    "aws:sqs/redrivePolicy:RedrivePolicy": _scoped(
        "internal/service/sqs/queue_redrive_policy.go", (QUEUES,), _QUEUE_READ,
        svc("sqs", "SetQueueAttributes"),
    ),
}  # fmt: skip
