"""ecs-platform: loads the stack's settings, composes the components, exports the outputs."""

import pulumi
import pulumi_aws as aws

from components.ci_access import CiAccess, CiAccessArgs
from components.cluster import Cluster, ClusterArgs
from components.common.alarms import AlarmTarget
from components.common.dashboard import DashboardJob, DashboardService
from components.common.naming import Naming
from components.domain import Certificates, CertificatesArgs, Hostnames, HostnamesArgs
from components.environment_alarms import (
    EnvironmentAlarms,
    EnvironmentAlarmsArgs,
    ManagedPoolAlarmArgs,
    PoolAlarmArgs,
)
from components.existing import look_up
from components.file_system import FileSystemArgs, SharedFileSystem, VolumeClaim
from components.job import Job, JobArgs
from components.load_balancer import LoadBalancer, LoadBalancerArgs, existing_route_target
from components.log_encryption import LogKey, LogKeyArgs
from components.network import Network, NetworkArgs
from components.notifications import Notifications, NotificationsArgs
from components.peering import ServicePeering, ServicePeeringArgs
from components.registry import Registry, RegistryArgs
from components.service import Service, ServiceArgs
from components.service.queue import plan_queues, stack_key_statements
from settings.domain import plan_zones, service_urls
from settings.loader import check_looked_up, load_settings

settings = load_settings()
# network.existing, loadBalancer.existing: what AWS says of them, checked before any resource
looked_up = look_up(settings)
check_looked_up(settings, looked_up)
naming = Naming(project=settings.project, stack=settings.stack, base_tags=settings.tags)
account_id = aws.get_caller_identity_output().account_id

log_key_arn = (
    LogKey(
        "logs",
        LogKeyArgs(
            naming=naming,
            region=settings.region,
            account_id=account_id,
            protect=settings.is_production,
            extra_statements=stack_key_statements(settings.services),
        ),
    ).key_arn
    if settings.log_encryption
    else None
)
network = Network(
    "network",
    NetworkArgs(
        settings=settings.network,
        naming=naming,
        region=settings.region,
        account_id=account_id,
        kms_key_id=log_key_arn,
        protect=settings.is_production,
        looked_up=looked_up,
    ),
)
registry = Registry(
    "registry",
    RegistryArgs(
        settings=settings.registry,
        repositories=settings.repository_names,
        naming=naming,
        protect=settings.is_production,
    ),
)
cluster = Cluster(
    "cluster",
    ClusterArgs(
        settings=settings.cluster,
        naming=naming,
        vpc_id=network.vpc_id,
        private_subnet_ids=network.private_subnet_ids,
        kms_key_id=log_key_arn,
        protect=settings.is_production,
    ),
)
domain = settings.load_balancer.domain
routes = {
    name: (service.routing.host_headers, service.routing.path_patterns)
    for name, service in settings.services.items()
    if service.routing is not None
}
zones = plan_zones(domain, {name: hosts for name, (hosts, _) in routes.items()}) if domain else []
certificates = (
    Certificates(
        "certificates",
        CertificatesArgs(zones=zones, naming=naming, protect=settings.is_production),
    )
    if domain
    else None
)
load_balancer = (
    LoadBalancer(
        "alb",
        LoadBalancerArgs(
            settings=settings.load_balancer,
            naming=naming,
            vpc_id=network.vpc_id,
            vpc_cidr=network.cidr_block,
            public_subnet_ids=network.public_subnet_ids,
            private_subnet_ids=network.private_subnet_ids,
            account_id=account_id,
            protect=settings.is_production,
            kms_key_id=log_key_arn,
            region=settings.region,
            certificate_arn=certificates.certificate_arn if certificates else None,
        ),
    )
    if settings.load_balancer.creates_load_balancer
    else None
)
# loadBalancer.existing: the routes become rules on the team's listener
route_target = (
    load_balancer.route_target
    if load_balancer is not None
    else existing_route_target(settings.load_balancer, looked_up)
)
if certificates is not None and load_balancer is not None:
    Hostnames(
        "hostnames",
        HostnamesArgs(
            zones=zones,
            zone_ids=certificates.zone_ids,
            alias_dns_name=load_balancer.dns_name,
            alias_zone_id=load_balancer.zone_id,
            listener_arn=load_balancer.listener_arn,
            protect=settings.is_production,
            dual_stack=load_balancer.dual_stack,
            additional_certificate_arns=certificates.additional_certificate_arns,
        ),
    )
