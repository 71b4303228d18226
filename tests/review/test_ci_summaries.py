"""The plan shows, per CI role, who may assume it (the `sub`) and each policy's size."""

from __future__ import annotations

import re

from harness.engine import run_program
from review.iam_reference import compact_length
from review.summaries import summarize
from settings.stack_files import read_stack_config

from conftest import FIXTURES


def test_ci_roles_show_their_subjects_and_policies_their_size():
    synthesis = run_program("dev", stack_config=read_stack_config("dev", FIXTURES))
    drift = summarize(synthesis.one("aws:iam/role:Role", "ci-drift"))
    assert drift["subjects"] == ["repo:your-org/ecs-platform:ref:refs/heads/main"]
    task_role = next(
        r for r in synthesis.of_type("aws:iam/role:Role") if not r.name.startswith("ci-")
    )
    assert "subjects" not in summarize(task_role)
    policy = synthesis.one("aws:iam/policy:Policy", "ci-deploy-services")
    size = summarize(policy)["size"]
    assert re.fullmatch(r"\d+/6144 characters", size)
    assert int(size.split("/")[0]) == compact_length(policy.inputs["policy"])
