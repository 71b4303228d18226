"""`ecs-platform import copilot`: an AWS Copilot workspace (copilot/.workspace, the workloads'
and environments' manifest.yml, their addons, overrides and pipelines) read and written as this
project's services/<name>.yaml, jobs/<name>.yaml, one Pulumi.<stack>.yaml per Copilot
environment and MIGRATION.md, with every manifest field accounted for in a ledger (mapped,
changed or not mapped). Pure file work: nothing here calls AWS.

Copilot behaviour the mapping relies on is cited beside each rule, as paths in aws/copilot-cli
(commit 4c858e718bc88449e29540993d8496ac81d7b419, docs for v1.33).
"""
