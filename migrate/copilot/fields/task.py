"""Manifest fields every Copilot workload shares (the task: image, size, platform, variables,
secrets, storage, logging, network), mapped to TaskSettings keys (settings/service.py).
Field names: aws/copilot-cli internal/pkg/manifest/workload.go and svc.go (`yaml:` tags)."""

from __future__ import annotations

import shlex
from typing import Any

from migrate.copilot.context import Context, Handler, fixed, seconds_to, to_key
from migrate.copilot.fields.image import build, location
from migrate.copilot.fields.taskdef import taskdef_overrides
from migrate.copilot.values import (
    placeholder,
    secret_reference,
    secrets_manager_reference,
)

ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "arm64": "arm64", "arm": "arm64"}


def image(context: Context, value: Any, path: str) -> None:
    """`image` (location or build, port, healthcheck, depends_on) as `image`, `port`,
    `containerHealthCheck` and `dependsOn`."""
    handlers: dict[str, Handler] = {
        "location": location,
        "build": build,
        "port": _port,
        "healthcheck": _container_healthcheck,
        "depends_on": _depends_on("dependsOn"),
        "labels": fixed("not mapped", "Docker labels are not set here: drop them or bake them"
                        " into the image (LABEL in the Dockerfile)"),
        "credentials": fixed("not mapped", "private registry credentials (repositoryCredentials)"
                             " are not supported: mirror the image into the stack's ECR"),
    }  # fmt: skip
    if isinstance(value, dict) and "location" in value and "build" in value:
        value = {k: v for k, v in value.items() if k != "build"}
        context.not_mapped(
            f"{path}.build",
            "image.location is given too, and Copilot deploys"
            " the location (transform.go: location and build exclude each other)",
        )
    context.each(value, path, handlers)


def _port(context: Context, value: Any, path: str) -> None:
    if context.type in ("Worker Service", "Scheduled Job"):
        context.not_mapped(path, f"a {context.type} takes no traffic: no port is written")
        return
    text = str(value).split("/")[0]
    context.put("port", int(text) if text.isdigit() else value)
    context.mapped(path, "port")


def _container_healthcheck(context: Context, value: Any, path: str) -> None:
    key = "containerHealthCheck"
    if context.type == "Scheduled Job":
        context.not_mapped(path, "a job here has no container health check: it runs to completion")
        return
    health_check(context, value, path, key)


def health_check(context: Context, value: Any, path: str, key: str) -> None:
    """A container health check at `key` (top level of `context.out`); without a readable
    command nothing of it is written (ECS needs the command), and its fields say so."""
    before = len(context.entries)
    context.each(value, path, health_check_handlers(key))
    if isinstance(context.out.get(key), dict) and "command" not in context.out[key]:
        context.out.pop(key)
        context.entries[before:] = [
            (at, "not mapped", "no readable command, so no health check is written")
            if status != "not mapped"
            else (at, status, note)
            for at, status, note in context.entries[before:]
        ]


def health_check_handlers(key: str) -> dict[str, Handler]:
    """Copilot's container health check (image.healthcheck, sidecars.<n>.healthcheck) under
    `key`: Docker's command, durations in seconds."""
    return {
        "command": _health_command(f"{key}.command"),
        "interval": seconds_to(f"{key}.intervalSeconds"),
        "retries": to_key(f"{key}.retries"),
        "timeout": seconds_to(f"{key}.timeoutSeconds"),
        "start_period": seconds_to(f"{key}.startPeriodSeconds"),
    }


def _health_command(key: str) -> Handler:
    """Copilot reads the command as a list of strings only (internal/pkg/manifest/
    workload_ecs.go `ContainerHealthCheck.Command []string`): anything else is reported."""

    def handle(context: Context, value: Any, path: str) -> None:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            context.put(key, value)
            context.mapped(path, key)
        else:
            context.not_mapped(path, f"{value!r} is not a list of strings, the only form"
                               " Copilot reads (like [CMD-SHELL, curl -f http://localhost/]):"
                               " not written")  # fmt: skip

    return handle


def _depends_on(key: str) -> Handler:
    def handle(context: Context, value: Any, path: str) -> None:
        if context.type == "Scheduled Job":
            context.not_mapped(path, "a job here has one container: no start order")
            return
        if not isinstance(value, dict):
            context.not_mapped(path, f"expected container: condition pairs, got {value!r}")
            return
        context.put(key, depends_on(value))
        context.mapped(path, f"{key} (containerName, condition)")

    return handle


