"""MIGRATION.md: every manifest field by file with what became of it, the placeholders to fill
in, the addons and how to keep their data, what changes by default, and the cutover."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import groupby

from migrate.copilot.addons.keep import Place, keep_data_steps
from migrate.copilot.addons.templates import Addon
from migrate.copilot.ledger import Ledger

DEFAULTS = """\
## What changes by default, and why

- **Read-only root file system.** Containers here, sidecars too, get a read-only root
  (Copilot: writable); production requires it. `writablePaths: [/tmp]` is written for scratch
  space, for each sidecar too; add the other paths your application writes to.
- **A non-root user.** Containers, sidecars too, run as `1000:1000` (Copilot: the image's
  `USER`, often root); production refuses root. Make the image work as that user, or set
  `user`.
- **Private subnets and NAT.** Tasks never get public IPs (Copilot's default placement is
  public). A VPC the stack creates has NAT (`network.natGateways`: one gateway in development,
  one per zone in production) or VPC endpoints; an imported VPC needs its own NAT or endpoints
  for the private subnets.
- **Copilot's variables.** Copilot set `COPILOT_APPLICATION_NAME`, `COPILOT_ENVIRONMENT_NAME`,
  `COPILOT_SERVICE_NAME`, `COPILOT_LB_DNS` and `COPILOT_SERVICE_DISCOVERY_ENDPOINT` (and
  `COPILOT_QUEUE_URI`, `COPILOT_SNS_TOPIC_ARNS`) in every container; they are not set here. Add
  what the code reads under `environment` (a worker's queue URL is `SQS_QUEUE_URL`), and call
  other services by their Service Connect name (`http://<name>:<port>`), not `*.local`.
- **Essential sidecars.** Sidecars here default to non-essential (Copilot: essential); the
  import writes `essential: true` where the manifest left it out, so behaviour is kept.
- **Production tier.** A stack of tier production also gets a WAF on the ALB, access logs,
  deletion protection, a year of logs, Container Insights and at least two zones
  (docs/security.md).
- **An alias needs a certificate.** Where an environment brings none, its stack file gets a
  placeholder for `loadBalancer.certificateArn` (or set `loadBalancer.domain`), not plain HTTP.
- **Queue scaling needs Container Insights.** `count.queue_delay` scales on
  `scaling.backlogPerTask`, whose metric needs Container Insights: it is turned on in each
  stack where a worker scales so.
- **A job's timeout** bounds one attempt here (Copilot's bounded the whole run, retries
  included); retries wait 60 s, then twice as long (Copilot: 10 s, then 1.5 times).
- **The project's name.** Physical names start with `<project>-<stack>`: a Pulumi.yaml the
  import writes is named after the application; a checkout's own is kept (see above).
- **Images are not built at deploy.** A workload that Copilot built (`image.build`) gets a
  registry repository named after it and a placeholder tag: CI pushes the image and pins it
  (`ecs-platform release`, docs/delivery.md).
"""

# What the cutover relies on: SNS delivers a message to every subscribed queue (fan-out); an
# alias record has no TTL of its own (Route 53 developer guide,
# resource-record-sets-choosing-alias-non-alias); Copilot's service stack owns its alias
# records (internal/pkg/template/templates/workloads/partials/cf/https-listener.yml,
# LoadBalancerDNSAlias*) and a YAML patch can add DeletionPolicy to them
# (site/content/docs/developing/overrides/yamlpatch.en.md); the provider creates a record
# with CREATE and fails on one that exists unless allowOverwrite, false by default (Pulumi
# aws.route53.Record allowOverwrite; terraform-provider-aws #7734).
CUTOVER = """\
## Cutover, in order

1. **Fill in the placeholders** above, then check each stack offline:
   `ecs-platform plan <stack>` (and `ecs-platform config <stack>` to see the merged settings),
   then the generic suite, which runs the policy pack at each stack's tier on your stack and
   service files: `.venv/bin/python -m pytest tests/stacks/test_user_stacks.py
   tests/stacks/test_user_workflows.py` (`make test` runs the platform's own tests too, some
   of which read the checkout's sample files).
2. **Keep the data.** For each addon data resource listed above, set `DeletionPolicy: Retain`
   (on it and on what it uses) and redeploy it with Copilot (`copilot svc deploy --name <svc>
   --env <env>`).
3. **Jobs and workers first.** Turn Copilot's jobs off (`on.schedule: none`, then
   `copilot job deploy --name <job> --env <env>`) before the new stack's first `pulumi up`, so
   no job runs twice. Deploy the new workers with `queue.create.subscribe` left empty: SNS
   delivers each message to every queue subscribed, so while both are, each message is worked
   twice.
4. **Run both.** Deploy the new stacks beside Copilot's (`pulumi up --stack <stack>`, or the
   deploy workflow); push the images and pin them (`ecs-platform release <svc> --stack <stack>
   --digest sha256:...`). Check the services answer on the new ALB (the stack output
   `serviceUrls`) while Copilot keeps serving.
5. **Move the data that must move.** A database or cache in a VPC Copilot made moves into the
   stack's VPC with the commands under Addons (stop Copilot's writers first: scale the writing
   services to 0); a file system Copilot managed (`efs: true`) is copied into the stack's own
   (an AWS DataSync EFS-to-EFS task), with its files' owner changed to the user the new access
   point uses (Copilot's derived a uid and gid from the service's name).
