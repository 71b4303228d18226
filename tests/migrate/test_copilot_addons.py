"""Addon templates (Copilot's own storage templates, tests/fixtures/copilot): what is kept with
the data, how the new stacks reach data in a VPC, and what each output Copilot wired into the
workload becomes in its file. The AWS CLI commands MIGRATION.md gives are checked against
botocore's service models (the APIs the CLI calls)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name
from copilot_helpers import copy_shop, entries, imported, written

from migrate.copilot.addons.outputs import snake_case
from migrate.copilot.addons.templates import read_addon

AURORA = "copilot/api/addons/aurora.yml"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory):
    return imported(copy_shop(tmp_path_factory.mktemp("addons")))


def addon_section(report: str, file: str) -> str:
    """The file's part of the Addons section (the fields table comes before, with the same
    heading)."""
    start = report.index(f"### `{file}`", report.index("\n## Addons"))
    end = report.find("\n### ", start + 1)
    end = report.index("\n## ", start) if end < 0 else min(end, report.index("\n## ", start))
    return report[start:end]


def test_outputs_are_classified_by_the_type_copilot_reads_them_by() -> None:
    addon = read_addon(Path(__file__).parents[1] / "fixtures" / "copilot" / "shop", AURORA)
    assert {o.name: o.kind for o in addon.outputs} == {
        "auroraSecret": "secret",
        "auroraSecurityGroup": "security group",
    }
    assert [snake_case(n) for n in ("ddbName", "auroraSecret", "DBEndpointURL", "myS3Bucket")] \
        == ["DDB_NAME", "AURORA_SECRET", "DB_ENDPOINT_URL", "MY_S3_BUCKET"]  # fmt: skip


def test_each_output_is_written_per_stack_where_this_project_takes_it(shop) -> None:
    """Each Copilot environment had its own addon stack (a nested stack of
    <app>-<env>-<workload>), so its own table, secret, group and policy."""
    api = written(shop, "services/api.yaml")
    test, prod = api["environments"]["test"], api["environments"]["prod"]
    # ddbName: Ref of a table named !Sub ${App}-${Env}-${Name}-ddb: its name in each stack
    assert test["environment"]["DDB_NAME"] == "shop-test-api-ddb"
    assert prod["environment"]["DDB_NAME"] == "shop-prod-api-ddb"
    assert test["secrets"]["AURORA_SECRET"] != prod["secrets"]["AURORA_SECRET"]
    assert prod["secrets"]["AURORA_SECRET"].endswith(f"of {AURORA} in stack prod}}")
    assert "secrets" not in api or "AURORA_SECRET" not in api["secrets"]
    # the group: attached where the stack runs in the environment's imported VPC (test), not
    # where Copilot made the VPC (prod: the group is in a VPC the new tasks do not use)
    assert test["securityGroups"] == [
        "${FILL_IN:the id of security group auroraSecurityGroup of " + AURORA + " in stack test}"
    ]
    assert "securityGroups" not in prod and "securityGroups" not in api
    # a security group output is a variable too (Copilot's envVarOutputNames leaves out only
    # secrets and policies)
    assert "AURORA_SECURITY_GROUP" in prod["environment"]
    first, second = prod["permissions"]
    assert "dynamodb:PutItem" in first["actions"] and second["actions"] == [
        "dynamodb:Query",
        "dynamodb:Scan",
    ]
    assert second["resources"] == [
        "${FILL_IN:the ARNs ddbAccessPolicy granted (ddb.Arn/index/*) of"
        " copilot/api/addons/ddb.yml in stack prod}"
    ]
    found = entries(shop, AURORA)
    assert found["Outputs.auroraSecret"].status == "changed"
    assert "AURORA_SECRET" in found["Outputs.auroraSecret"].note
    assert "not in prod" in found["Outputs.auroraSecurityGroup (attached)"].note
    assert (
        "policy ddbAccessPolicy"
        in entries(shop, "copilot/api/addons/ddb.yml")["Outputs.ddbAccessPolicy"].note
    )


def test_what_a_kept_cluster_uses_is_kept_with_it(shop) -> None:
    section = addon_section(shop.files["MIGRATION.md"], AURORA)
    cluster = section[section.index("- `auroraDBCluster` (") :].split("\n- ")[0]
    for used in ("auroraDBSubnetGroup", "auroraDBClusterSecurityGroup", "auroraSecurityGroup",
                 "auroraDBClusterParameterGroup"):  # fmt: skip
        assert f"`{used}`" in cluster.split("It uses")[0], used
    assert "DELETE_FAILED" in cluster
    # the secret uses nothing of the template: only itself is retained
    secret = section[section.index("- `auroraAuroraSecret` (") :].split("\n- ")[0]
    assert "It uses" not in secret


def test_data_in_copilots_own_vpc_is_moved_and_in_an_imported_vpc_is_reached(shop) -> None:
    section = addon_section(shop.files["MIGRATION.md"], AURORA)
    cluster = section[section.index("- `auroraDBCluster` (") :].split("\n- `auroraDBWriter")[0]
    # prod: Copilot created its VPC (10.20.0.0/16); the stack creates one with the same range
    assert "environment prod's VPC (10.20.0.0/16)" in cluster
    assert "cannot be peered" in cluster
    assert "aws rds restore-db-cluster-from-snapshot" in cluster
    assert "--engine aurora-mysql" in cluster and "FromPort=3306" in cluster
    assert "--serverless-v2-scaling-configuration" in cluster
    assert "--db-cluster-parameter-group-name" in cluster
    # test imports its VPC: the stack runs in it, and the group is what admits the tasks
    assert "stack test runs in the same VPC (vpc-0a1b2c3d4e5f67890" in cluster
    # the writer instance moves with its cluster: no commands of its own
    writer = section[section.index("- `auroraDBWriterInstance` (") :]
    assert "aws rds" not in writer
    # a regional table needs no move
    table = addon_section(shop.files["MIGRATION.md"], "copilot/api/addons/ddb.yml")
    assert "Reaching it" not in table


def cli_commands(report: str) -> list[list[str]]:
    found = re.findall(
        r"`(aws (?:rds|ec2|efs|elasticache|sqs|sns|route53) [^`]+)`", report.replace("\n   ", " ")
    )
    return [shlex.split(command) for command in found]


def test_every_cli_command_given_names_an_api_operation_and_its_parameters(
    shop, tmp_path: Path
) -> None:
    """`aws <service> <operation> --<option>`: the AWS CLI names operations and parameters
    after the API's, in kebab case (botocore.xform_name)."""
    report = shop.files["MIGRATION.md"]
    commands = cli_commands(report) + cli_commands(_other_kinds(tmp_path))
    assert {c[1] for c in commands} == {"rds", "ec2", "efs", "elasticache", "sqs", "sns", "route53"}
    session = botocore.session.get_session()
    for command in commands:
        model = session.get_service_model(command[1])
        operations = {xform_name(name, "-"): name for name in model.operation_names}
        assert command[2] in operations, command
        members = model.operation_model(operations[command[2]]).input_shape.members
        options = {xform_name(name, "-") for name in members}
        given = [a[2:] for a in command[3:] if a.startswith("--")]
        assert set(given) <= options, (command[:3], set(given) - options)


