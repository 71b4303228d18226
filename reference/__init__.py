"""Generators of the docs' reference pages (docs/reference/): configuration, commands, exit
codes, risk codes, policies and figures, all computed from the code and the fixtures."""
