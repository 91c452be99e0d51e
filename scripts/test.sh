#!/usr/bin/env bash
# Every quality gate. Any failure stops the run with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
RASA=.venv/bin/rasa
MODEL=models/phb.tar.gz
rm -rf results
# Each stage says when it started, so a slow run (CI has a time limit) shows where the time went.
SECONDS=0
stage() { echo "== $* [${SECONDS}s]"; }

stage "1/8 ruff: no unused or undefined names, import or syntax errors, and every file formatted (pyproject.toml)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

stage "2/8 rasa data validate --fail-on-warning"
$RASA data validate --fail-on-warning --quiet

stage "3/8 conversation tests (--fail-on-prediction-errors)"
$RASA test core --model "$MODEL" --stories tests/stories --fail-on-prediction-errors \
  --out results/core --quiet
echo "conversation tests passed"

stage "4/8 NLU development set (written with the training data: a regression check, not a measure of real use)"
$RASA test nlu --model "$MODEL" --nlu tests/nlu/test_nlu.yml --out results/nlu --quiet
.venv/bin/python scripts/check_nlu.py results/nlu

stage "5/8 real-world questions (gathered from public pages, frozen, never trained on): the target and the no-regression floor (tests/understanding/measure.py)"
.venv/bin/python -m tests.understanding.measure --gate --sets real_test

stage "6/8 widget unit tests (node --test)"
(cd widget && node --test test/)

stage "7/8 pytest: bot/ rules, actions, readability, NLU data, hazard log, intake store on SQLite and PostgreSQL, end-to-end over HTTP (faults, bad input, lockdown, privacy), the widget in Chromium"
# The intake store's tests need a real PostgreSQL and the widget's tests a real
# Chromium: both installed here if missing; PostgreSQL stopped when the tests end.
export PHB_CHROMIUM
PHB_CHROMIUM=$(scripts/chromium.sh)
scripts/postgres.sh start >/dev/null
trap 'scripts/postgres.sh stop' EXIT
.venv/bin/python -m pytest

stage "8/8 stock Rasa (PHB_RASA_SPEEDUPS=off): conversations, urgent help, intake, faults and a guide end to end, with none of our speed-ups (rasa_plugins/speedups.py)"
# The same model and tests; the servers say they are stock (tests/e2e/conftest.py checks it).
PHB_RASA_SPEEDUPS=off .venv/bin/python -m pytest -p no:cacheprovider --durations=5 tests/e2e/test_conversation.py \
  tests/e2e/test_crisis.py tests/e2e/test_intake.py tests/e2e/test_faults.py tests/e2e/test_money_options.py
echo "All gates passed in ${SECONDS}s."
