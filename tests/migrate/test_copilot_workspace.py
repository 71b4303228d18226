"""The command on a whole workspace: one summary line from the ledger, one clear line for a
workspace it cannot read, no file overwritten unless forced, environments renamed to stacks
with their interpolated names kept, an imported VPC, addons and their data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from copilot_helpers import (
    copilot_text,
    copy_shop,
    entries,
    imported,
    unaccounted,
    workspace,
    written,
)

from cli.app import main
from migrate.copilot.run import import_workspace, parse_environments

SUMMARY = re.compile(r"^mapped (\d+), changed (\d+), not mapped (\d+): see MIGRATION\.md$")


def test_the_command_prints_one_summary_line_with_the_ledgers_figures(
    tmp_path: Path, capsys
) -> None:
    shop = copy_shop(tmp_path)
    assert main(["import", "copilot", str(shop), "--out", str(tmp_path / "a")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and SUMMARY.match(lines[0])
    assert main(["import", "copilot", str(shop), "--out", str(tmp_path / "b"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    counts = data["counts"]
    figures = [int(n) for n in SUMMARY.match(lines[0]).groups()]  # type: ignore[union-attr]
    assert figures == [counts["mapped"], counts["changed"], counts["not mapped"]]
    report = (tmp_path / "a" / "MIGRATION.md").read_text()
    assert report.count("| mapped |") == counts["mapped"]
    assert report.count("| not mapped |") == counts["not mapped"]
    assert data["stacks"] == {"prod": "prod", "test": "test"}
    for name in data["files"]:
        assert (tmp_path / "b" / name).is_file()


def test_existing_files_are_not_overwritten_unless_forced(tmp_path: Path, capsys) -> None:
    shop = copy_shop(tmp_path)
    out = tmp_path / "out"
    (out / "services").mkdir(parents=True)
    (out / "services" / "api.yaml").write_text("# mine\n")
    assert main(["import", "copilot", str(shop), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "would overwrite services/api.yaml" in err and "nothing written" in err
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["api.yaml"]
    assert main(["import", "copilot", str(shop), "--out", str(out), "--force"]) == 0
    assert (out / "services" / "api.yaml").read_text() != "# mine\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: api\ntype: Backend Service\nimage: [unclosed\n", "not valid YAML"),
        ("name: api\ntype: Serverless Function\n", "unknown workload type 'Serverless Function'"),
        ("- a list\n", "expected a mapping at the top level"),
    ],
)
def test_a_manifest_it_cannot_read_is_one_line_naming_the_file(
    tmp_path: Path, capsys, text: str, message: str
) -> None:
    root = workspace(tmp_path, {"api": text}, {})
    assert main(["import", "copilot", str(root), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and "copilot/api/manifest.yml: " in lines[0] and message in lines[0]
    assert not (tmp_path / "out").exists()


def test_no_workspace_or_an_unknown_environment_is_refused(tmp_path: Path, capsys) -> None:
    assert main(["import", "copilot", str(tmp_path)]) == 2
    assert "copilot/.workspace is missing" in capsys.readouterr().err
    shop = copy_shop(tmp_path)
    assert main(["import", "copilot", str(shop), "--environments", "dev=staging"]) == 2
    assert "no Copilot environment dev (the workspace has: prod, test)" in capsys.readouterr().err
    assert main(["import", "copilot", str(shop), "--environments", "test=prod"]) == 2
    assert "two Copilot environments would be stack prod" in capsys.readouterr().err


def test_renamed_environments_keep_the_names_copilot_interpolated(tmp_path: Path) -> None:
    shop = copy_shop(tmp_path)
    result = imported(shop, {"test": "staging", "prod": "production"})
    assert {"Pulumi.staging.yaml", "Pulumi.production.yaml"} <= set(result.files)
    frontend = written(result, "services/frontend.yaml")
    assert frontend["environment"]["APP_ENV"] == "${stack}"
    staging = frontend["environments"]["staging"]
    assert staging["environment"] == {"APP_ENV": "test"}  # Copilot's name, not the stack's
    assert staging["secrets"]["DB_SECRET"] == "secretsmanager:shop/test/mysql"
    production = frontend["environments"]["production"]
    assert production["environment"] == {"APP_ENV": "prod", "LOG_LEVEL": "warn"}
    assert production["routing"]["hostHeaders"] == ["shop.example.com"]
    assert written(result, "Pulumi.production.yaml")["config"]["shop:tier"] == "production"
    assert written(result, "Pulumi.staging.yaml")["config"]["shop:tier"] == "development"
    api = written(result, "services/api.yaml")
    assert api["secrets"]["DB_PASSWORD"] == "ssm:/copilot/shop/${stack}/secrets/db_password"
    secrets = api["environments"]["production"]["secrets"]
    assert secrets["DB_PASSWORD"] == "ssm:/copilot/shop/prod/secrets/db_password"


def test_an_environment_with_an_imported_vpc(tmp_path: Path) -> None:
    root = workspace(tmp_path, {}, {"test": copilot_text("environment-import-vpc.yml")})
    result = import_workspace(root, tmp_path / "out", {}, None)
    config = written(result, "Pulumi.test.yaml")["config"]

    def fill(kind: str, value: str) -> str:  # Copilot's test data has no real ids
        return f"${{FILL_IN:the id of {kind} {value} (not a {kind} id)}}"

    assert config["demo:network"] == {
        "existing": {
            "vpcId": fill("VPC", "mock-vpc-id"),
            "publicSubnetIds": [fill("subnet", f"mock-subnet-id-{n}") for n in (1, 2)],
            "privateSubnetIds": [fill("subnet", f"mock-subnet-id-{n}") for n in (3, 4)],
        }
    }
    found = entries(result, "copilot/environments/test/manifest.yml")
    assert found["network.vpc.id"].status == "changed"
    assert config["demo:loadBalancer"] == {"certificateArn": "mock-cert-1"}
    assert config["demo:cluster"] == {"containerInsights": "enabled"}
    assert config["aws:region"] == "${FILL_IN:the AWS region}"
    found = entries(result, "copilot/environments/test/manifest.yml")
    assert found["http.public.certificates[1]"].status == "not mapped"
    assert ("Pulumi.test.yaml", "aws:region", "the AWS region") in result.ledger.placeholders


BUCKET = """\
Parameters:
  App: {Type: String}
  Env: {Type: String}
  Name: {Type: String}