def depends_on(value: dict[str, Any]) -> list[dict[str, str]]:
    """Copilot's `{container: start|healthy|complete|success}` as ECS's dependsOn list."""
    return [{"containerName": str(k), "condition": str(v).upper()} for k, v in value.items()]


def words(value: Any) -> list[str]:
    """Copilot's string-or-list command form as a list (a string is split as a shell would)."""
    return [str(v) for v in value] if isinstance(value, list) else shlex.split(str(value))


def _command(key: str) -> Handler:
    def handle(context: Context, value: Any, path: str) -> None:
        context.put(key, words(value))
        if isinstance(value, list):
            context.mapped(path, key)
        else:
            context.changed(path, f"{key}: the string is split into a list as a shell would")

    return handle


def platform(context: Context, value: Any, path: str) -> None:
    """`platform` (`linux/arm64`, or a mapping) as `architecture` or `operatingSystem`."""
    if isinstance(value, dict):
        os_family = str(value.get("osfamily", "linux"))
        arch = str(value.get("architecture", "x86_64"))
    else:
        os_family, _, arch = str(value).partition("/")
    if os_family.lower() == "linux" and arch in ARCHITECTURES:
        context.put("architecture", ARCHITECTURES[arch])
        context.mapped(path, f"architecture {ARCHITECTURES[arch]}")
    elif os_family.lower().startswith("windows"):
        context.put("operatingSystem", "windows")
        context.changed(
            path,
            "operatingSystem windows: Windows Server 2022 Core on Fargate"
            f" (Copilot's {value!r} may name another edition)",
        )
    else:
        context.not_mapped(path, f"platform {value!r} is not one this project runs")


