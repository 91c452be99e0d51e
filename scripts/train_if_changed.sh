#!/usr/bin/env bash
# Train the model only when something it is built from has changed.
# The fingerprint is a hash of the training inputs' contents (in the C locale's
# order, so every machine agrees) and of the training packages' pinned versions,
# so it does not depend on file times: a fresh clone with an old model trains
# only if needed, and a new TensorFlow or spaCy pin trains again.
# With --fingerprint it prints the fingerprint and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/phb.tar.gz
FP_FILE=models/phb.fingerprint
# How batches are made changes the model (rasa_plugins/length_buckets.py, on unless switched off).
# Read on its own line, so that a failure stops the script instead of changing the fingerprint.
speedups=$(.venv/bin/python -c 'from rasa_plugins.switch import speedups_on; print(speedups_on())')
fingerprint=$( {
  LC_ALL=C grep -iE '^(rasa|rasa-sdk|tensorflow[a-z_-]*|keras|numpy|scipy|scikit-learn|spacy|thinc)==' requirements.lock \
    || { echo "requirements.lock names none of the training packages" >&2; exit 1; }
  echo "PHB_RASA_SPEEDUPS=$speedups"
  find config.yml domain.yml data nlp nlu_components rasa_plugins/length_buckets.py rasa_plugins/train.py \
    rasa_plugins/switch.py -type f \
    \( -name '*.yml' -o -name '*.py' -o -path 'nlp/*' \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
} | sha256sum | cut -d' ' -f1)
if [ "${1:-}" = "--fingerprint" ]; then echo "$fingerprint"; exit 0; fi
if [ -f "$MODEL" ] && [ -f "$FP_FILE" ] && [ "$(cat "$FP_FILE")" = "$fingerprint" ]; then
  echo "Model is up to date ($MODEL)."
  exit 0
fi
echo "Training the model (data or config changed)..."
start=$(date +%s)
.venv/bin/python -m rasa_plugins.train train --fixed-model-name phb --out models --quiet
echo "$fingerprint" > "$FP_FILE"
echo "Trained $MODEL in $(( $(date +%s) - start ))s."