6. **Move DNS.** Copilot's service stack owns the alias records of `http.alias`
   (`LoadBalancerDNSAlias`, `LoadBalancerDNSAlias<zone id>`) and deletes them with the
   service, whatever they point to by then. Keep each first: a YAML patch override
   (`copilot/<svc>/overrides/cfn.patches.yml`: `add` `/Resources/<its name>/DeletionPolicy`
   `Retain`), then `copilot svc deploy`. Then point it at the new ALB, the stack output
   `loadBalancerDnsName` (`aws route53 change-resource-record-sets --hosted-zone-id <zone id>
   --change-batch file://upsert.json`, an UPSERT of the alias); an alias record has no TTL of
   its own to lower. Watch both ALBs' request counts until Copilot's reaches zero. For the
   stack to own the records instead (`loadBalancer.domain`), delete the kept record and run
   `pulumi up` right after: the stack cannot create a record that exists.
7. **Switch the workers.** Copilot's topics (`publish`) belong to the publishing service's
   stack and go with `copilot svc delete`: create the topics elsewhere first, have the
   publishers publish to them (their ARN in `environment`, `sns:Publish` under `permissions`)
   and give them to the workers. Restore each new worker's `queue.create.subscribe` and
   `pulumi up`; right after, unsubscribe Copilot's queue from each topic (`aws sns unsubscribe
   --subscription-arn <arn>`): only messages published between the two are worked twice.
   Let Copilot's worker empty its queue (`aws sqs get-queue-attributes --queue-url <url>
   --attribute-names ApproximateNumberOfMessages`), move what its dead-letter queue holds to
   the new worker's queue (`aws sqs start-message-move-task --source-arn <dead-letter queue
   ARN> --destination-arn <the ARN of the new queue>`), then set `count: 0` in Copilot's
   worker manifest and `copilot svc deploy --name <worker> --env <env>`. Copilot deletes a
   worker's queues with the worker, with what they hold.
8. **Remove Copilot**, once every image the stacks use is out of Copilot's repositories
   (`<app>/<workload>` in ECR, which `copilot svc delete` and `copilot app delete` empty and
   delete: the fields that still name one say so above) and the data in the VPCs Copilot made
   has moved (else `copilot env delete` cannot delete their subnets): workloads first, then
   environments, then the application: `copilot svc delete --name <svc> --env <env>`,
   `copilot job delete --name <job> --env <env>`, `copilot env delete --name <env>`, and last
   `copilot app delete`. Retained addon resources stay; import them into a Pulumi project of
   yours if you want them managed (above).
"""


def render(
    app: str,
    ledger: Ledger,
    written: list[str],
    addons: list[tuple[Addon, str | None, str]],
    places: Mapping[str, Place],
    kept: Mapping[str, str] | None = None,
    before: list[str] | None = None,
) -> str:
    """The whole of MIGRATION.md; `places`: each Copilot environment's stack and VPC; `kept`:
    files of the project the output folder already had, with why (listed with those written);
    `before`: the section on the folder written into (migrate/copilot/checkout.py)."""
    lines = [
        f"# Moving `{app}` from AWS Copilot",
        "",
        "Written by `ecs-platform import copilot` from the Copilot workspace. Every manifest field",
        "is below, by file, as **mapped**, **changed** (mapped with a difference, said why) or",
        "**not mapped** (why, and what to do instead). Nothing here was checked against AWS.",
        "",
        f"**{ledger.summary().split(':')[0]}.**",
        "",
        "## Files written",
        "",
        *sorted(
            [f"- `{name}`" for name in written]
            + [f"- `{name}`: {why}" for name, why in (kept or {}).items()]
        ),
        "",
        *(before or []),
        *_placeholders(ledger),
        "## Fields, by manifest file",
        "",
    ]
    for file, entries in groupby(ledger.entries, key=lambda e: e.file):
        lines += [f"### `{file}`", "", "| field | status | what became of it |", "|---|---|---|"]
        lines += [f"| `{e.path}` | {e.status} | {_cell(e.note)} |" for e in entries]
        lines.append("")
    lines += _addons(app, addons, places)
    lines += [DEFAULTS, CUTOVER]
    return "\n".join(lines).rstrip() + "\n"


def _placeholders(ledger: Ledger) -> list[str]:
    if not ledger.placeholders:
        return ["## Placeholders", "", "None: every value could be written.", ""]
    return [
        "## Placeholders to fill in before `ecs-platform plan`",
        "",
        "Each is written as `${FILL_IN:...}`: the plan refuses the stack, naming the key,",
        "until it is replaced.",
        "",
        "| file | key | what to write |",
        "|---|---|---|",
        *[f"| `{file}` | `{key}` | {_cell(what)} |" for file, key, what in ledger.placeholders],
        "",
    ]


def _addons(
    app: str, addons: list[tuple[Addon, str | None, str]], places: Mapping[str, Place]
) -> list[str]:
    if not addons:
        return []
    lines = ["## Addons", "",
             "Copilot deletes a workload's addon stack with the workload, and environment addons"
             " with the environment. This project does not create what they hold: keep each data"
             " resource as said, then give its name or ARN to the services (environment,"
             " secrets, permissions).", ""]  # fmt: skip
    for addon, workload, deploy in addons:
        lines += [f"### `{addon.file}`", ""]
        if addon.error:
            lines += [f"{addon.error}.", ""]
            continue
        lines += [f"- `{r.logical_id}`: {r.type}" for r in addon.resources]
        if addon.outputs:
            said = ", ".join(f"`{o.name}` ({o.kind})" for o in addon.outputs)
            lines += ["", f"Outputs: {said}; what each became is under this file's fields."]
        steps = keep_data_steps(addon, app, workload, places, deploy)
        lines += ["", "To keep its data:" if steps else "It holds no data.", "", *steps, ""]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
