#!/usr/bin/env bash
# Does spaCy earn its place? Train the NLU pipeline twice, with the shipped
# spaCy lookup-lemma tokenizer (config.yml) and with Rasa's WhitespaceTokenizer
# instead, and score both on the held-out test set. Figures go in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2 RASA_TELEMETRY_ENABLED=false PYTHONHASHSEED=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Same pipeline, seeds and data; only the tokenizer differs.
.venv/bin/python - "$work/config-whitespace.yml" <<'PY'
import sys, yaml
config = yaml.safe_load(open("config.yml"))
pipeline = [c for c in config["pipeline"] if "Spacy" not in c["name"]]
config["pipeline"] = [{"name": "WhitespaceTokenizer"}, *pipeline]
yaml.safe_dump(config, open(sys.argv[1], "w"), sort_keys=False)
PY
cp config.yml "$work/config-spacy.yml"

for variant in spacy whitespace; do
  start=$(date +%s)
  # Trained as make model trains (rasa_plugins/train.py), so that the figures compare with the model's.
  .venv/bin/python -m rasa_plugins.train train nlu --config "$work/config-$variant.yml" --nlu data/nlu \
    --out "$work/models" --fixed-model-name "nlu-$variant" --quiet >/dev/null 2>&1
  trained=$(( $(date +%s) - start ))
  .venv/bin/rasa test nlu --model "$work/models/nlu-$variant.tar.gz" --nlu tests/nlu/test_nlu.yml \
    --out "$work/results-$variant" --quiet >/dev/null 2>&1
  echo "== $variant (NLU training ${trained}s)"
  .venv/bin/python scripts/check_nlu.py "$work/results-$variant" | grep -E "^(intent|response)"
done
