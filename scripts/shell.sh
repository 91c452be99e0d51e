#!/usr/bin/env bash
# Chat in the terminal: start the action server in the background, then rasa shell.
# Both stop when the chat ends, on Ctrl-C, or when the terminal closes.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p logs
source scripts/intake_env.sh
PHB_WARM_UP=yes setsid .venv/bin/rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" >logs/actions.log 2>&1 &
pids=($!)
stop_all() {
  trap - EXIT INT TERM HUP
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
}
trap stop_all EXIT
trap 'stop_all; exit 0' INT TERM HUP
# Started as a child we wait for (not in the foreground), so a signal reaches the
# trap at once; <&0 keeps the terminal as its input.
.venv/bin/rasa shell --model models/phb.tar.gz --endpoints endpoints.yml --quiet <&0 &
pids+=($!)
wait "${pids[1]}"
