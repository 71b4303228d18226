"""`ecs-platform svc exec|approve|rollback|revisions|verify|deploy`: the service commands that
open a session, act on a deployment, check what a deployment needs, or release an image."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from cli.common import command, emit_json, json_output
from cli.opsutil import COMMON_EXITS, aws_errors, load, print_rows, stack_options, when
from cli.svc import follow_deployment
from ops import aws, github_api, service_deployments
from ops import exec as exec_ops
from ops.deploy import pin_and_propose, wait_for_digest
from ops.release import ReleaseError, check_digest, pinned_key
from ops.revisions import previous_digest, revisions
from ops.verify import verify

EXEC_EXITS = {
    0: "the command exited 0 (a shell: the session ended)",
    2: "usage error, or the stack file is refused",
    125: "a pre-check failed, or AWS refused a call (the message says which)",
    255: "the session ended before the command's exit status came back",
}


@command("exec", {**EXEC_EXITS, 1: "(and any other) the command's own exit status"})
@json_output(
    "(with `--command`) one object after the session: `service`, `task`, `container`, "
    "`command`, `exitStatus`, `output` (what the command printed)."
)
@click.argument("service")
@click.option("--task", help="Task id or unique prefix (default: a running task).")
@click.option("--container", help="Container (default: the main one, named like the service).")
@click.option("--command", "command_line", help="Run this and exit with its status (no shell).")
@stack_options
@aws_errors(125)
def exec_command(
    service: str,
    task: str | None,
    container: str | None,
    command_line: str | None,
    stack: str,
    project_dir: Path,
    profile: str | None,
    as_json: bool,
) -> int:
    """ECS Exec into one of the service's tasks: a shell, or --command with its exit status
    returned (the Session Manager plugin alone always exits 0). Pre-checks first: exec enabled,
    the exec agent running, session-manager-plugin installed."""
    names = load(stack, project_dir, profile)
    ecs = aws.client("ecs", names.region)
    try:
        target = exec_ops.prechecks(ecs, names, service, task, container)
    except exec_ops.ExecRefusedError as error:
        click.echo(f"exec: {error}", err=True)
        return 125
    click.echo(
        f"exec: {command_line or 'a shell'} in container {target.container} of task"
        f" {target.task_arn.rsplit('/', 1)[-1]}",
        err=True,
    )
    if as_json and not command_line:
        raise click.UsageError("--json needs --command (a shell prints no JSON)")
    captured = io.StringIO()
    status = exec_ops.run_session(
        ecs, target, command_line, profile, captured if as_json else sys.stdout
    )
    if as_json:
        emit_json(
            {
                "service": service,
                "task": target.task_arn,
                "container": target.container,
                "command": command_line,
                "exitStatus": status,
                "output": captured.getvalue(),
            }
        )
    if command_line and status == exec_ops.NO_STATUS:
        click.echo("exec: the session ended before the command's exit status came back", err=True)
    return status


DEPLOYMENT_EXITS = {0: "done", 1: "no deployment to act on (the message says why)", **COMMON_EXITS}


@command("approve", DEPLOYMENT_EXITS)
@json_output("one object: `action`, `service`, `serviceDeploymentArn`.")
@click.argument("service")
@stack_options
@aws_errors()
def approve(service: str, stack: str, project_dir: Path, profile: str | None, as_json: bool) -> int:
    """Continue SERVICE's deployment paused at its approval (ContinueServiceDeployment)."""
    names = load(stack, project_dir, profile)
    ecs = aws.client("ecs", names.region)
    arn = service_deployments.approve(ecs, names.cluster, names.service(service).service)
    if as_json:
        emit_json({"action": "approve", "service": service, "serviceDeploymentArn": arn})
    else:
        click.echo(f"approve: {service}: {arn}")
    return 0


