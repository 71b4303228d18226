"""Reviewing a change before `pulumi up`: the offline plan, its diff against a git revision or
another stack, risk flags and transition hazards, and their text, JSON and Markdown renderings
(the pull-request comment)."""
