"""Commands of the delivery path: pin and promote image digests (stack-file edits, reviewed as
pull requests), follow a rollout, approve or roll back a deployment, and the GitHub calls the
workflows make."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from cli.common import command, emit_json, exit_epilog, exits, json_output, project_dir_option
from cli.opsutil import aws_errors, load
from ops import aws, github_api
from ops.deployments import act
from ops.release import ReleaseError, pinned_key, promote, release
from ops.rollout_check import RolloutAwsError, RolloutInputError, check_rollout, read_json
from ops.rollout_check import follow_deployments as follow_service_deployments

RELEASE_EXITS = {0: "the stack file was changed", 2: "refused: the message says which input"}


def _pinned(path: Path, service: str, stack: str, as_json: bool, project_dir: Path) -> None:
    """What changed: the stack file's services.<service>.image, or environments.<stack>.image
    of the service's own file (services/<service>.yaml)."""
    changed = path.resolve().relative_to(project_dir.resolve()).as_posix()
    key = pinned_key(path, service, stack)
    if as_json:
        emit_json({"stackFile": changed, "service": service, "key": key})
    else:
        click.echo(f"{changed}: {key} pinned by digest")


PINNED_SHAPE = (
    "one object: `stackFile` (the file changed, relative to the project folder:"
    " Pulumi.<stack>.yaml or services/<service>.yaml), `service`, `key` (the image key written)."
)


@command("release", RELEASE_EXITS)
@json_output(PINNED_SHAPE)
@click.argument("service")
@click.option("--stack", required=True, help="The stack whose file is changed.")
@click.option("--digest", required=True, metavar="sha256:...", help="The image digest.")
@click.option("--json", "as_json", is_flag=True, help="What changed, as JSON.")
@project_dir_option
def release_command(service: str, stack: str, digest: str, as_json: bool, project_dir: Path) -> int:
    """Pin SERVICE to an image digest in Pulumi.<stack>.yaml, or for that stack in its own file
    services/SERVICE.yaml (keeping comments); the next `pulumi up` deploys it."""
    try:
        path = release(stack, service, digest, project_dir)
    except ReleaseError as error:
        click.echo(f"release refused: {error}", err=True)
        return 2
    _pinned(path, service, stack, as_json, project_dir)
    return 0


@command("promote", RELEASE_EXITS)
@json_output(PINNED_SHAPE)
@click.argument("service")
@click.option("--from", "source", required=True, help="The stack whose digest is copied.")
@click.option("--to", "target", required=True, help="The stack whose file is changed.")
@click.option("--json", "as_json", is_flag=True, help="What changed, as JSON.")
@project_dir_option
def promote_command(
    service: str, source: str, target: str, as_json: bool, project_dir: Path
) -> int:
    """Copy SERVICE's pinned digest from one stack to another (its stack file, or
    environments.<stack> of services/SERVICE.yaml)."""
    try:
        path = promote(service, source, target, project_dir)
    except ReleaseError as error:
        click.echo(f"promote refused: {error}", err=True)
        return 2
    _pinned(path, service, target, as_json, project_dir)
    return 0


DEPLOYMENT_EXITS = {
    0: "done",
    1: "no deployment to act on (the message says why)",
    2: "usage error: an unknown stack or service, or the stack file is refused",
    3: "AWS refused a call or could not be reached (no credentials, no network)",
}


def _target(
    service: str, stack: str | None, cluster: str | None, region: str | None, project_dir: Path
) -> tuple[str, str, str]:
    """(ECS service name, cluster, region): from the stack file's names with --stack (an
    unknown stack or service is a usage error, before any AWS call), else as given."""
    if not stack:
        if not (cluster and region):
            raise click.UsageError("give --stack, or --cluster and --region")
        return service, cluster, region
    names = load(stack, project_dir, aws.PROFILE)
    try:
        declared = names.service(service)
    except LookupError as error:
        raise click.UsageError(str(error.args[0])) from None
    return declared.service, cluster or names.cluster, region or names.region


def _deployment_command(action: str, summary: str) -> click.Command:
    @command(action, DEPLOYMENT_EXITS, help=summary)
    @json_output("one object: `action`, `service`, `serviceDeploymentArn`.")
    @click.argument("service")
    @click.option("--stack", help="The stack whose names, cluster and region to use.")
    @click.option("--cluster", help="ECS cluster name (default: the stack file's).")
    @click.option("--region", help="AWS region (default: the stack file's).")
    @click.option("--profile", help="AWS profile (default: the usual credential chain).")
    @click.option("--json", "as_json", is_flag=True, help="The deployment acted on, as JSON.")
    @project_dir_option
    @aws_errors()
    def run(
        service: str,
        stack: str | None,
        cluster: str | None,
        region: str | None,
        profile: str | None,
        as_json: bool,
        project_dir: Path,
    ) -> int:
        aws.PROFILE = profile
        ecs_service, cluster, region = _target(service, stack, cluster, region, project_dir)
        arn = act(action, ecs_service, cluster, region)
        if as_json:
            emit_json({"action": action, "service": service, "serviceDeploymentArn": arn})
        else:
            click.echo(f"{action}: {service}: {arn}")
        return 0

    return run


approve_command = _deployment_command(
    "approve",
    "Continue SERVICE's deployment paused at its approval (ContinueServiceDeployment).",
)
rollback_command = _deployment_command(
    "rollback",
    "Roll SERVICE's running or paused deployment back (ContinueServiceDeployment with"
    " ROLLBACK, or StopServiceDeployment).",
)

