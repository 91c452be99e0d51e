#!/usr/bin/env bash
# Start the action server and the Rasa server; Ctrl-C stops both.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p logs
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WIDGET_PORT=${WIDGET_PORT:-8080}
pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  echo "Stopped."
}
# Ctrl-C is the normal way to stop: exit 0. Any other exit also stops both servers.
trap 'stop_all; exit 0' INT TERM HUP
trap stop_all EXIT

source scripts/intake_env.sh
# Only pages from these origins may talk to the assistant from a browser (space-separated).
read -ra cors <<< "${CORS_ORIGINS:-http://localhost:$WIDGET_PORT http://127.0.0.1:$WIDGET_PORT}"

# Each server runs in its own session, so Ctrl-C reaches only this script, which
# then stops them: otherwise they die first and look like a crash.
setsid .venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" >logs/actions.log 2>&1 &
pids+=($!)
setsid .venv/bin/rasa run --model models/phb.tar.gz --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml --cors "${cors[@]}" \
  >logs/rasa.log 2>&1 &
pids+=($!)
# The relay posts stored intake records to each area's endpoint (none configured: they wait for export).
setsid .venv/bin/phb-intake relay --interval "${RELAY_INTERVAL:-15}" >logs/relay.log 2>&1 &
pids+=($!)
# The widget and a demo ICB page that shows it.
setsid .venv/bin/phb-widget serve --port "$WIDGET_PORT" --server "http://127.0.0.1:$RASA_PORT" >logs/widget.log 2>&1 &
pids+=($!)

echo "Starting the action server (port $ACTIONS_PORT) and the Rasa server (port $RASA_PORT)..."
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$RASA_PORT/" >/dev/null && curl -fs "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null \
     && curl -fs "http://127.0.0.1:$WIDGET_PORT/phb-chat.js" >/dev/null; then
    cat <<MSG

The assistant is ready.
  In a browser:    http://localhost:$WIDGET_PORT  (a demo ICB page with the chat widget)
  Chat over HTTP:  curl -s -X POST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook \\
                     -H 'Content-Type: application/json' \\
                     -d '{"sender": "'"\$(openssl rand -hex 16)"'", "message": "what is a personal health budget?", "metadata": {"area": "kent-and-medway"}}'
  Chat here:       make shell (in another terminal)
  Intake records:  .venv/bin/phb-intake list   (database: ${DATABASE_URL:-var/intake.db})
  Logs:            logs/rasa.log, logs/actions.log, logs/relay.log, logs/widget.log
Press Ctrl-C to stop.
MSG
    wait -n "${pids[@]}"
    echo "A server stopped unexpectedly; see logs/." >&2
    exit 1
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A server failed to start; see logs/." >&2; tail -20 logs/*.log >&2; exit 1; }
  done
  sleep 1
done
echo "The servers did not start within 120 seconds; see logs/." >&2
exit 1
