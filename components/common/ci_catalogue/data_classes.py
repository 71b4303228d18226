"""What each resource type holds, beside the permission catalogue: the plan diff's data-loss
hazards are derived from this table, never from a list typed into the risk code.

- `data`: deleting or replacing the resource loses what is in it (messages, log events,
  images, objects, files, secret values, or what a key encrypts). A production stack blocks it
  (review/risks/data_loss.py).
- `identity`: nothing is stored in it, but something outside the stack holds its name, ARN or
  address (a trust policy, a DNS delegation, an allow-list, a subscriber): a new one is not the
  same thing to them. Flagged in every tier.
- `neither`: the stack file declares all of it; a new one is the same thing.

tests/components/test_ci_catalogue.py fails, naming the type, when a type a fixture registers
is not classified here (as it does for a type without a catalogue entry). Types no fixture
registers yet are classified ahead of the features that add them (EFS file systems, Secrets
Manager secrets).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DataClass = Literal["data", "identity", "neither"]


@dataclass(frozen=True)
class Holds:
    kind: DataClass
    what: str = ""  # what is lost or changes for others, as a reviewer reads it


NEITHER = Holds("neither")

DATA_CLASSES: dict[str, Holds] = {
    # -- data ------------------------------------------------------------------------------
    "aws:sqs/queue:Queue": Holds("data", "the messages waiting in it"),
    "aws:cloudwatch/logGroup:LogGroup": Holds("data", "its log events"),
    "aws:ecr/repository:Repository": Holds("data", "its images"),
    "aws:s3/bucket:Bucket": Holds("data", "its objects"),
    "aws:s3/bucketV2:BucketV2": Holds("data", "its objects"),
    # A deleted key makes everything it encrypted unreadable (logs, queues, exec sessions).
    "aws:kms/key:Key": Holds("data", "the only way to read what it encrypted"),
    "aws:efs/fileSystem:FileSystem": Holds("data", "its files"),
    "aws:secretsmanager/secret:Secret": Holds("data", "its secret value"),
    # -- identity --------------------------------------------------------------------------
    "aws:iam/role:Role": Holds("identity", "its ARN, which trust and resource policies name"),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": Holds(
        "identity", "the account's one provider for its URL, which the CI roles trust"
    ),
    "aws:sns/topic:Topic": Holds(
        "identity", "its ARN, which publishers use; email and HTTPS subscribers confirm again"
    ),
    "aws:lb/loadBalancer:LoadBalancer": Holds(
        "identity", "its DNS name, which records outside the stack may point at"
    ),
    "aws:ec2/eip:Eip": Holds("identity", "its public address, which others may allow-list"),
    "aws:ec2/vpc:Vpc": Holds("identity", "its id, which peerings and other stacks use"),
    "awsx:ec2:Vpc": Holds("identity", "its VPC id, which peerings and other stacks use"),
    "aws:ecs/cluster:Cluster": Holds("identity", "its name, which deploy tooling and roles use"),
    "aws:servicediscovery/httpNamespace:HttpNamespace": Holds(
        "identity", "the namespace services find each other in"
    ),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": Holds(
        "identity", "the namespace services find each other in"
    ),
    "aws:route53/zone:Zone": Holds(
        "identity", "its name servers, which the parent domain delegates to"
    ),
    "aws:sfn/stateMachine:StateMachine": Holds(
        "identity",
        "its ARN, which starts runs from outside the stack (ecs-platform job run, other"
        " schedules); a new one starts without the old one's execution history",
    ),
    # -- neither: declared in full by the stack file ------------------------------------------
    **{
        type_: NEITHER
        for type_ in (
            "aws:acm/certificate:Certificate",  # issued again through DNS validation
            "aws:acm/certificateValidation:CertificateValidation",
            "aws:appautoscaling/policy:Policy",
            "aws:appautoscaling/scheduledAction:ScheduledAction",
            "aws:appautoscaling/target:Target",
            "aws:autoscaling/group:Group",
            "aws:cloudwatch/dashboard:Dashboard",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
            "aws:ec2/flowLog:FlowLog",
            "aws:ec2/internetGateway:InternetGateway",
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:ec2/natGateway:NatGateway",  # its address is the Eip's
            "aws:ec2/networkInterface:NetworkInterface",
            "aws:ec2/route:Route",
            "aws:ec2/routeTable:RouteTable",
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ec2/subnet:Subnet",
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "aws:ecr/lifecyclePolicy:LifecyclePolicy",
            "aws:ecr/repositoryPolicy:RepositoryPolicy",
            "aws:ecs/capacityProvider:CapacityProvider",
            "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
            "aws:ecs/service:Service",
            "aws:ecs/taskDefinition:TaskDefinition",  # old revisions stay (INACTIVE)
            # the files are the file system's: a new access point on the same path reaches them
            "aws:efs/accessPoint:AccessPoint",
            "aws:efs/backupPolicy:BackupPolicy",
            "aws:efs/fileSystemPolicy:FileSystemPolicy",
            "aws:efs/mountTarget:MountTarget",  # clients mount by the file system's DNS name
            "aws:iam/instanceProfile:InstanceProfile",
            "aws:iam/policy:Policy",
            "aws:iam/rolePolicy:RolePolicy",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:kms/alias:Alias",
            "aws:lb/listener:Listener",
            "aws:lb/listenerCertificate:ListenerCertificate",
            "aws:lb/listenerRule:ListenerRule",
            "aws:lb/targetGroup:TargetGroup",
            "aws:route53/record:Record",  # declared in full; re-created from the stack file
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketVersioning:BucketVersioning",
            "aws:scheduler/schedule:Schedule",
            "aws:sns/topicPolicy:TopicPolicy",
            "aws:sns/topicSubscription:TopicSubscription",
            "aws:sqs/queuePolicy:QueuePolicy",
            "aws:sqs/redrivePolicy:RedrivePolicy",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "aws:wafv2/webAcl:WebAcl",
            "aws:wafv2/webAclAssociation:WebAclAssociation",
            "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        )
    },
}


def holds(type_: str) -> Holds:
    """The type's class; `neither` for a type not in the table (the coverage test keeps every
    registered type in it, so this default only meets types no program registers)."""
    return DATA_CLASSES.get(type_, NEITHER)