Resources:
  uploads:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties:
      Tags: [{Key: app, Value: !Ref App}]
"""


def test_an_addon_folder_is_read_and_its_data_kept(tmp_path: Path) -> None:
    shop = copy_shop(tmp_path)
    (shop / "copilot" / "api" / "addons" / "uploads.yml").write_text(BUCKET)
    (shop / "copilot" / "api" / "addons" / "addons.parameters.yml").write_text("Parameters: {}\n")
    result = imported(shop)
    found = entries(result, "copilot/api/addons/ddb.yml")
    assert found["(template)"].status == "not mapped"
    assert "2 resources, 1 with data" in found["(template)"].note
    assert entries(result, "copilot/api/addons/addons.parameters.yml")["(parameters)"]
    report = result.files["MIGRATION.md"]
    assert "- `ddb`: AWS::DynamoDB::Table" in report
    assert "- `ddbAccessPolicy`: AWS::IAM::ManagedPolicy" in report
    # TableName: !Sub ${App}-${Env}-${Name}-ddb, read for each environment
    assert "`pulumi import aws:dynamodb/table:Table ddb shop-test-api-ddb --stack test`" in report
    assert "`pulumi import aws:dynamodb/table:Table ddb shop-prod-api-ddb --stack prod`" in report
    assert "add `DeletionPolicy: Retain`" in report
    # a bucket CloudFormation named: the command that finds its name in Copilot's stacks
    assert "`uploads` (AWS::S3::Bucket): already has DeletionPolicy: Retain" in report
    assert "`pulumi import aws:s3/bucket:Bucket uploads <the bucket name> --stack prod`" in report
    assert "--stack-name shop-prod-api --logical-resource-id AddonsStack" in report
    pipeline = entries(result, "copilot/pipelines/release/manifest.yml")
    assert {p: e.status for p, e in pipeline.items()} == {
        "name": "mapped", "version": "mapped", "source": "not mapped", "stages": "changed"
    }  # fmt: skip


def test_every_written_file_is_valid_yaml_with_the_stacks_keys(tmp_path: Path) -> None:
    result = imported(copy_shop(tmp_path))
    for name, text in result.files.items():
        if name.endswith(".yaml"):
            assert isinstance(yaml.safe_load(text), dict), name
    assert written(result, "jobs/report.yaml")["schedule"]["expression"] == "cron(0 */2 * * ? *)"


def test_tier_rules_copilot_did_not_have_are_met_and_said(tmp_path: Path) -> None:
    """Without a certificate Copilot served plain HTTP: development keeps that, production
    asks for the certificate; a log retention under a year is raised in production only."""
    service = copilot_text("lb-svc.yml") + "\nlogging:\n  retention: 30\n"
    plain = "name: {0}\ntype: Environment\n"
    root = workspace(tmp_path, {"frontend": service}, {e: plain.format(e) for e in ("dev", "prod")})
    result = imported(root)
    dev = written(result, "Pulumi.dev.yaml")["config"]["demo:loadBalancer"]
    prod = written(result, "Pulumi.prod.yaml")["config"]["demo:loadBalancer"]
    assert dev == {"allowPlainHttp": True}
    assert prod == {"certificateArn": "${FILL_IN:the ACM certificate ARN}"}
    frontend = written(result, "services/frontend.yaml")
    assert frontend["logRetentionDays"] == 30
    assert frontend["environments"]["prod"]["logRetentionDays"] == 365
    assert frontend["healthCheck"] == {"path": "/"}  # Copilot's default target health path
    found = entries(result, "copilot/frontend/manifest.yml")
    assert found["logging.retention (stack prod)"].status == "changed"


SAMPLES = list(yaml.safe_load_all(copilot_text("environment-samples.yml")))


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["name"] for s in SAMPLES])
def test_every_field_of_copilots_environment_samples_is_accounted_for(
    tmp_path: Path, sample: dict
) -> None:
    root = workspace(tmp_path, {}, {sample["name"]: yaml.safe_dump(sample)})
    result = imported(root)
    manifest = f"copilot/environments/{sample['name']}/manifest.yml"
    assert unaccounted(result, manifest, sample) == []
    assert f"Pulumi.{sample['name']}.yaml" in result.files


def test_the_samples_map_as_the_reference_says(tmp_path: Path) -> None:
    envs = {s["name"]: yaml.safe_dump(s) for s in SAMPLES}
    result = imported(workspace(tmp_path, {}, envs))
    config = {s: written(result, f"Pulumi.{s}.yaml")["config"] for s in envs}
    assert config["prod"]["demo:tier"] == "production"
    assert config["prod"]["demo:cluster"] == {"containerInsights": "enabled"}
    assert config["qa"]["demo:network"] == {
        "cidr": "10.0.0.0/16",
        "publicSubnetMask": 24,
        "availabilityZones": ["us-east-2a", "us-east-2b"],
        "privateSubnetMask": 24,
    }
    assert config["onprem"]["demo:network"]["existing"]["privateSubnetIds"] == [
        f"${{FILL_IN:the id of subnet subnet-{n} (not a subnet id)}}"
        for n in (11111, 22222, 33333, 44444)
    ]  # the reference's ids are too short to be ids
    certificate = config["prod-pdx"]["demo:loadBalancer"]["certificateArn"]
    assert certificate == (
        "arn:aws:acm:${FILL_IN:shell variable AWS_REGION}:${FILL_IN:shell variable"
        " AWS_ACCOUNT_ID}:certificate/13245665-cv8f-adf3-j7gd-adf876af95"
    )
    found = {e.path: e.status for e in result.ledger.entries if "cloudfront" in e.file}
    assert found == {"name": "mapped", "type": "mapped", "cdn": "not mapped",
                     "http.public.ingress.cdn": "not mapped",
                     "network.vpc.cidr (absent)": "changed",  # Copilot's defaults, written
                     "network.vpc.subnets (absent)": "changed",
                     # the stack's ALB is made without routed services too
                     "http.public.certificates (absent)": "changed"}  # fmt: skip


def test_every_field_of_the_realistic_workspace_is_accounted_for(tmp_path: Path) -> None:
    shop = copy_shop(tmp_path)
    result = imported(shop)
    for manifest in sorted(shop.rglob("manifest.yml")):
        file = str(manifest.relative_to(shop))
        body = yaml.load(manifest.read_text(), Loader=yaml.BaseLoader)  # `on:` stays a string
        assert unaccounted(result, file, body) == [], file


def test_an_environment_manifest_is_read_for_its_own_name(tmp_path: Path) -> None:
    """A stack file is not interpolated: Copilot's names are written out there."""
    manifest = (
        "name: test\ntype: Environment\nhttp:\n  public:\n    certificates:\n"
        "      - arn:aws:acm:eu-west-1:123456789012:certificate/${COPILOT_APPLICATION_NAME}"
        "-${COPILOT_ENVIRONMENT_NAME}-\\${KEPT}\n"
    )
    result = imported(workspace(tmp_path, {}, {"test": manifest}), {"test": "staging"})
    config = written(result, "Pulumi.staging.yaml")["config"]
    assert config["demo:loadBalancer"]["certificateArn"] == (
        "arn:aws:acm:eu-west-1:123456789012:certificate/demo-test-${KEPT}"
    )


