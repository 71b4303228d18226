"""Transition hazards: changes whose final state is valid but whose steps AWS refuses in the order
the engine applies them. Each is a blocking risk whose message gives the safe sequence of deploys.

How the engine orders one `pulumi up`: creates and updates run as soon as their dependencies are
done (in parallel otherwise); deletes of removed resources run last; a resource with a fixed
physical name is replaced delete-first (pulumi-terraform-bridge pkg/tfbridge/schema.go,
`nameRequiresDeleteBeforeReplace`), every other replacement create-first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from harness.deployments import strategy_of
from harness.records import RecordedResource, inputs_document, stack_free_urn
from review.diff import Change
from review.risks import Risk

SERVICE = "aws:ecs/service:Service"
ASSOCIATION = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
FARGATE_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})
# What AWS refuses to delete while another resource still holds it, and the holders that count:
# ELBv2 DeleteTargetGroup fails with ResourceInUse while a listener or rule forwards to it (or a
# service registers targets); EC2 DeleteSecurityGroup fails with DependencyViolation while an
# ENI or another group's rule uses it; a capacity provider in use cannot be deleted.
IN_USE_BY: dict[str, frozenset[str]] = {
    "aws:lb/targetGroup:TargetGroup": frozenset(
        {"aws:lb/listenerRule:ListenerRule", "aws:lb/listener:Listener", SERVICE}
    ),
    "aws:ec2/securityGroup:SecurityGroup": frozenset(
        {
            SERVICE,
            "aws:lb/loadBalancer:LoadBalancer",
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "aws:ec2/instance:Instance",
        }
    ),
    CAPACITY_PROVIDER: frozenset({ASSOCIATION, SERVICE}),
}


def _providers(service: RecordedResource | None) -> set[str]:
    strategy = inputs_document(service).get("capacityProviderStrategies") or []
    return {str(item.get("capacityProvider")) for item in strategy}


def pool_labels(resources: Iterable[RecordedResource]) -> dict[str, str]:
    """Capacity provider name -> the pool's name as the stack file says it (the provider's
    logical name minus its cluster component's)."""
    labels = {}
    for resource in resources:
        if resource.type == CAPACITY_PROVIDER:
            cluster = resource.parent.rsplit("::", 1)[-1]
            labels[str(inputs_document(resource).get("name"))] = resource.name.removeprefix(
                f"{cluster}-"
            )
    return labels


def _removed_providers(changes: Sequence[Change]) -> set[str]:
    removed: set[str] = set()
    for change in changes:
        if change.type == ASSOCIATION and change.old is not None:
            before = set(inputs_document(change.old).get("capacityProviders") or [])
            after = set(inputs_document(change.new).get("capacityProviders") or [])
            removed |= before - after
    return removed


def provider_removed_in_use(changes: Sequence[Change], labels: dict[str, str]) -> Iterator[Risk]:
    """A capacity provider leaves the cluster while the base still places a service on it.

    ECS services depend on the cluster's capacity-provider association, so PutClusterCapacity
    Providers runs before the service moves (or is deleted, deletes run last), and ECS refuses:
    "The specified capacity provider is in use and cannot be removed" (aws-cdk#15366,
    containers-roadmap#631). terraform-provider-aws internal/service/ecs/
    cluster_capacity_providers.go retries ResourceInUseException until its update timeout, then
    fails."""
    removed = _removed_providers(changes)
    if not removed:
        return
    for change in changes:
        if change.type != SERVICE or change.old is None:
            continue
        for provider in sorted(_providers(change.old) & removed):
            pool = labels.get(provider, provider)
            what = "deletes" if change.new is None else "moves"
            first = (
                f"delete `{change.name}` (keep `{pool}`)"
                if change.new is None
                else f"move `{change.name}` off `{pool}` (keep `{pool}` in the stack file)"
            )
            yield Risk(
                "transition-provider-in-use",
                change.urn,
                f"`{change.name}` runs on `{pool}` in the base and this change removes `{pool}`"
                f" from the cluster while it {what} `{change.name}`: the cluster's capacity"
                " providers are updated first and ECS refuses (the capacity provider is in use)."
                f" Safe sequence: {first}, deploy, then remove the pool `{pool}` and deploy"
                " again.",
                blocking=True,
            )


def _family(providers: set[str]) -> str | None:
    if not providers:
        return None
    return "fargate" if providers <= FARGATE_PROVIDERS else "ec2"