def variables(key: str) -> Handler:
    """A handler writing a mapping of plain variables under `key` (`from_cfn` becomes a
    placeholder)."""

    def handle(context: Context, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            context.not_mapped(path, f"expected a mapping of variables, got {value!r}")
            return
        for name, item in value.items():
            at = f"{path}.{name}"
            if isinstance(item, dict) and "from_cfn" in item:
                _from_cfn(context, at, f"{key}.{name}", item["from_cfn"], "the value",
                          "write the value")  # fmt: skip
            elif isinstance(item, dict | list):
                context.not_mapped(at, f"expected a plain value, got {item!r}: not written")
            elif item is None:
                context.put(f"{key}.{name}", "")
                context.mapped(at, f'{key}.{name} "": empty, as Copilot reads it (a Go string)')
            else:
                # The text as written: workspace.py reads variables so (Copilot's are strings).
                context.put(f"{key}.{name}", str(item))
                context.mapped(at, f"{key}.{name}")

    return handle


def secrets(key: str) -> Handler:
    """A handler writing a mapping of secrets under `key`: an SSM name as `ssm:<name>`, a
    `secretsmanager:` name as `secretsmanager:<name>[:<key>[:<stage>[:<id>]]]`, an ARN as
    written, `from_cfn` as a placeholder."""

    def handle(context: Context, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            context.not_mapped(path, f"expected a mapping of secrets, got {value!r}")
            return
        for name, item in value.items():
            at = f"{path}.{name}"
            if isinstance(item, dict) and "secretsmanager" in item:
                ref, how = secrets_manager_reference(str(item["secretsmanager"]))
                context.put(f"{key}.{name}", ref)
                context.mapped(at, f"{key}.{name}: {ref} ({how})")
            elif isinstance(item, dict) and "from_cfn" in item:
                _from_cfn(context, at, f"{key}.{name}", item["from_cfn"], "the secret",
                          "give ssm:<name>, secretsmanager:<name> or the ARN")  # fmt: skip
            elif isinstance(item, str):
                ref, how = secret_reference(item)
                context.put(f"{key}.{name}", ref)
                context.mapped(at, f"{key}.{name}: {ref} ({how})")
            else:
                context.not_mapped(at, f"unknown secret form {item!r}: not written")

    return handle


def _from_cfn(context: Context, at: str, key: str, export: Any, what: str, do: str) -> None:
    """A `from_cfn` value or secret: a placeholder for `what` of the export, and `do` said.
    An export named after the environment (made readable by Interpolation.walk:
    `<environment>` in the base manifest) gets one per stack."""
    context.put(key, placeholder(f"{what} of export {export}"))
    per_stack = (
        "; the export's name has the environment's, so each stack gets its own under"
        " environments.<stack> (a stack added later needs its own too)"
        if "<environment>" in str(export)
        else ""
    )
    context.not_mapped(at, f"from_cfn reads a CloudFormation export, which this project"
                       f" cannot: {do} (a placeholder is written{per_stack})")  # fmt: skip


def logging(context: Context, value: Any, path: str) -> None:
    """`logging.retention` as `logRetentionDays`; FireLens fields are reported."""
    firelens = fixed(
        "not mapped",
        "FireLens log routing is not supported: every container logs to CloudWatch Logs (awslogs)",
    )
    context.each(value, path, {
        "retention": to_key("logRetentionDays"),
        **{k: firelens for k in ("image", "destination", "enableMetadata", "secretOptions",
                                 "configFilePath", "variables", "secrets", "env_file")},
    })  # fmt: skip


def storage(context: Context, value: Any, path: str) -> None:
    """`storage` (readonly_fs, ephemeral, volumes) as `readOnlyRootFilesystem` and
    `volumes`."""
    from migrate.copilot.fields.volumes import volumes

    context.each(value, path, {
        "readonly_fs": to_key("readOnlyRootFilesystem"),
        "ephemeral": fixed("not mapped", "extra Fargate ephemeral storage is not supported"
                           " (21 GiB is there): use volumes with efs, or an ebsVolume"),
        "volumes": volumes,
    })  # fmt: skip


def network(context: Context, value: Any, path: str) -> None:
    """`network` (connect, vpc.placement, vpc.security_groups) as `securityGroups`; the rest
    is what this project always does, or reported."""
    context.each(value, path, {"connect": _connect, "vpc": _vpc})


def _connect(context: Context, value: Any, path: str) -> None:
    if isinstance(value, dict) and "alias" in value:
        context.not_mapped(f"{path}.alias", "Service Connect names are the service's name here")
    if value is False:
        context.changed(path, "Service Connect is always on for Linux services here")
    else:
        context.mapped(path, "Service Connect is always on for Linux services here")


def _vpc(context: Context, value: Any, path: str) -> None:
    context.each(value, path, {"placement": _placement, "security_groups": _security_groups})


def _placement(context: Context, value: Any, path: str) -> None:
    if value == "private":
        context.mapped(path, "tasks always run in private subnets here")
    elif value == "public":
        context.changed(
            path,
            "tasks run in private subnets without public IPs here (policy"
            " ecs-2-16-no-public-ip): they reach the internet through the stack's"
            " NAT (network.natGateways) or VPC endpoints, which cost money",
        )
    else:
        context.not_mapped(
            path,
            "choosing subnets per workload is not supported: tasks use"
            " the stack's private subnets (network.existing.privateSubnetIds)",
        )


def _security_groups(context: Context, value: Any, path: str) -> None:
    groups = value.get("groups", []) if isinstance(value, dict) else value
    if isinstance(value, dict):
        if "deny_default" in value:
            context.mapped(f"{path}.deny_default", "there is no environment-wide group here")
        for key in set(value) - {"groups", "deny_default"}:
            context.not_mapped(f"{path}.{key}", "unknown field: not written")
    ids = []
    for index, group in enumerate(groups or []):
        if isinstance(group, dict) and "from_cfn" in group:
            ids.append(placeholder(f"the security group of export {group['from_cfn']}"))
            context.not_mapped(
                f"{path}[{index}]",
                "from_cfn reads a CloudFormation export:"
                " give the group's id (a placeholder is written)",
            )
        else:
            ids.append(str(group))
            context.mapped(f"{path}[{index}]", "securityGroups")
    if ids:
        context.put("securityGroups", ids)


TASK_FIELDS: dict[str, Handler] = {
    "name": fixed("mapped", "the file's name (services/<name>.yaml or jobs/<name>.yaml)"),
    "cpu": to_key("cpu"),
    "memory": to_key("memory"),
    "platform": platform,
    "image": image,
    "entrypoint": _command("entryPoint"),
    "command": _command("command"),
    "variables": variables("environment"),
    "secrets": secrets("secrets"),
    "env_file": fixed("not mapped", "Copilot uploaded the local file to S3 at deploy; upload it"
                      " yourself and list arn:aws:s3:::<bucket>/<key>.env under environmentFiles"),
    "storage": storage,
    "logging": logging,
    "network": network,
    "taskdef_overrides": taskdef_overrides,
    "observability": fixed("not mapped", "X-Ray tracing through an ADOT sidecar is not built"
                           " in: add the collector as a sidecar"),
    "publish": fixed("not mapped", "services here create no SNS topics: create the topics in"
                     " another stack, grant sns:Publish under permissions, and subscribe the"
                     " workers by topic ARN (queue.create.subscribe)"),
}  # fmt: skip
