"""Fields of Copilot's services (Load Balanced Web, Backend and Worker Services) beyond the task:
http, count, sidecars, deployment, subscribe (aws/copilot-cli internal/pkg/manifest/
lb_web_svc.go, backend_svc.go, worker_svc.go), mapped to ServiceSettings keys."""

from __future__ import annotations

import re
from typing import Any

from migrate.copilot.context import Context, Handler, fixed, seconds_to, to_key
from migrate.copilot.fields.scaling import count
from migrate.copilot.fields.task import depends_on, health_check, secrets, variables, words
from migrate.copilot.fields.volumes import volume_name
from migrate.copilot.values import has_placeholder, image_uri, placeholder
from settings.types import IMAGE_URI_PATTERN

NLB = (
    "there is no Network Load Balancer here (TCP/UDP/TLS listeners): serve HTTP through the"
    " stack's ALB (routing), or keep this service on Copilot"
)
IMAGE_URI = re.compile(IMAGE_URI_PATTERN)
RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")


def http(context: Context, value: Any, path: str) -> None:
    """`http` (a mapping, or false) as `routing` and `healthCheck` (a Load Balanced Web
    Service's; a Backend Service's internal-ALB routes are reported, not written)."""
    if value is False:
        context.mapped(path, "no ALB route (no routing key)")
        return
    if context.type == "Backend Service":
        context.not_mapped(
            path,
            "a Backend Service's routes are on Copilot's internal ALB; here"
            " it is reached through Service Connect (http://<name>:<port>, callers"
            " listed under allowFrom). An internal ALB is loadBalancer.internal:"
            " true, which makes the stack's one ALB internal",
        )
        return
    context.put("routing.priority", context.priority)
    context.changed(
        f"{path} (rule priority)",
        f"routing.priority {context.priority}: Copilot"
        " orders listener rules itself, here each route names its priority"
        " (given in the workspace's order)",
    )
    context.each(value, path, {
        "path": _path,
        "healthcheck": _target_health,
        "alias": _alias,
        "deregistration_delay": seconds_to("deregistrationDelaySeconds"),
        "target_container": to_key("routing.targetContainer"),
        "hosted_zone": fixed("not mapped", "the zone is the stack's: loadBalancer.domain.zoneId"
                             " in Pulumi.<stack>.yaml"),
        "target_port": fixed("not mapped", "the ALB targets the container's port (port, or the"
                             " sidecar's port with routing.targetContainer)"),
        "stickiness": fixed("not mapped", "sticky sessions are not supported"),
        "allowed_source_ips": fixed("not mapped", "per-route source IPs are not supported;"
                                    " loadBalancer.ingressCidrs limits the whole ALB"),
        "redirect_to_https": _redirect,
        "version": fixed("not mapped", "targets are HTTP/1.1 only (no gRPC or HTTP/2 targets)"),
        "additional_rules": fixed("not mapped", "one route per service here: declare another"
                                  " service for the other rules"),
        "alb": fixed("not mapped", "an imported ALB is loadBalancer.existing in the stack file,"
                     " by its HTTPS listener's ARN (with network.existing)"),
    })  # fmt: skip
    if context.get("healthCheck.path") is None:
        # copilot-cli include/http-healthcheck.en.md: the target group checks "/" by default.
        context.put("healthCheck.path", "/")
        context.mapped(
            f"{path}.healthcheck (absent)",
            "healthCheck.path /, Copilot's default (the default here is /health)",
        )


def _redirect(context: Context, value: Any, path: str) -> None:
    note = "HTTP always redirects to HTTPS here once the ALB has a certificate"
    if value is False:
        context.changed(path, f"{note}: plain HTTP is served only without one (development)")
    else:
        context.mapped(path, note)


def _path(context: Context, value: Any, path: str) -> None:
    # copilot-cli templates/workloads/partials/cf/http-listener.yml: "/" matches /*, any other
    # path P matches P and P/*.
    rule = "/" + str(value).strip("/")
    patterns = ["/*"] if rule == "/" else [rule, f"{rule}/*"]
    context.put("routing.pathPatterns", patterns)
    context.mapped(path, f"routing.pathPatterns {patterns} (the patterns Copilot's rule has)")