EFS_AND_CACHE = """\
Resources:
  files:
    Type: AWS::EFS::FileSystem
    Properties: {Encrypted: true}
  cacheSubnets:
    Type: AWS::ElastiCache::SubnetGroup
    Properties: {Description: cache, SubnetIds: [subnet-1]}
  cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupId: !Sub ${App}-${Env}-cache
      ReplicationGroupDescription: cache
      CacheSubnetGroupName: !Ref cacheSubnets
      Port: 6379
      TransitEncryptionEnabled: true
      AtRestEncryptionEnabled: true
"""


def _other_kinds(tmp_path: Path) -> str:
    shop = copy_shop(tmp_path)
    (shop / "copilot" / "orders" / "addons").mkdir()
    (shop / "copilot" / "orders" / "addons" / "store.yml").write_text(EFS_AND_CACHE)
    report = imported(shop).files["MIGRATION.md"]
    section = addon_section(report, "copilot/orders/addons/store.yml")
    assert "aws efs create-mount-target --file-system-id <the file system id (fs-...)>" in section
    assert "--replication-group-id shop-prod-cache " in section
    assert "`cacheSubnets` (subnet group)" in section
    assert "--transit-encryption-enabled --at-rest-encryption-enabled" in section
    assert "FromPort=6379" in section
    return section
