#!/usr/bin/env bash
# Train the model only when something it is built from has changed.
# The fingerprint is a hash of the training inputs' contents, so it does not
# depend on file times (a fresh clone with an old model trains only if needed).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/phb.tar.gz
FP_FILE=models/phb.fingerprint
fingerprint=$( { .venv/bin/rasa --version 2>/dev/null | grep -E '^Rasa (Version|SDK)'; \
  find config.yml domain.yml data nlp nlu_components -type f \( -name '*.yml' -o -name '*.py' -o -path 'nlp/*' \) \
    -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -d' ' -f1)
if [ -f "$MODEL" ] && [ -f "$FP_FILE" ] && [ "$(cat "$FP_FILE")" = "$fingerprint" ]; then
  echo "Model is up to date ($MODEL)."
  exit 0
fi
echo "Training the model (data or config changed)..."
start=$(date +%s)
.venv/bin/rasa train --fixed-model-name phb --out models --quiet
echo "$fingerprint" > "$FP_FILE"
echo "Trained $MODEL in $(( $(date +%s) - start ))s."
