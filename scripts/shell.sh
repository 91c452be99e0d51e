#!/usr/bin/env bash
# Chat in the terminal: start the action server in the background, then rasa shell.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p logs
.venv/bin/rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" >logs/actions.log 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null; wait $actions_pid 2>/dev/null' EXIT INT TERM
.venv/bin/rasa shell --model models/phb.tar.gz --endpoints endpoints.yml --quiet