def test_the_stack_keys_use_the_output_folders_project_name(tmp_path: Path) -> None:
    shop = copy_shop(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "Pulumi.yaml").write_text("name: shop-platform\nruntime: python\n")
    result = import_workspace(shop, out, {}, "eu-west-1")
    assert "Pulumi.yaml" not in result.files  # the team's own is kept
    config = written(result, "Pulumi.test.yaml")["config"]
    assert config["shop-platform:tier"] == "development"
    assert "shop-platform:network" in config and "ecs-platform:network" not in config


def test_a_tier_given_with_the_stack_name_wins(tmp_path: Path, capsys) -> None:
    shop = copy_shop(tmp_path)
    args = ["import", "copilot", str(shop), "--out", str(tmp_path / "out")]
    assert main([*args, "--environments", "test=staging:production,prod=live"]) == 0
    staging = yaml.safe_load((tmp_path / "out" / "Pulumi.staging.yaml").read_text())["config"]
    live = yaml.safe_load((tmp_path / "out" / "Pulumi.live.yaml").read_text())["config"]
    assert staging["shop:tier"] == live["shop:tier"] == "production"
    capsys.readouterr()
    assert main([*args, "--force", "--environments", "test=staging:prod"]) == 2
    assert "is not ENV=TIER, ENV=STACK or ENV=STACK:TIER" in capsys.readouterr().err