def capacity_family_move(changes: Sequence[Change], labels: dict[str, str]) -> Iterator[Risk]:
    """A service moved between an EC2 pool and Fargate.

    The provider sends the new strategy with the new task-definition revision (its
    requiresCompatibilities changes) in one UpdateService (terraform-provider-aws internal/
    service/ecs/service.go, resourceServiceUpdate; in place only because forceNewDeployment is
    set, capacityProviderStrategyCustomizeDiff). AWS accepts the move as a rolling deployment
    (API_UpdateService, capacityProviderStrategy: "valid transitions"), but only when the service
    is the one thing changing on that capacity: combined with a change to the pool it leaves or
    joins, the pool's steps race the service's deployment."""
    removed = _removed_providers(changes)
    pools_changed = {
        str(inputs_document(c.old or c.new).get("name"))
        for c in changes
        if c.type == CAPACITY_PROVIDER and c.action in ("update", "replace")
    }  # a deleted pool is provider_removed_in_use's case
    for change in changes:
        if change.type != SERVICE or change.old is None or change.new is None:
            continue
        before, after = _providers(change.old), _providers(change.new)
        if {_family(before), _family(after)} != {"ec2", "fargate"} or before & removed:
            continue  # leaving a removed pool: provider_removed_in_use says what to do
        pools = sorted((before | after) - FARGATE_PROVIDERS)
        shown = ", ".join(f"`{labels.get(p, p)}`" for p in pools)
        direction = "from an EC2 pool to Fargate" if _family(after) == "fargate" else "onto EC2"
        touched = [p for p in pools if p in pools_changed]
        message = (
            f"`{change.name}` moves {direction} ({shown}): one ECS deployment replaces every"
            " task on the other capacity."
        )
        if touched:
            yield Risk(
                "transition-capacity-move",
                change.urn,
                message + f" This change also changes {shown}. Safe sequence: move"
                f" `{change.name}` alone, deploy and wait for a steady state, then change the"
                " pool in a second deploy.",
                blocking=True,
            )
        else:
            yield Risk(
                "capacity-move",
                change.urn,
                message + " Deploy it on its own and watch the deployment reach a steady state.",
            )


