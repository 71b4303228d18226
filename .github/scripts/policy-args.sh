#!/usr/bin/env bash
# Step outputs for pulumi/actions: the policy pack (policy/) and the stack's policy config
# (policy/config.<stack>.json, advisory overrides), each only when the repository has it.
set -euo pipefail
stack="$1"
if [[ -f policy/PulumiPolicy.yaml ]]; then
  echo "packs=policy"
  if [[ -f "policy/config.$stack.json" ]]; then
    echo "configs=policy/config.$stack.json"
  fi
fi