notifications = Notifications(
    "notifications",
    NotificationsArgs(
        settings=settings.alarms,
        naming=naming,
        account_id=account_id,
        protect=settings.is_production,
    ),
)
alarm_target = AlarmTarget(
    settings=settings.alarms,
    naming=naming,
    topic_arn=notifications.topic_arn,
    page_topic_arn=notifications.page_topic_arn,
)

# Before the services: a service depends on the alarms that roll its deployments back.
environment_alarms = EnvironmentAlarms(
    "alarms",
    EnvironmentAlarmsArgs(
        target=alarm_target,
        region=settings.region,
        cluster_name=cluster.cluster_name,
        load_balancer_suffix=route_target.arn_suffix,
        # a team's ALB carries other teams' traffic: its own alarms are the team's
        load_balancer_alarms=load_balancer is not None,
        pools=[
            PoolAlarmArgs(
                name=pool.deployed().name,
                capacity_provider_name=cluster.capacity_provider_names[pool.name],
                auto_scaling_group_name=cluster.pool_asg_names[pool.name],
                min_size=pool.min_size,
            )
            for pool in settings.cluster.ec2_pools
        ],
        managed_pools=[
            ManagedPoolAlarmArgs(pool.deployed().name, cluster.capacity_provider_names[pool.name])
            for pool in settings.cluster.managed_instance_pools
            if settings.cluster.container_insights != "disabled"
        ],
    ),
)

# A renamed service (renamedFrom) keeps every AWS name: its queues' and its peers' too.
deployed_names = {name: settings.deployed_name(name) for name in settings.services}
queues = plan_queues(
    settings.services,
    deployed_names=deployed_names,
    naming=naming,
    region=settings.region,
    account_id=account_id,
    stack_key_arn=log_key_arn,
    protect=settings.is_production,
)

claims = [
    VolumeClaim(name, volume.name, *(int(i) for i in service.user.split(":")))
    for name, service in settings.services.items()
    for volume in service.volumes
    if volume.creates_file_system
]
file_system = (
    SharedFileSystem(
        "efs",
        FileSystemArgs(
            naming=naming,
            vpc_id=network.vpc_id,
            subnet_ids=network.subnet_per_zone,
            claims=claims,
            protect=settings.is_production,
        ),
    )
    if claims
    else None
)

services = {
    name: Service(
        name,
        ServiceArgs(
            settings=service,
            naming=naming,
            region=settings.region,
            account_id=account_id,
            cluster_name=cluster.service_cluster_name,
            exec_log_group_arn=cluster.exec_log_group_arn,
            namespace_arn=cluster.namespace_arn,
            vpc_id=network.vpc_id,
            vpc_cidr=network.cidr_block,
            subnet_ids=network.private_subnet_ids,
            image=registry.image_uri(service.image),
            repository_arn=registry.repository_arn(service.image),
            placement=settings.require_placement(service),
            architecture=settings.architecture(service),
            capacity_provider_names=cluster.capacity_provider_names,
            route=route_target if service.routing else None,
            alarm_target=alarm_target,
            container_insights=settings.cluster.container_insights != "disabled",
            kms_key_id=log_key_arn,
            protect=settings.is_production,
            custom_alarms=environment_alarms.custom_alarms,
            queues=queues[name],
            created_volumes=file_system.for_service(name) if file_system else {},
            efs_security_group_id=file_system.security_group_id if file_system else None,
        ),
    )
    for name, service in settings.services.items()
}
if file_system is not None:
    for name in dict.fromkeys(claim.service for claim in claims):
        file_system.admit(name, services[name].security_group_id)
