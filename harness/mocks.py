"""Pulumi mocks that answer like AWS would: realistic ids and ARNs, and awsx's documented outputs.

`RecordingMonitor` keeps every registration with its resource options (parent, protect,
ignoreChanges, aliases, ...) so tests and the plan can see what the engine would be asked to
create.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from harness import domain_mocks, existing_mocks
from harness.existing_mocks import ExistingWorld
from harness.records import RecordedResource

MOCK_ACCOUNT_ID = "123456789012"  # the documentation example account, never a real one
MOCK_AMI_ID = "ami-0123456789abcdef0"
MOCK_ELB_ACCOUNT_ARN = "arn:aws:iam::000000000000:root"  # the real one is per region


def _tidy(value: Any) -> Any:
    """The wire format has only floats: give whole numbers back as ints for readable records."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _tidy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_tidy(item) for item in value]
    return value


_PLAIN_SCALARS = (str, bool, int, float)


def _is_plain(value: Any) -> bool:
    if value is None or type(value) in _PLAIN_SCALARS:
        return True
    if type(value) is dict:
        return all(type(key) is str and _is_plain(item) for key, item in value.items())
    if type(value) is list:
        return all(_is_plain(item) for item in value)
    return False


def _plain_struct(state: dict[str, Any]) -> struct_pb2.Struct | None:
    """`state` as the wire Struct when it holds only JSON data (what the mocks answer, secrets
    included: they are plain wrapper dicts once deserialized), else None. The same Struct the
    SDK's `rpc.serialize_properties(state, {})` builds (it drops top-level None values, keeps
    nested ones, sends numbers as floats) without an event loop per registration."""
    if not _is_plain(state):
        return None
    struct = struct_pb2.Struct()
    for key, value in state.items():
        if value is not None:
            struct[key] = value
    return struct


def _digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