@command("rollback", DEPLOYMENT_EXITS)
@json_output(
    "one object: `action`, `service`, `serviceDeploymentArn`, `previousDigest` (the image the"
    " rollback returns to, or null), `pinned` (whether the stack file was changed)."
)
@click.argument("service")
@click.option(
    "--pin-previous/--no-pin-previous",
    default=None,
    help="Pin the image the rollback returns to in the stack file (default: ask on a terminal,"
    " otherwise print the command).",
)
@stack_options
@aws_errors()
def rollback(
    service: str,
    pin_previous: bool | None,
    stack: str,
    project_dir: Path,
    profile: str | None,
    as_json: bool,
) -> int:
    """Roll SERVICE's running or paused deployment back, then offer to pin the previous image
    digest in the stack file, so the next `pulumi up` does not deploy the bad image again."""
    names = load(stack, project_dir, profile)
    declared = names.service(service)
    ecs = aws.client("ecs", names.region)
    arn = service_deployments.rollback(ecs, names.cluster, declared.service)
    digest = previous_digest(ecs, arn, declared.main_container)
    pinned: Path | None = None
    hint = f"ecs-platform release {service} --stack {stack} --digest {digest}"
    if digest and declared.settings.image.digest != digest and declared.repository:
        if pin_previous is None and not as_json and sys.stdin.isatty():
            pin_previous = click.confirm(f"pin {service} to {digest} in the stack file?", err=True)
        if pin_previous:
            from ops.release import release

            pinned = release(stack, service, digest, project_dir)
    if as_json:
        emit_json(
            {
                "action": "rollback",
                "service": service,
                "serviceDeploymentArn": arn,
                "previousDigest": digest,
                "pinned": pinned is not None,
            }
        )
        return 0
    click.echo(f"rollback: {service}: {arn}")
    if pinned:
        changed = pinned.resolve().relative_to(project_dir.resolve()).as_posix()
        click.echo(f"{changed}: {pinned_key(pinned, service, stack)} pinned to {digest}")
    elif digest and declared.settings.image.digest != digest:
        click.echo(f"the stack file still deploys the rolled-back image; to pin {digest}: {hint}")
    return 0


@command("revisions", {0: "listed", 1: "the service is not found", **COMMON_EXITS})
@json_output(
    "one object: `service`, `family`, `revisions[]` (`revision`, `arn`, `registeredAt`, "
    "`image`, `inUse[]` deployment statuses, `stackFileImage`)."
)
@click.argument("service")
@stack_options
@aws_errors()
def revisions_command(
    service: str, stack: str, project_dir: Path, profile: str | None, as_json: bool
) -> int:
    """The service's task definition revisions, newest first: image, the deployments using
    each, and whether it runs the stack file's image."""
    names = load(stack, project_dir, profile)
    declared = names.service(service)
    rows = revisions(aws.client("ecs", names.region), names.cluster, declared)
    if as_json:
        emit_json({"service": service, "family": declared.family, "revisions": rows})
        return 0
    table = [
        [
            r["revision"],
            when(r["registeredAt"]),
            r["inUse"],
            "yes" if r["stackFileImage"] else "",
            short_image(r["image"]),
        ]
        for r in rows
    ]
    print_rows(
        f"Revisions of {declared.family}",
        ["Rev", "Registered", "In use", "Stack file", "Image"],
        table,
    )
    return 0


