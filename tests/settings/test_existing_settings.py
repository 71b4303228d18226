"""Moving in beside a team's setup: each bad input is refused with one line naming the stack file
and the key, before any resource is registered (the `existing` fixture is production)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from settings.secrets import secret_source

from conftest import problems

Config = dict[str, Any]
NETWORK, BALANCER = "ecs-platform:network", "ecs-platform:loadBalancer"
LISTENER = (
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared-alb/"
    "0123456789abcdef/fedcba9876543210"
)


def web(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:services"]["web"])


def nginx(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:services"]["web"]["sidecars"][0])


def uploads(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:services"]["web"]["volumes"][0]["efs"])


def network(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config[NETWORK]["existing"])


def balancer(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config[BALANCER]["existing"])


def drop_network(config: Config) -> None:
    config[NETWORK] = {"cidr": "10.0.0.0/16", "availabilityZones": ["eu-west-1a", "eu-west-1b"]}


SECRET = "'{}' is not a secret reference: ssm:<parameter name>, secretsmanager:<secret name>[:<json"
SECRET += " key>[:<version stage>[:<version id>]]] (this stack's region and account) or a full SSM"
SECRET += " parameter or Secrets Manager"
SECRET += " ARN (required for another region or account)"

OTHER_REGION = "ssm:arn:aws:ssm:us-east-1:123456789012:parameter/x"  # its full ARN is the way

BAD: list[tuple[str, Callable[[Config], Any], list[str]]] = [
    ("malformed VPC id", network(lambda n: n.update(vpcId="vpc-12")),
     ["network.existing.vpcId: 'vpc-12' is not a VPC id (vpc- and 8 or 17 hex digits)"]),
    ("malformed subnet id", network(lambda n: n["privateSubnetIds"].__setitem__(1, "subnet-x")),
     ["network.existing.privateSubnetIds[1]: 'subnet-x' is not a subnet id (subnet- and 8 or 17"
      " hex digits)"]),
    ("malformed security group", web(lambda s: s.update(securityGroups=["sg-db"])),
     ["services.web.securityGroups[0]: 'sg-db' is not a security group id (sg- and hex digits)"]),
    ("too many security groups", web(lambda s: s.update(
        securityGroups=[f"sg-0000000{i}" for i in range(5)])),
     ["services.web.securityGroups: 5 security groups besides the task's own (ECS takes 5"
      " per task), above the quota of 4 (not adjustable)"]),
    ("listener of a network load balancer", balancer(lambda b: b.update(
        listenerArn=LISTENER.replace("/app/", "/net/"))),
     [f"loadBalancer.existing.listenerArn: '{LISTENER.replace('/app/', '/net/')}' is not an"
      " Application Load Balancer listener ARN"
      " (arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>)"]),
    ("listener in another region", balancer(lambda b: b.update(
        listenerArn=LISTENER.replace("eu-west-1", "us-east-1"))),
     ["loadBalancer.existing.listenerArn: the listener is in us-east-1, not in the stack's region"
      " eu-west-1 (aws:region): listener rules and target groups are regional"]),
    ("existing listener in a created VPC", drop_network,
     ["loadBalancer.existing: an existing load balancer lives in an existing VPC: set"
      " network.existing to its VPC (its target groups must be in the load balancer's VPC)"]),
    ("created-VPC key beside existing", lambda c: c[NETWORK].update(cidr="10.0.0.0/16"),
     ["network.cidr: describes a VPC the stack creates; with network.existing the VPC, its"
      " subnets and routes are the team's: remove it"]),
    ("created-ALB key beside existing", lambda c: c[BALANCER].update(waf={"enabled": True}),
     ["loadBalancer.waf: describes a load balancer the stack creates; with"
      " loadBalancer.existing the ALB, its listeners, certificate and WAF are the team's:"
      " remove it"]),
    ("priority outside the reserved range",
     web(lambda s: s["routing"].update(priority=2000)),
     ["services.web.routing.priority: 2000 is outside the priorities reserved on the shared"
      " listener (loadBalancer.existing.priorities: 1000-1099)"]),
    ("reserved range upside down",
     balancer(lambda b: b.update(priorities={"first": 1099, "last": 1000})),
     ["loadBalancer.existing.priorities.first: 1099 is above last 1000",
      "services.web.routing.priority: 1010 is outside the priorities reserved on the shared"
      " listener (loadBalancer.existing.priorities: 1099-1000)"]),
    ("production with one private subnet",
     network(lambda n: n.update(privateSubnetIds=["subnet-0a1b2c3d4e5f60011"])),
     ["network.existing.privateSubnetIds: tier production needs private subnets in at least 2"
      " availability zones"]),
    ("a subnet both private and public",
     network(lambda n: n.update(publicSubnetIds=["subnet-0a1b2c3d4e5f60012"])),
     ["network.existing.privateSubnetIds[1]: subnet-0a1b2c3d4e5f60012 is also listed as a"
      " public subnet; tasks run only in private subnets"]),
    ("secret in an unknown form", web(lambda s: s["secrets"].update(KEY="vault:/db")),
     [f"services.web.secrets.KEY: {SECRET.format('vault:/db')}"]),
    ("parameter of another region by name", web(lambda s: s["secrets"].update(KEY=OTHER_REGION)),
     [f"services.web.secrets.KEY: {SECRET.format(OTHER_REGION)}"]),
    ("SSM name not fully qualified", web(lambda s: s["secrets"].update(KEY="ssm:app/db")),
     [f"services.web.secrets.KEY: {SECRET.format('ssm:app/db')}"]),
    ("secret name that reads as the random suffix",
     web(lambda s: s["secrets"].update(KEY="secretsmanager:prod/db-AbCdEf")),
     ["services.web.secrets.KEY: 'secretsmanager:prod/db-AbCdEf': a secret name"
      " ending in - and 6 characters reads as AWS's random suffix, and Secrets Manager may not"
      " find it by name; give the secret's full ARN"]),
    ("secret version by both stage and id",
     web(lambda s: s["secrets"].update(KEY="secretsmanager:db:password:AWSPREVIOUS:v1")),
     ["services.web.secrets.KEY: 'secretsmanager:db:password:AWSPREVIOUS:v1': give a version"
      " stage or a version id, not both"]),
    ("secret with a fifth selector field",
     web(lambda s: s["secrets"].update(KEY="secretsmanager:db:a:b:c:d")),
     [f"services.web.secrets.KEY: {SECRET.format('secretsmanager:db:a:b:c:d')}"]),
    ("sidecar secret in an unknown form", nginx(lambda s: s.update(secrets={"X": "db"})),
     [f"services.web.sidecars[0].secrets.X: {SECRET.format('db')}"]),
    ("malformed file system id", uploads(lambda e: e.update(fileSystemId="fs-1")),
     ["services.web.volumes[0].efs.fileSystemId: 'fs-1' is not an EFS file system id (fs- and"
      " hex digits)"]),
    ("EFS neither create nor a mapping",
     lambda c: c["ecs-platform:services"]["worker"]["volumes"][0].update(efs="crate"),
     ["services.worker.volumes[0].efs: Input should be 'create' (got 'crate')"]),
    ("unknown EFS key", uploads(lambda e: e.update(readonly=True)),
     ["services.web.volumes[0].efs.readonly: unknown key (did you mean 'readOnly'? allowed:"
      " accessPointId, fileSystemId, iam, readOnly, rootDirectory, transitEncryption)"]),
    ("access point without IAM", uploads(lambda e: e.update(iam=False)),
     ["services.web.volumes[0].efs.iam: an access point needs IAM authorization here: without"
      " it EFS does not check the task role, so any client that reaches the mount target can"
      " use it",
      "services.web.volumes[0].efs.iam: tier production mounts EFS with IAM authorization"]),
    ("IAM without transit encryption", uploads(lambda e: e.update(transitEncryption=False)),
     ["services.web.volumes[0].efs.transitEncryption: IAM authorization needs transit"
      " encryption (ECS refuses iam without it)",
      "services.web.volumes[0].efs.transitEncryption: an access point needs transit encryption"
      " (ECS)",
      "services.web.volumes[0].efs.transitEncryption: tier production encrypts EFS traffic"
      " (ECS.18)"]),
    ("root directory with an access point", uploads(lambda e: e.update(rootDirectory="/data")),
     ["services.web.volumes[0].efs.rootDirectory: with an access point the root directory is"
      " the access point's: leave it out"]),
    ("production without IAM", uploads(lambda e: (e.pop("accessPointId"), e.update(iam=False))),
     ["services.web.volumes[0].efs.iam: tier production mounts EFS with IAM authorization"]),
    ("created file system with a named user",
     lambda c: c["ecs-platform:services"]["worker"].update(user="app"),
     ["services.worker.user: 'app': efs: create gives the service an access point whose POSIX"
      " user is the service's user: give it as uid:gid (like 1000:1000)"]),
    ("reserved volume name", web(lambda s: s["volumes"][0].update(name="scratch-1")),
     ["services.web.sidecars[0].volumes[0].name: 'uploads' is not a volume of this service"
      " (volumes: scratch-1)",
      "services.web.volumes[0].name: 'scratch-1' is a name the task uses itself (data,"
      " *scratch*): choose another"]),
    ("environment file that is not .env",
     web(lambda s: s.update(environmentFiles=["arn:aws:s3:::acme-shop-config/prod/web.txt"])),
     ["services.web.environmentFiles[0]: 'arn:aws:s3:::acme-shop-config/prod/web.txt' is not an"
      " S3 object ARN of an environment file (arn:aws:s3:::<bucket>/<key>.env, no * or ?)"]),
    ("eleven environment files",
     web(lambda s: s.update(environmentFiles=[f"arn:aws:s3:::b-1/{i}.env" for i in range(11)])),
     ["services.web.environmentFiles: 11 environment files in the task; ECS allows 10 per task"
      " definition"]),
    ("depends on an unknown container",
     nginx(lambda s: s.update(dependsOn=[{"containerName": "app"}])),
     ["services.web.sidecars[0].dependsOn[0].containerName: 'app' is not another container of"
      " this task (its containers: web)"]),
    ("waits for an essential container to exit",
     nginx(lambda s: s.update(dependsOn=[{"containerName": "web", "condition": "SUCCESS"}])),
     ["services.web.sidecars[0].dependsOn[0].containerName: SUCCESS waits for web to exit,"
      " which ECS refuses for an essential container (set essential: false on it, or use START"
      " or HEALTHY)"]),
    ("HEALTHY without a health check", web(lambda s: s.pop("containerHealthCheck")),
     ["services.web.sidecars[0].dependsOn[0].containerName: HEALTHY needs a health check on web"
      " (containerHealthCheck)"]),
    ("depends on itself", nginx(lambda s: s.update(dependsOn=[{"containerName": "nginx"}])),
     ["services.web.sidecars[0].dependsOn[0].containerName: 'nginx' is not another container of"
      " this task (its containers: web)"]),
    ("start order cycle", web(lambda s: s.update(dependsOn=[{"containerName": "nginx"}])),
     ["services.web.dependsOn: web ends up waiting for itself (a dependsOn cycle)",
      "services.web.sidecars[0].dependsOn: nginx ends up waiting for itself (a dependsOn"
      " cycle)"]),
    ("target container without a port", nginx(lambda s: s.pop("port")),
     ["services.web.routing.targetContainer: 'nginx' is not a sidecar with a port"]),
    ("two containers on one port", nginx(lambda s: s.update(port=3000)),
     ["services.web.sidecars[0].port: 3000 is already the port of web (the task's containers"
      " share one network)"]),
    ("sidecar mounts a path twice",
     nginx(lambda s: s["volumes"][0].update(mountPath="/tmp")),
     ["services.web.sidecars[0].writablePaths: /tmp is mounted twice in one container"
      " (writablePaths, volumes and ebsVolume share the container's paths; a volume is writable"
      " already)"]),
    ("writable path on the EBS volume",
     web(lambda s: s.update(
         ebsVolume={"sizeGib": 20, "mountPath": "/data"}, writablePaths=["/tmp", "/data"])),
     ["services.web.writablePaths: /data is mounted twice in one container (writablePaths,"
      " volumes and ebsVolume share the container's paths; a volume is writable already)"]),

    ("production sidecar with a writable root",
     nginx(lambda s: s.update(readOnlyRootFilesystem=False)),
     ["services.web.sidecars[0].readOnlyRootFilesystem: tier production runs read-only root"
      " file systems (ECS.5); use writablePaths"]),
    ("production sidecar as root", nginx(lambda s: s.update(user="0")),
     ["services.web.sidecars[0].user: tier production never runs containers as root"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"), [(c, e) for _, c, e in BAD], ids=[b[0] for b in BAD]
)
def test_bad_existing_settings_are_refused(change, expected) -> None:
    assert problems("existing", change) == [f"Pulumi.existing.yaml: {line}" for line in expected]


def test_a_development_stack_keeps_its_defaults_beside_existing_sections() -> None:
    """The production defaults of a created VPC and ALB (NAT, WAF, access logs, a flow log) are
    not filled in beside `existing`: they would be refused there, or add a flow log unasked."""
    from settings.tier_defaults import with_tier_defaults

    filled = with_tier_defaults(
        {"tier": "production", "network": {"existing": {}}, "loadBalancer": {"existing": {}}}
    )
    assert filled["network"] == {"existing": {}}
    assert filled["loadBalancer"] == {"existing": {}}


@pytest.mark.parametrize(
    ("reference", "value_from", "grant"),
    [
        ("ssm:/shop/prod/db", "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/prod/db", None),
        ("ssm:flag", "arn:aws:ssm:eu-west-1:123456789012:parameter/flag", None),
        (
            "secretsmanager:shop/prod/stripe",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/stripe",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/stripe-??????",
        ),
        (
            "secretsmanager:shop/prod/stripe:secret_key",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/stripe:secret_key::",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/stripe-??????",
        ),
        (
            "secretsmanager:shop/prod/stripe:secret_key:AWSPREVIOUS",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/stripe:secret_key"
            ":AWSPREVIOUS:",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/stripe-??????",
        ),
        (
            "secretsmanager:shop/prod/stripe:::0a1b2c3d-0000-1111-2222-333344445555",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/stripe:::0a1b2c3d"
            "-0000-1111-2222-333344445555",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/stripe-??????",
        ),
        (
            "arn:aws:secretsmanager:us-east-1:210987654321:secret:db-AbCdEf:password::",
            "arn:aws:secretsmanager:us-east-1:210987654321:secret:db-AbCdEf:password::",
            "arn:aws:secretsmanager:us-east-1:210987654321:secret:db-AbCdEf",
        ),
    ],
)
def test_each_secret_form_resolves_to_what_ecs_reads_and_iam_grants(
    reference: str, value_from: str, grant: str | None
) -> None:
    source = secret_source(reference, "eu-west-1", "123456789012")
    assert source.value_from == value_from
    assert source.grant == (grant or value_from)