def _target_health(context: Context, value: Any, path: str) -> None:
    if not isinstance(value, dict):
        context.put("healthCheck.path", str(value))
        context.mapped(path, "healthCheck.path")
        return
    context.each(value, path, {
        "path": to_key("healthCheck.path"),
        "success_codes": to_key("healthCheck.matcher", str),
        "healthy_threshold": to_key("healthCheck.healthyThreshold"),
        "unhealthy_threshold": to_key("healthCheck.unhealthyThreshold"),
        "interval": seconds_to("healthCheck.intervalSeconds"),
        "timeout": seconds_to("healthCheck.timeoutSeconds"),
        "grace_period": seconds_to("healthCheckGracePeriodSeconds"),
        "port": fixed("not mapped", "the health check uses the traffic port"),
    })  # fmt: skip


def _alias(context: Context, value: Any, path: str) -> None:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            names.append(str(item.get("name")))
            if "hosted_zone" in item:
                context.not_mapped(
                    f"{path}.hosted_zone",
                    "the zone is the stack's: loadBalancer.domain.zoneId in Pulumi.<stack>.yaml",
                )
        else:
            names.append(str(item))
    context.put("routing.hostHeaders", names)
    context.changed(
        path,
        "routing.hostHeaders: the names route here; their certificate and DNS"
        " records come from the stack (loadBalancer.certificateArn or"
        " loadBalancer.domain), not from Copilot's application domain",
    )


def exec_enabled(context: Context, value: Any, path: str) -> None:
    """`exec` as `execEnabled`."""
    context.put("execEnabled", bool(value))
    context.mapped(path, "execEnabled (ecs-platform svc exec; it works on a read-only root)")


def deployment(context: Context, value: Any, path: str) -> None:
    """`deployment.rolling` as the deployment percentages, `rollback_alarms` as
    `deploymentAlarms`."""
    context.each(value, path, {"rolling": _rolling, "rollback_alarms": _rollback_alarms})


def _rolling(context: Context, value: Any, path: str) -> None:
    if value == "recreate":
        context.put("minHealthyPercent", 0)
        context.put("maxPercent", 100)
        context.mapped(path, "minHealthyPercent 0, maxPercent 100 (stop all, then start)")
    else:
        context.mapped(path, "the default rolling deployment (100% / 200%)")


ALARM_KINDS = {"cpu_utilization": "cpu-high", "memory_utilization": "memory-high",
               "messages_delayed": "queue-age"}  # fmt: skip


def _rollback_alarms(context: Context, value: Any, path: str) -> None:
    if isinstance(value, list):
        context.not_mapped(
            path,
            "alarms made outside the stack cannot roll a deployment back:"
            " declare them under alarms.custom and name them in deploymentAlarms",
        )
        return
    kinds = []
    for key, threshold in (value or {}).items():
        if key in ALARM_KINDS:
            kinds.append(ALARM_KINDS[key])
            context.changed(
                f"{path}.{key}",
                f"deploymentAlarms {ALARM_KINDS[key]}: the threshold"
                f" ({threshold}) is the stack's (alarms.thresholds), not per service",
            )
        else:
            context.not_mapped(f"{path}.{key}", "unknown field: not written")
    if kinds:
        context.put("deploymentAlarms", kinds)


def sidecars(context: Context, value: Any, path: str) -> None:
    """`sidecars` (a mapping by name) as the `sidecars` list, Copilot's defaults kept."""
    if context.type == "Scheduled Job":
        context.not_mapped(path, "a job here runs one container: no sidecars")
        return
    if not isinstance(value, dict):
        context.not_mapped(path, f"expected a mapping of sidecars, got {value!r}")
        return
    context.put("sidecars", [_sidecar(context, name, body or {}, f"{path}.{name}")
                             for name, body in value.items()])  # fmt: skip


