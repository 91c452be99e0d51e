#!/usr/bin/env bash
# Every quality gate. Any failure stops the run with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
RASA=.venv/bin/rasa
MODEL=models/phb.tar.gz
rm -rf results

echo "== 1/5 rasa data validate --fail-on-warning"
$RASA data validate --fail-on-warning --quiet

echo "== 2/5 conversation tests (--fail-on-prediction-errors)"
$RASA test core --model "$MODEL" --stories tests/stories --fail-on-prediction-errors \
  --out results/core --quiet
echo "conversation tests passed"

echo "== 3/5 held-out NLU test set"
$RASA test nlu --model "$MODEL" --nlu tests/nlu/test_nlu.yml --out results/nlu --quiet
.venv/bin/python scripts/check_nlu.py results/nlu

echo "== 4/5 widget unit tests (node --test)"
(cd widget && node --test test/)

echo "== 5/5 pytest: bot/ rules, actions, readability, NLU data, hazard log, intake store on SQLite and PostgreSQL, end-to-end over HTTP (faults, bad input, lockdown, privacy), the widget in Chromium"
# The intake store's tests need a real PostgreSQL and the widget's tests a real
# Chromium: both installed here if missing; PostgreSQL stopped when the tests end.
export PHB_CHROMIUM
PHB_CHROMIUM=$(scripts/chromium.sh)
scripts/postgres.sh start >/dev/null
trap 'scripts/postgres.sh stop' EXIT
.venv/bin/python -m pytest
