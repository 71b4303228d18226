"""Checks of instances, launch templates, subnets and Auto Scaling groups (network_rules.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .model import Context, Resource, as_list, truthy

INSTANCE = "aws:ec2/instance:Instance"
SUBNET = "aws:ec2/subnet:Subnet"


# -- instances, launch templates, subnets, Auto Scaling -----------------------------------------
def imdsv2(template: Resource, _: Context) -> Iterator[str]:
    options = template.get("metadataOptions") or {}
    if str(options.get("httpTokens", "")).lower() != "required":
        yield "metadataOptions.httpTokens is not required (IMDSv2)"


def no_public_ip(resource: Resource, _: Context) -> Iterator[str]:
    if resource.type == SUBNET and truthy(resource.get("mapPublicIpOnLaunch")):
        yield "subnet maps public IPs on launch"
    if resource.type == INSTANCE and truthy(resource.get("associatePublicIpAddress")):
        yield "instance gets a public IP"
    for interface in as_list(resource.get("networkInterfaces")):
        if isinstance(interface, Mapping) and truthy(interface.get("associatePublicIpAddress")):
            yield "launch template network interface associates a public IP"


def encrypted_volumes(resource: Resource, _: Context) -> Iterator[str]:
    for mapping in as_list(resource.get("blockDeviceMappings")):
        ebs = mapping.get("ebs") if isinstance(mapping, Mapping) else None
        if ebs and not truthy(ebs.get("encrypted")):
            yield f"EBS volume {mapping.get('deviceName')} is not encrypted"
    root = resource.get("rootBlockDevice")
    if resource.type == INSTANCE and not (root and truthy(root.get("encrypted"))):
        yield "instance root volume is not encrypted"


def asg_elb_health_checks(group: Resource, _: Context) -> Iterator[str]:
    behind_lb = as_list(group.get("targetGroupArns")) or as_list(group.get("loadBalancers"))
    if behind_lb and str(group.get("healthCheckType", default="EC2")).upper() != "ELB":
        yield "group behind a load balancer uses EC2 health checks"


def asg_several_azs(group: Resource, _: Context) -> Iterator[str]:
    zones = as_list(group.get("vpcZoneIdentifiers")) or as_list(group.get("availabilityZones"))
    if len(zones) < 2:
        yield f"group spans {len(zones)} subnet(s)/AZ(s)"


def asg_instance_types(group: Resource, _: Context) -> Iterator[str]:
    overrides = as_list(group.get("mixedInstancesPolicy", "launchTemplate", "overrides"))
    if len(overrides) < 2:
        yield f"group uses {len(overrides) or 1} instance type(s)"


def asg_launch_template(group: Resource, _: Context) -> Iterator[str]:
    if group.get("launchConfiguration") or not (
        group.get("launchTemplate") or group.get("mixedInstancesPolicy", "launchTemplate")
    ):
        yield "group does not launch from a launch template"
