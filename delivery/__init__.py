"""Delivery helpers run by the GitHub workflows and `make release` / `make promote`."""