class AwsMocks(Mocks):
    """Answers registrations and invokes for one stack in one region and account."""

    def __init__(
        self,
        region: str,
        seed: str = "",
        account_id: str = MOCK_ACCOUNT_ID,
        existing: ExistingWorld | None = None,
    ) -> None:
        self.region = region
        self.seed = seed
        self.account_id = account_id
        self.existing = existing or ExistingWorld()
        self.invokes: list[tuple[str, dict[str, Any]]] = []

    # -- resources ---------------------------------------------------------------------------
    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == "awsx:ec2:Vpc":
            return self._awsx_vpc(args)
        if not args.custom:
            return None, {}
        state = dict(args.inputs)
        name = (
            args.inputs.get("name")
            or f"{args.name}-{_digest(self.seed, args.typ, args.name, length=7)}"
        )
        resource_id, extra = self._identity(args.typ, args.name, str(name))
        state.setdefault("name", name)
        state.update(extra)
        state.update(self._domain_state(args.typ, state, resource_id))
        return resource_id, state

    def _domain_state(self, typ: str, state: dict[str, Any], resource_id: str) -> dict[str, Any]:
        if typ == "aws:acm/certificate:Certificate":
            return domain_mocks.certificate_state(state, resource_id, self.account_id)
        if typ == "aws:route53/record:Record":
            return domain_mocks.record_state(state)
        return {}

    def _arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:aws:{service}:{region}:{self.account_id}:{resource}"

    def _identity(self, typ: str, logical: str, name: str) -> tuple[str, dict[str, Any]]:
        """(id, extra outputs) for a resource type, shaped like the real provider's."""
        token = typ.split(":")[-1]
        module = typ.split(":")[1].split("/")[0] if ":" in typ else ""
        hexid = _digest(self.seed, typ, logical)
        if module == "ec2":
            prefixes = {
                "SecurityGroup": "sg",
                "DefaultSecurityGroup": "sg",
                "VpcEndpoint": "vpce",
                "FlowLog": "fl",
                "LaunchTemplate": "lt",
                "Eip": "eipalloc",
                "NetworkInterface": "eni",
                "Route": "r",
            }
            resource_id = f"{prefixes.get(token, token.lower())}-{hexid}"
            kind = {
                "SecurityGroup": "security-group",
                "DefaultSecurityGroup": "security-group",
                "NetworkInterface": "network-interface",
            }
            arn = self._arn("ec2", f"{kind.get(token, token.lower())}/{resource_id}")
            extra = {"arn": arn, "id": resource_id}
            if token == "LaunchTemplate":
                extra["latestVersion"] = 1
            return resource_id, extra
        if module == "iam":
            kind = {"Role": "role", "Policy": "policy", "InstanceProfile": "instance-profile"}
            arn = self._arn("iam", f"{kind.get(token, token.lower())}/{name}", regional=False)
            resource_id = name if token in kind else f"{name}:{hexid}"
            return resource_id, {"arn": arn, "uniqueId": f"AROA{hexid.upper()}"}
        if module == "cloudwatch" and token == "LogGroup":
            return name, {"arn": self._arn("logs", f"log-group:{name}")}
        if module == "ecr" and token == "Repository":
            return name, {
                "arn": self._arn("ecr", f"repository/{name}"),
                "repositoryUrl": f"{self.account_id}.dkr.ecr.{self.region}.amazonaws.com/{name}",
                "registryId": self.account_id,
            }
        if module == "ecs" and token in {"Cluster", "CapacityProvider"}:
            kind = {"Cluster": "cluster", "CapacityProvider": "capacity-provider"}[token]
            arn = self._arn("ecs", f"{kind}/{name}")
            return (name if token == "CapacityProvider" else arn), {"arn": arn}
        if module == "lb" and token == "LoadBalancer":
            suffix = f"app/{name}/{hexid[:16]}"
            return self._arn("elasticloadbalancing", f"loadbalancer/{suffix}"), {
                "arn": self._arn("elasticloadbalancing", f"loadbalancer/{suffix}"),
                "arnSuffix": suffix,
                "dnsName": f"{name}-{hexid[:10]}.{self.region}.elb.amazonaws.com",
                "zoneId": "Z32O12XQLNTSW2",
            }
        if module == "lb" and token == "TargetGroup":
            suffix = f"targetgroup/{name}/{hexid[:16]}"
            arn = self._arn("elasticloadbalancing", suffix)
            return arn, {"arn": arn, "arnSuffix": suffix}
        if module == "servicediscovery" and token == "HttpNamespace":
            namespace_id = f"ns-{hexid[:16]}"
            return namespace_id, {"arn": self._arn("servicediscovery", f"namespace/{namespace_id}")}
        if module == "ecs" and token == "TaskDefinition":
            arn = self._arn("ecs", f"task-definition/{name}:1")
            return arn, {"arn": arn, "revision": 1, "arnWithoutRevision": arn[:-2]}
        if module == "ecs" and token == "Service":
            arn = self._arn("ecs", f"service/{name}")
            return arn, {"arn": arn}
        if module == "lb" and token == "Listener":
            arn = self._arn("elasticloadbalancing", f"listener/app/{logical}/{hexid[:16]}")
            return arn, {"arn": arn}
        if module == "s3" and token == "Bucket":
            return name, {"arn": f"arn:aws:s3:::{name}", "bucket": name}
        if module == "sqs" and token == "Queue":
            # The provider's id is the queue URL (queue.go: d.SetId(QueueUrl)).
            url = f"https://sqs.{self.region}.amazonaws.com/{self.account_id}/{name}"
            return url, {"arn": self._arn("sqs", name), "url": url}
        if module == "sns" and token == "Topic":
            arn = self._arn("sns", name)
            return arn, {"arn": arn}
        if module == "kms" and token == "Key":
            key_id = f"{hexid[:8]}-{hexid[8:12]}-{hexid[12:16]}-{hexid[:4]}-{hexid[4:16]}"
            return key_id, {"arn": self._arn("kms", f"key/{key_id}"), "keyId": key_id}
        if module == "acm" and token == "Certificate":
            uuid = f"{hexid[:8]}-{hexid[8:12]}-{hexid[12:16]}-{hexid[:4]}-{hexid[4:16]}"
            return self._arn("acm", f"certificate/{uuid}"), {}
        if module == "efs" and token in {"FileSystem", "AccessPoint", "MountTarget"}:
            prefix, kind = {
                "FileSystem": ("fs", "file-system"),
                "AccessPoint": ("fsap", "access-point"),
                "MountTarget": ("fsmt", "mount-target"),
            }[token]
            resource_id = f"{prefix}-{hexid}"
            return resource_id, {"arn": self._arn("elasticfilesystem", f"{kind}/{resource_id}")}
        if module == "sfn" and token == "StateMachine":
            # The provider's id is the machine's ARN (sfn/state_machine.go: d.SetId(arn)).
            arn = self._arn("states", f"stateMachine:{name}")
            return arn, {"arn": arn}
        if module == "scheduler" and token == "Schedule":
            # id <group>/<name> (scheduler/schedule.go scheduleCreateResourceID), group default
            return f"default/{name}", {
                "arn": self._arn("scheduler", f"schedule/default/{name}"),
                "groupName": "default",
            }
        if module == "autoscaling" and token == "Group":
            uuid = f"{hexid[:8]}-{hexid[8:12]}-{hexid[12:16]}-{hexid[:4]}-{hexid[4:16]}"
            arn = self._arn("autoscaling", f"autoScalingGroup:{uuid}:autoScalingGroupName/{name}")
            return name, {"arn": arn}
        return name, {"arn": self._arn(module or "mock", f"{token.lower()}/{name}")}

    def _awsx_vpc(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        # A remote component: only its documented outputs, modelled from its inputs.
        zones = args.inputs.get("availabilityZoneNames") or []
        specs = args.inputs.get("subnetSpecs") or []
        tiers = {str(spec.get("type", "")).lower() for spec in specs}
        vpc_id = f"vpc-{_digest(self.seed, 'vpc', args.name)}"

        def subnets(tier: str) -> list[str]:
            if tier not in tiers:
                return []
            return [f"subnet-{_digest(self.seed, args.name, tier, zone)}" for zone in zones]

        return f"{args.name}-component", {
            "vpcId": vpc_id,
            "publicSubnetIds": subnets("public"),
            "privateSubnetIds": subnets("private"),
            "isolatedSubnetIds": subnets("isolated"),
        }

    # -- invokes -----------------------------------------------------------------------------
    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        token = args.token
        self.invokes.append((token, _tidy(dict(args.args))))
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": self.account_id,
                "arn": f"arn:aws:iam::{self.account_id}:user/ci",
                "userId": "AIDAMOCKUSER",
                "id": self.account_id,
            }
        if token == "aws:index/getRegion:getRegion":
            return {"name": self.region, "region": self.region, "id": self.region}
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        if token == "aws:ec2/getRouteTables:getRouteTables":
            subnet_ids = [
                value
                for f in args.args.get("filters") or []
                if f.get("name") == "association.subnet-id"
                for value in f.get("values") or []
            ]
            return {
                "ids": [f"rtb-{_digest('rtb', subnet)}" for subnet in subnet_ids],
                "vpcId": args.args.get("vpcId"),
                "id": self.region,
            }
        if token == "aws:ec2/getRouteTable:getRouteTable":
            # the same id the plural lookup gives for that subnet's table
            route_table_id = f"rtb-{_digest('rtb', str(args.args.get('subnetId')))}"
            return {
                "routeTableId": route_table_id,
                "id": route_table_id,
                "subnetId": args.args.get("subnetId"),
                "vpcId": args.args.get("vpcId"),
            }
        answer = self._existing(token, dict(args.args))
        if answer is not None:
            return answer
        if token == "aws:elb/getServiceAccount:getServiceAccount":
            return {"arn": MOCK_ELB_ACCOUNT_ARN, "id": "000000000000"}
        if token == "aws:route53/getZone:getZone":
            return domain_mocks.zone_result(dict(args.args))
        if token == "aws:ssm/getParameter:getParameter":
            return {
                "name": args.args.get("name"),
                "value": MOCK_AMI_ID,
                "insecureValue": MOCK_AMI_ID,
                "type": "String",
                "id": args.args.get("name"),
            }
        raise NotImplementedError(f"no mock for invoke {token}; add one to harness/mocks.py")

    def _existing(self, token: str, args: dict[str, Any]) -> dict[str, Any] | None:
        """What a team already has (harness/existing_mocks.py)."""
        world, region, account = self.existing, self.region, self.account_id
        if token == "aws:ec2/getVpc:getVpc":
            return existing_mocks.vpc_result(world, args, region, account)
        if token == "aws:ec2/getSubnet:getSubnet":
            return existing_mocks.subnet_result(world, args, region, account)
        if token == "aws:lb/getListener:getListener":
            return existing_mocks.listener_result(args)
        if token == "aws:lb/getLoadBalancer:getLoadBalancer":
            return existing_mocks.load_balancer_result(world, args, region)
        return None