def test_a_bare_tier_keeps_the_environments_name(tmp_path: Path) -> None:
    # the form: --environments dev=development,prod=production
    assert parse_environments("test=production,prod=production") == {
        "test": "test:production",
        "prod": "prod:production",
    }
    shop = copy_shop(tmp_path)
    out = tmp_path / "out"
    args = ["import", "copilot", str(shop), "--out", str(out), "--region", "eu-west-1"]
    assert main([*args, "--environments", "test=production"]) == 0
    config = yaml.safe_load((out / "Pulumi.test.yaml").read_text())["config"]
    assert config["shop:tier"] == "production"


def test_an_environment_addon_is_kept_per_environment(tmp_path: Path) -> None:
    shop = copy_shop(tmp_path)
    (shop / "copilot" / "environments" / "addons").mkdir()
    (shop / "copilot" / "environments" / "addons" / "assets.yml").write_text(
        "Parameters: {App: {Type: String}, Env: {Type: String}}\n"
        "Resources:\n  assets:\n    Type: AWS::S3::Bucket\n"
        "    Properties:\n      BucketName: !Sub '${App}-${Env}-assets'\n"
    )
    result = imported(shop)
    assert (
        "1 resources, 1 with data"
        in entries(result, "copilot/environments/addons/assets.yml")["(template)"].note
    )
    report = result.files["MIGRATION.md"]
    assert "(`copilot env deploy --name <env>`)" in report
    assert "`pulumi import aws:s3/bucket:Bucket assets shop-test-assets --stack test`" in report


def test_copilots_adjusted_vpc_test_data_imports_with_its_mock_ranges_reported(
    tmp_path: Path,
) -> None:
    # internal/pkg/manifest/testdata/environment-adjust-vpc.yml: `cidr: mock-cidr-1` and the like
    text = (
        "name: test\ntype: Environment\nnetwork:\n  vpc:\n    cidr: mock-cidr-0\n    subnets:\n"
        "      public:\n        - cidr: mock-cidr-1\n          az: mock-az-2\n"
        "      private:\n        - cidr: 10.0.3.0/24\n          az: mock-az-1\n"
    )
    result = import_workspace(workspace(tmp_path, {}, {"test": text}), tmp_path / "o", {}, None)
    found = entries(result, "copilot/environments/test/manifest.yml")
    assert found["network.vpc.subnets.public[0].cidr"].status == "not mapped"
    assert "'mock-cidr-1' is not a CIDR range" in found["network.vpc.subnets.public[0].cidr"].note
    assert found["network.vpc.subnets.private[0].cidr"].status == "changed"
    network = written(result, "Pulumi.test.yaml")["config"]["demo:network"]
    assert network["privateSubnetMask"] == 24 and "publicSubnetMask" not in network