@command("verify", {0: "every check passed", 1: "a check failed", **COMMON_EXITS})
@json_output("one object: `service`, `ok`, `checks[]` (`check`, `ok`, `detail`).")
@click.argument("service")
@stack_options
@aws_errors()
def verify_command(
    service: str, stack: str, project_dir: Path, profile: str | None, as_json: bool
) -> int:
    """Check what a deployment of SERVICE needs: the cluster, the pinned image in ECR, secrets
    and parameters (and the execution role's grant), log groups, target group ports."""
    names = load(stack, project_dir, profile)
    checks = verify(names, service)
    failed = [c for c in checks if not c.ok]
    if as_json:
        emit_json(
            {
                "service": service,
                "ok": not failed,
                "checks": [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in checks],
            }
        )
    else:
        for check in checks:
            click.echo(f"{'OK  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
        click.echo(
            f"{service}: {len(failed)} of {len(checks)} checks failed"
            if failed
            else f"{service}: verify OK"
        )
    return 1 if failed else 0


DEPLOY_EXITS = {
    0: "the release was proposed (with --wait: and deployed)",
    1: "(with --wait) the deployment failed, or it was not applied before the timeout",
    2: "refused input (digest, stack, service), or no GitHub repository and token",
    3: "AWS refused a call",
    4: "(with --wait) the deployment waits for its approval at the timeout",
    5: "GitHub refused the pull request or could not be reached (the file is left unchanged)",
    130: "interrupted (Ctrl-C): nothing more was sent",
}


@command("deploy", DEPLOY_EXITS)
@json_output(
    "one object: `service`, `digest`, `stackFile` (the file changed, relative to the project"
    " folder: Pulumi.<stack>.yaml or services/<service>.yaml), `key` (the image key written),"
    " `pullRequest`; with `--wait`, the `svc wait` object instead."
)
@click.argument("service")
@click.option("--digest", required=True, metavar="sha256:...", help="The image digest.")
@click.option("--no-pr", is_flag=True, help="Only change the stack file (commit it yourself).")
@click.option("--wait", "wait_after", is_flag=True, help="Follow the rollout after the merge.")
@click.option("--timeout", type=float, default=3600, show_default=True, help="Seconds.")
@click.option("--interval", type=float, default=15, show_default=True, help="Seconds.")
@stack_options
@aws_errors()
def deploy(
    service: str,
    digest: str,
    no_pr: bool,
    wait_after: bool,
    timeout: float,
    interval: float,
    stack: str,
    project_dir: Path,
    profile: str | None,
    as_json: bool,
) -> int:
    """Release an image: pin SERVICE to --digest in the stack file and open the release pull
    request (GITHUB_TOKEN, GITHUB_REPOSITORY); with --wait, follow the rollout once the merged
    change is applied by `pulumi up`. Never updates the service directly."""
    names = load(stack, project_dir, profile)
    try:
        check_digest(digest)
        declared = names.service(service)
        github = None if no_pr else github_api.from_environment()
        path, proposed = pin_and_propose(names, service, digest, project_dir, github)
    except (ReleaseError, LookupError) as error:
        raise click.UsageError(str(error.args[0])) from None
    except github_api.GitHubSetupError as error:
        raise click.UsageError(f"{error} (or give --no-pr)") from None
    except (github_api.GitHubError, github_api.GitHubUnreachableError) as error:
        click.echo(f"deploy: GitHub: {error}; no file was changed", err=True)
        return 5
    changed = path.resolve().relative_to(project_dir.resolve()).as_posix()
    key = pinned_key(path, service, stack)
    click.echo(f"{changed}: {key} pinned to {digest}", err=as_json)
    if proposed:
        click.echo(f"deploy: {proposed}", err=as_json)
    if not wait_after:
        if as_json:
            emit_json(
                {
                    "service": service,
                    "digest": digest,
                    "stackFile": changed,
                    "key": key,
                    "pullRequest": proposed,
                }
            )
        return 0
    ecs = aws.client("ecs", names.region)
    from cli.opsutil import progress

    try:
        applied = wait_for_digest(
            ecs,
            names.cluster,
            declared.service,
            declared.main_container,
            digest,
            timeout_seconds=timeout,
            interval_seconds=interval,
            report=progress(f"{service}:"),
        )
    except KeyboardInterrupt:
        click.echo("interrupted: stopped waiting; the pull request stays open", err=True)
        return 130
    if not applied:
        click.echo(f"deploy: {digest} was not applied within {int(timeout)} s", err=True)
        return 1
    return follow_deployment(
        names.region,
        names.cluster,
        declared.service,
        declared.progressive,
        "deployed",
        timeout,
        interval,
        as_json,
        stack,
    )


def short_image(image: str | None) -> str:
    """`<registry host>/<repository>@sha256:<64 hex>` as `<repository>@sha256:<12 hex>`."""
    if not image:
        return "-"
    name = image.split("/", 1)[1] if "." in image.split("/", 1)[0] else image
    repository, at, digest = name.partition("@")
    return f"{repository}@{digest[:19]}" if at else name


SUBCOMMANDS = [exec_command, approve, rollback, revisions_command, verify_command, deploy]