ROLLOUT_EXITS = {
    0: "every rollout completed",
    1: "a rollout failed or was rolled back, or (following deployments) was still going at the"
    " timeout",
    3: "(with --response) still rolling out",
    2: "usage error, or a file that cannot be read or is not JSON",
    4: "(following deployments) a deployment still waits for its approval at the timeout",
    5: "AWS could not be asked: the aws CLI is missing or failed, or (following deployments)"
    " AWS refused a call or could not be reached",
}


@command("rollout-check", ROLLOUT_EXITS)
@click.option("--response", help="A saved describe-services response (- for stdin).")
@click.option("--cluster", help="Poll this cluster's services.")
@click.option("--services-file", help="JSON {key: ECS service name} (with --cluster).")
@click.option("--expect-file", help="JSON {key or ECS name: task definition ARN}.")
@click.option("--region", help="AWS region of the cluster.")
@click.option("--stack", help="(following deployments) The stack, named in approval hints.")
@click.option("--timeout", type=float, default=1200, show_default=True, help="Seconds.")
@click.option("--interval", type=float, default=15, show_default=True, help="Seconds.")
@click.option(
    "--follow-deployments",
    is_flag=True,
    help="Follow service deployments (bake time, hooks) to their end (with --cluster).",
)
def rollout_check_command(
    response: str | None,
    cluster: str | None,
    services_file: str | None,
    expect_file: str | None,
    region: str | None,
    stack: str | None,
    timeout: float,
    interval: float,
    follow_deployments: bool,
) -> int:
    """Fail a deploy whose ECS rollout failed or was rolled back, before the next stack is
    touched (the deploy workflow runs it after `pulumi up`)."""
    if bool(response) == bool(cluster):
        raise click.UsageError("give --response or --cluster")
    if cluster and not services_file:
        raise click.UsageError("--cluster needs --services-file")
    if follow_deployments and not cluster:
        raise click.UsageError("--follow-deployments needs --cluster")
    try:
        return _rollout_check(
            response, cluster, services_file, expect_file, region, timeout, interval,
            follow_deployments, stack,
        )  # fmt: skip
    except RolloutInputError as error:
        raise click.UsageError(str(error)) from None
    except RolloutAwsError as error:
        click.echo(f"rollout check: error: {error}", err=True)
        return 5


@aws_errors(code=5)
def _rollout_check(
    response: str | None,
    cluster: str | None,
    services_file: str | None,
    expect_file: str | None,
    region: str | None,
    timeout: float,
    interval: float,
    follow_deployments: bool,
    stack: str | None,
) -> int:
    names: dict[str, str] = read_json(services_file) if services_file else {}
    if not isinstance(names, dict):
        raise RolloutInputError(f"{services_file}: not a JSON object {{key: ECS service name}}")
    if follow_deployments:
        return follow_service_deployments(str(cluster), names, region, timeout, interval, stack)
    return check_rollout(
        names,
        expect_file,
        response=response,
        cluster=cluster,
        region=region,
        timeout_seconds=timeout,
        interval_seconds=interval,
    )


@click.group("github")
def github() -> None:
    """The GitHub REST calls the workflows make (GITHUB_TOKEN and GITHUB_REPOSITORY)."""


GITHUB_EXITS = {
    0: "done",
    1: "GitHub refused the call or could not be reached (the message says why)",
    2: "usage error: GITHUB_REPOSITORY or GITHUB_TOKEN not set, or a body without its hidden"
    " marker line",
}


def _github(call: Callable[[github_api.GitHub], str], body: str | None = None) -> int:
    try:
        if body is not None:
            github_api.marker_of(body)  # refused before any call
        repo = github_api.from_environment()
    except github_api.GitHubSetupError as error:
        raise click.UsageError(str(error)) from None
    try:
        click.echo(call(repo))
    except (github_api.GitHubError, github_api.GitHubUnreachableError) as error:
        click.echo(f"github: {error}", err=True)
        return 1
    return 0


@github.command("comment", epilog=exit_epilog(GITHUB_EXITS))
@exits(GITHUB_EXITS)
@click.option("--pr", type=int, required=True, help="The pull request number.")
@click.option("--body-file", type=click.Path(exists=True, path_type=Path), required=True)
def github_comment(pr: int, body_file: Path) -> int:
    """Create or edit the pull request comment that carries the body's marker line."""
    body = body_file.read_text()
    return _github(lambda repo: github_api.upsert_comment(repo, pr, body), body)


@github.command("issue", epilog=exit_epilog(GITHUB_EXITS))
@exits(GITHUB_EXITS)
@click.option("--title", required=True)
@click.option("--label", required=True)
@click.option("--body-file", type=click.Path(exists=True, path_type=Path), required=True)
def github_issue(title: str, label: str, body_file: Path) -> int:
    """Open or edit the open issue that carries the body's marker line."""
    body = body_file.read_text()
    return _github(lambda repo: github_api.upsert_issue(repo, title, body, label), body)


@github.command("release-pr", epilog=exit_epilog(GITHUB_EXITS))
@exits(GITHUB_EXITS)
@click.option(
    "--path",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="The changed file to commit.",
)
@click.option("--branch", required=True)
@click.option("--title", required=True)
@click.option("--body", default="")
def github_release_pr(path: str, branch: str, title: str, body: str) -> int:
    """Commit a changed file on a new branch and open a pull request."""
    return _github(lambda repo: github_api.open_release_pr(repo, path, branch, title, body))


COMMANDS = [
    release_command,
    promote_command,
    approve_command,
    rollback_command,
    rollout_check_command,
    github,
]
