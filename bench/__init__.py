"""Benchmarks of synthesis and of the plan diff, and the scale checks they run (figures are
reported, not asserted)."""
