# The two commands in the README: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The widget's npm packages (nhsuk-frontend for the demo page, axe-core for the browser tests).
NPM_STAMP := widget/node_modules/.installed

# Quiet TensorFlow, no Rasa telemetry (nothing is sent out), repeatable hashing.
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONHASHSEED := 0
# Libraries pinned by Rasa 3.6 print many DeprecationWarnings that mean nothing to a user.
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: help setup model run shell test bench cluster audit lock spacy-model clean

help:
	@echo "make run    set up, train if needed, start the assistant (Ctrl-C stops it)"
	@echo "make shell  chat with the assistant in this terminal"
	@echo "make test   set up, train if needed, run every quality gate and test"
	@echo "make cluster  the production topology on loopback: PostgreSQL, Redis, 2 Rasa + 2 action servers, HAProxy"
	@echo "make bench  latency, throughput and memory against Rasa's starter assistant (docs/benchmarks.md)"
	@echo "make audit  check every pinned package against the advisory databases (needs to reach them)"

$(STAMP): pyproject.toml requirements.lock
	@py=$$(scripts/find_python.sh) || exit 1; \
	  if [ ! -x $(BIN)/python ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

$(NPM_STAMP): widget/package.json widget/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 18 or newer (Debian: nodejs, npm)." >&2; exit 1; }
	cd widget && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(STAMP) $(NPM_STAMP)

model: setup
	@scripts/train_if_changed.sh

run: model
	@scripts/run.sh

shell: model
	@scripts/shell.sh

test: model
	@scripts/test.sh

# BENCH_ARGS, for example: --train-ours --profile, or --levels 1,20 --seconds 10
bench: model
	$(BIN)/python -m bench.run $(BENCH_ARGS)

cluster: model
	@deploy/cluster.sh

audit: setup
	@scripts/audit.sh

# Re-pin every package after a change to pyproject.toml.
lock: setup
	$(BIN)/pip freeze --exclude-editable | grep -v '^phb-assistant' > requirements.lock

spacy-model: setup
	$(BIN)/python scripts/build_spacy_model.py

clean:
	rm -rf models results .pytest_cache widget/node_modules
