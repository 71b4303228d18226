"""Operations on a deployed stack: what calls AWS (and GitHub) after `pulumi up`: releases,
rollout checks, approvals and rollbacks."""