jobs = {
    name: Job(
        name,
        JobArgs(
            settings=job,
            naming=naming,
            region=settings.region,
            account_id=account_id,
            cluster_arn=cluster.cluster_arn,
            cluster_name=cluster.service_cluster_name,
            vpc_id=network.vpc_id,
            vpc_cidr=network.cidr_block,
            subnet_ids=network.private_subnet_ids,
            image=registry.image_uri(job.image),
            repository_arn=registry.repository_arn(job.image),
            placement=settings.require_placement(job),
            architecture=settings.architecture(job),
            capacity_provider_names=cluster.capacity_provider_names,
            alarm_target=alarm_target,
            kms_key_id=log_key_arn,
            protect=settings.is_production,
        ),
    )
    for name, job in settings.jobs.items()
}
ServicePeering(
    "peering",
    ServicePeeringArgs(
        accesses=settings.peer_accesses,
        security_group_ids={name: s.security_group_id for name, s in services.items()},
        naming=naming,
        deployed_names=deployed_names,
    ),
)
environment_alarms.add_dashboards(
    [
        DashboardService(
            name=deployed_names[name],
            target_group_suffix=services[name].target_group_arn_suffix,
            queue_name=services[name].queue_name,
            dead_letter_queue_name=services[name].queues.dead_letter_name,
            running_tasks=settings.cluster.container_insights != "disabled",
        )
        for name, service in settings.services.items()
    ],
    jobs=[DashboardJob(name, job.state_machine_arn) for name, job in jobs.items()],
)

ci_access = (
    CiAccess(
        "ci",
        CiAccessArgs(
            settings=settings.ci_access,
            naming=naming,
            region=settings.region,
            account_id=account_id,
            managed_policies_per_role=settings.config.quotas.managed_policies_per_role,
            push_subjects=[
                f"repo:{repository}:ref:refs/heads/{settings.registry.push_branch}"
                for repository in settings.registry.push_from
            ],
            repository_arns=list(registry.repository_arns.values()),
        ),
    )
    if settings.ci_access is not None
    else None
)

pulumi.export("environment", settings.environment)
pulumi.export("region", settings.region)
pulumi.export("vpcId", network.vpc_id)
pulumi.export("vpcCidr", network.cidr_block)
pulumi.export("availabilityZones", network.availability_zones)
pulumi.export("publicSubnetIds", network.public_subnet_ids)
pulumi.export("privateSubnetIds", network.private_subnet_ids)
pulumi.export("repositoryUrls", registry.repository_urls)
pulumi.export("clusterName", cluster.cluster_name)
pulumi.export("clusterArn", cluster.cluster_arn)
pulumi.export("capacityProviderNames", cluster.capacity_provider_names)
pulumi.export("poolAsgNames", cluster.pool_asg_names)
pulumi.export(
    "loadBalancerDnsName",
    load_balancer.dns_name if load_balancer else looked_up.listener and looked_up.listener.dns_name,
)
pulumi.export("serviceUrls", service_urls(domain, routes) if domain else {})
pulumi.export("serviceNames", {name: s.service_name for name, s in services.items()})
# each service's own group, for a database (or anything) in another stack to admit it by group
pulumi.export("serviceSecurityGroupIds", {n: s.security_group_id for n, s in services.items()})
pulumi.export("taskDefinitionArns", {name: s.task_definition.arn for name, s in services.items()})
pulumi.export("jobStateMachineArns", {name: j.state_machine_arn for name, j in jobs.items()})
pulumi.export("jobSecurityGroupIds", {name: j.security_group.id for name, j in jobs.items()})
pulumi.export(
    "jobScheduleNames",
    {name: j.schedule_name for name, j in jobs.items() if j.schedule_name is not None},
)
pulumi.export("alarmTopicArn", notifications.topic_arn)
pulumi.export("ciPreviewRoleArn", ci_access.preview_role_arn if ci_access else None)
pulumi.export("ciDeployRoleArn", ci_access.deploy_role_arn if ci_access else None)
pulumi.export("ciDriftRoleArn", ci_access.drift_role_arn if ci_access else None)
if ci_access is not None and ci_access.push_role_arn is not None:
    pulumi.export("ciPushRoleArn", ci_access.push_role_arn)