def _aliases(request: Any) -> list[dict[str, Any]]:
    """The request's aliases as plain dicts (harness.records.alias_urns reads them): full URNs,
    or specs with only the fields the program set (the SDK sends specs, pulumi.runtime.resource
    prepare_aliases, since the mock monitor supports the aliasSpecs feature)."""
    found: list[dict[str, Any]] = [{"urn": urn} for urn in request.aliasURNs]
    for alias in request.aliases:
        if alias.WhichOneof("alias") == "urn":
            found.append({"urn": alias.urn})
            continue
        spec = alias.spec
        fields = {
            "name": spec.name,
            "type": spec.type,
            "stack": spec.stack,
            "project": spec.project,
            "parent": spec.parentUrn,
            "noParent": spec.noParent,
        }
        found.append({key: value for key, value in fields.items() if value})
    return found


class RecordingMonitor(MockMonitor):
    """MockMonitor that also keeps each registration's options, in registration order."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.recorded: list[RecordedResource] = []
        self._worker_loops: set[asyncio.AbstractEventLoop] = set()

    def _worker_loop(self) -> None:
        # The SDK calls the monitor from executor threads, and the mock gives each thread an
        # event loop; keep them so close() can release them instead of the garbage collector.
        self._worker_loops.add(_ensure_event_loop())

    def close(self) -> None:
        for loop in self._worker_loops:
            if not loop.is_running():
                loop.close()
        self._worker_loops.clear()

    def Invoke(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        self._worker_loop()
        return super().Invoke(request)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        self._worker_loop()
        inputs = rpc.deserialize_properties(request.object)
        resource_id, state = self.mocks.new_resource(
            MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
            )
        )
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id, state)
        self.recorded.append(
            RecordedResource(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=bool(request.custom),
                remote=bool(request.remote),
                id=resource_id,
                inputs=_tidy(inputs),
                outputs=_tidy(state),
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                ignore_changes=list(request.ignoreChanges),
                dependencies=list(request.dependencies),
                transforms=len(request.transforms),
                aliases=_aliases(request),
            )
        )
        response_object = _plain_struct(state)
        if response_object is None:  # not plain data: the SDK's serializer knows the rest
            response_object = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(
            urn=urn, id=resource_id, object=response_object
        )
