"""Addon templates beside a Copilot workload or environment: what they hold (templates), how
their data is kept and reached (keep), and what their outputs give the workload (outputs)."""