def _unique_keys(resource: RecordedResource) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(what, key) for each value AWS keeps unique among resources of this kind."""
    inputs = inputs_document(resource)
    if resource.type == "aws:lb/listenerRule:ListenerRule" and inputs.get("priority"):
        yield "listener rule priority", (inputs.get("listenerArn"), inputs["priority"])
    if resource.type == "aws:lb/listener:Listener" and inputs.get("port"):
        yield "listener port", (inputs.get("loadBalancerArn"), inputs["port"])
    if resource.type == SERVICE:
        for item in (inputs.get("serviceConnectConfiguration") or {}).get("services") or []:
            if item.get("discoveryName"):
                yield "Service Connect name", ("sc", item["discoveryName"])
    for key in ("name", "bucket", "dashboardName", "alarmName"):
        if isinstance(inputs.get(key), str):
            yield key, (resource.type, inputs[key])


def _holders(
    changes: Sequence[Change], side: str
) -> dict[tuple[str, tuple[Any, ...]], list[Change]]:
    held: dict[tuple[str, tuple[Any, ...]], list[Change]] = {}
    for change in changes:
        resource = change.old if side == "old" else change.new
        if resource is not None:
            for what, key in _unique_keys(resource):
                held.setdefault((what, key), []).append(change)
    return held


def unique_value_handover(changes: Sequence[Change], labels: dict[str, str]) -> Iterator[Risk]:
    """A unique value leaves one resource and goes to another in the same change.

    The taker is created or updated while the giver still holds the value (deletes run last;
    updates of unrelated resources run in parallel), and AWS refuses: PriorityInUse for a listener
    rule (terraform-provider-aws internal/service/elbv2/listener_rule.go sends an explicit
    priority to CreateRule and SetRulePriorities without retrying), DuplicateListener for a port,
    "already exists" for a name."""
    before, after = _holders(changes, "old"), _holders(changes, "new")
    for (what, key), takers in sorted(after.items(), key=lambda item: str(item[0])):
        for giver in before.get((what, key), []):
            for taker in takers:
                if taker.key == giver.key:
                    continue
                value = key[-1]
                yield Risk(
                    "transition-unique-value",
                    taker.urn,
                    f"{what} {value} goes from `{giver.name}` to `{taker.name}` in one change:"
                    f" `{taker.name}` takes it while `{giver.name}` still holds it, and AWS"
                    f" refuses. Safe sequence: give `{giver.name}` another {what} (or remove"
                    f" it), deploy, then give {value} to `{taker.name}` and deploy again.",
                    blocking=True,
                )


def replaced_while_referenced(
    changes: Sequence[Change], new: Sequence[RecordedResource]
) -> Iterator[Risk]:
    """A resource with a fixed name is replaced, so deleted before its replacement exists, while
    a resource that is not replaced with it still holds it: AWS refuses the delete (IN_USE_BY).
    The engine replaces such holders too only when their own diff forces it."""
    replaced = {
        change.urn: change
        for change in changes
        if change.action == "replace"
        and change.type in IN_USE_BY
        and isinstance(inputs_document(change.new).get("name"), str)
    }
    also_replaced = {stack_free_urn(c.urn) for c in changes if c.action == "replace"}
    holders: dict[str, list[str]] = {}
    for resource in new:
        if stack_free_urn(resource.urn) in also_replaced:
            continue
        for urn in resource.dependencies:
            if urn in replaced and resource.type in IN_USE_BY[replaced[urn].type]:
                holders.setdefault(urn, []).append(resource.name)
    for urn, users in holders.items():
        change = replaced[urn]
        paths = ", ".join(p.path for p in change.properties if p.replaces)
        names = ", ".join(f"`{user}`" for user in sorted(set(users)))
        yield Risk(
            "transition-replace-in-use",
            change.urn,
            f"`{change.name}` is replaced ({paths}); having a fixed name it is deleted before its"
            f" replacement exists, while {names} still use it, and AWS refuses the delete."
            f" Safe sequence: add the new one beside it under another name, move {names} to it,"
            f" deploy, then remove `{change.name}` and deploy again.",
            blocking=True,
        )


def image_from_new_repository(changes: Sequence[Change], labels: dict[str, str]) -> Iterator[Risk]:
    """A service pulls from an ECR repository this same change creates: the repository is empty
    when the service first deploys, so its tasks cannot pull, the circuit breaker rolls back
    and the alarms page. Not blocking: the bootstrap order avoids it
    (docs/first-up.md#bootstrap-repositories-then-images-then-everything)."""
    created = {
        str(inputs_document(c.new).get("name")): c.name
        for c in changes
        if c.type == "aws:ecr/repository:Repository" and c.action in ("add", "replace")
    }
    if not created:
        return
    for change in changes:
        if change.type != "aws:ecs/taskDefinition:TaskDefinition" or change.new is None:
            continue
        for container in inputs_document(change.new).get("containerDefinitions") or []:
            image = str(container.get("image", ""))
            repository = image.split("/", 1)[-1].split("@")[0].rsplit(":", 1)[0]
            if repository in created:
                yield Risk(
                    "image-not-pushed",
                    change.urn,
                    f"`{change.name}` runs {image} from `{created[repository]}`, which this"
                    " change creates empty: the first deployment finds no image. Create the"
                    " repositories first (ecs-platform bootstrap <stack> prints the"
                    " `pulumi up --target` command), push and release the image, then deploy"
                    " the rest.",
                )


def _target_group_name(resources: Sequence[RecordedResource], logical: str) -> str:
    for resource in resources:
        if resource.type == "aws:lb/targetGroup:TargetGroup" and resource.name == logical:
            return str(inputs_document(resource).get("name") or logical)
    return logical


def leaving_progressive(
    changes: Sequence[Change], old: Sequence[RecordedResource]
) -> Iterator[Risk]:
    """A service leaves blue/green, canary or linear for rolling.

    ECS alternates production between `<name>-tg` and `<name>-tg-alt` at every blue/green,
    canary or linear deployment (it rewrites the production rule's weights, which is why the
    program ignores them), so after an odd number of deployments the serving tasks sit in the
    alternate group. This change points the rule at `<name>-tg` alone and drops the alternate:
    all traffic goes to an empty group until the rolling deployment finishes. AWS's "Update the
    deployment strategy from blue/green to rolling" (ECS developer guide,
    update-bluegreen-to-rolling.html) also refuses the switch while a deployment is in
    progress, and keeps the revision that serves traffic."""
    for change in changes:
        if change.type != SERVICE or change.action != "update":
            continue
        before, after = (
            strategy_of(inputs_document(change.old)),
            strategy_of(inputs_document(change.new)),
        )
        if before == "ROLLING" or after != "ROLLING":
            continue
        name = change.name
        primary = _target_group_name(old, f"{name}-tg")
        alternate = _target_group_name(old, f"{name}-tg-alt")
        yield Risk(
            "transition-leave-progressive",
            change.urn,
            f"`{name}` leaves {before} for rolling: this change points production at `{primary}`"
            f" alone and removes `{alternate}`, but ECS moves production between the two at every"
            f" {before} deployment, so after an odd number of them the serving tasks are in"
            f" `{alternate}` and all traffic would go to an empty group until the rolling"
            " deployment finishes. Safe sequence: wait until no deployment is in progress (ECS"
            f" refuses the switch during one); run `ecs-platform svc status {name} --stack"
            f" <stack>`, which names the serving target group; if it is `{alternate}`, deploy"
            f" once more with {before} so production returns to `{primary}` and check again;"
            f" when `{primary}` serves, apply this change.",
            blocking=True,
        )


Hazard = Callable[[Sequence[Change], dict[str, str]], Iterable[Risk]]
HAZARDS: tuple[Hazard, ...] = (
    provider_removed_in_use,
    capacity_family_move,
    unique_value_handover,
    image_from_new_repository,
)


def hazards(
    changes: Sequence[Change],
    new: Sequence[RecordedResource] = (),
    old: Sequence[RecordedResource] = (),
) -> list[Risk]:
    """Every transition hazard of one change set (the full resource lists of both sides give
    names and holders), blocking ones first."""
    labels = pool_labels([*old, *new])
    found = [risk for hazard in HAZARDS for risk in hazard(changes, labels)]
    found += replaced_while_referenced(changes, new)
    found += leaving_progressive(changes, old)
    unique: dict[tuple[str, str | None, str], Risk] = {}
    for risk in found:
        unique.setdefault((risk.code, risk.urn, risk.message), risk)
    return sorted(unique.values(), key=lambda risk: not risk.blocking)