def _sidecar(context: Context, name: str, body: dict[str, Any], path: str) -> dict[str, Any]:
    sub = Context(context.file, context.name, context.type, context.app, context.interpolation,
                  volume_names=context.volume_names)  # fmt: skip
    sub.put("name", volume_name(str(name)))
    if volume_name(str(name)) != name:
        context.changed(path, f"sidecar {volume_name(str(name))}: renamed (lower case, hyphens)")
    if "essential" not in body:  # copilot-cli include/sidecar-config.en.md: defaults to true
        sub.put("essential", True)
        sub.mapped(
            f"{path}.essential",
            "absent: Copilot's default (essential) written, since"
            " sidecars here default to non-essential",
        )
    sub.each(body, path, {
        "image": _sidecar_image,
        "port": _sidecar_port,
        "essential": to_key("essential"),
        "variables": variables("environment"),
        "secrets": secrets("secrets"),
        "command": to_key("command", words),
        "entrypoint": to_key("entryPoint", words),
        "healthcheck": lambda c, v, p: health_check(c, v, p, "healthCheck"),
        "depends_on": to_key("dependsOn", depends_on),
        "mount_points": _mount_points,
        "labels": fixed("not mapped", "Docker labels are not set here"),
        "credentialsParameter": fixed("not mapped", "private registry credentials are not"
                                      " supported: mirror the image into the stack's ECR"),
        "env_file": fixed("not mapped", "upload the file to S3 and list it under the sidecar's"
                          " environmentFiles"),
    })  # fmt: skip
    if "/tmp" not in [m.get("mountPath") for m in sub.out.get("volumes", [])]:
        sub.out.setdefault("writablePaths", ["/tmp"])  # as the service's (workload.py SIDECAR_NOTE)
    context.entries += sub.entries
    return sub.out


def _sidecar_port(context: Context, value: Any, path: str) -> None:
    text = str(value).split("/")[0]  # Copilot's "80/tcp" form
    context.put("port", int(text) if text.isdigit() else value)
    context.mapped(path, "port")


def _sidecar_image(context: Context, value: Any, path: str) -> None:
    location = value.get("location") if isinstance(value, dict) else value
    if location is None:
        context.put("image", placeholder("a built image URI for this sidecar"))
        context.not_mapped(
            path,
            "Copilot built this sidecar's image: build and push it"
            " elsewhere and give its URI (a placeholder is written)",
        )
        return
    uri, added = image_uri(str(location))
    if not IMAGE_URI.match(uri) and not has_placeholder(uri):
        context.put("image", placeholder(f"a full image URI for {location}"))
        context.not_mapped(
            path,
            f"{location!r} is not an image reference this project takes"
            " (registry/name:tag): write it out (a placeholder is written)",
        )
        return
    context.put("image", uri)
    if added:
        context.changed(path, f"image {uri}: written out with {' and '.join(added)}")
    else:
        context.mapped(path, "image")


def _mount_points(context: Context, value: Any, path: str) -> None:
    sources = [str(m.get("source_volume")) for m in value or []]
    names = [context.volume_names.get(s) or volume_name(s) for s in sources]
    mounts = [
        {"name": name, "mountPath": m.get("path"), "readOnly": bool(m.get("read_only", True))}
        for name, m in zip(names, value or [], strict=True)
    ]
    context.put("volumes", mounts)
    note = "volumes (the task's volumes by name; read_only defaults to true)"
    renamed = [f"{s} as {n}" for s, n in zip(sources, names, strict=True) if s != n]
    if renamed:
        context.changed(path, f"{note}: source_volume {', '.join(renamed)}, the volume's name here")
    else:
        context.mapped(path, note)


SERVICE_FIELDS: dict[str, Handler] = {
    "http": http,
    "nlb": fixed("not mapped", NLB),
    "count": count,
    "exec": exec_enabled,
    "deployment": deployment,
    "sidecars": sidecars,
}
