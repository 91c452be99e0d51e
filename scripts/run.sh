#!/usr/bin/env bash
# Start the action server and the Rasa server; Ctrl-C stops both.
set -uo pipefail
cd "$(dirname "$0")/.."
LOG_DIR=${LOG_DIR:-logs}
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WIDGET_PORT=${WIDGET_PORT:-8080}
# One Rasa server per core, two at most unless RASA_WORKERS says (each holds the model: about
# 0.8 GB, and uses one core).
RASA_WORKERS=${RASA_WORKERS:-$(( $(nproc 2>/dev/null || echo 1) >= 2 ? 2 : 1 ))}
if ! [[ "$RASA_WORKERS" =~ ^[1-9][0-9]?$ ]]; then
  echo "RASA_WORKERS is how many Rasa servers to start: a whole number from 1 to 99, not '$RASA_WORKERS'." >&2
  exit 2
fi
mkdir -p "$LOG_DIR"
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
source scripts/serve.sh
stop_with_parent

source scripts/intake_env.sh
# Locked down by default (docs/security.md):
# - only pages from these origins may talk to the assistant from a browser (space-separated);
read -ra cors <<< "${CORS_ORIGINS:-http://localhost:$WIDGET_PORT http://127.0.0.1:$WIDGET_PORT}"
# - Rasa's HTTP API (conversations, models) is off; RASA_API_TOKEN turns it on, behind that token;
api=()
if [ -n "${RASA_API_TOKEN:-}" ]; then api=(--enable-api --auth-token "$RASA_API_TOKEN"); fi
# - the action server listens on loopback only (rasa-sdk reads SANIC_HOST).
export SANIC_HOST=127.0.0.1
# endpoints.yml names the action server's default port; another port needs its own copy.
endpoints=endpoints.yml
if [ "$ACTIONS_PORT" != 5055 ]; then
  mkdir -p var
  endpoints=var/endpoints-$ACTIONS_PORT.yml
  sed "s#127.0.0.1:5055/#127.0.0.1:$ACTIONS_PORT/#" endpoints.yml > "$endpoints"
fi

# Each server runs in its own session, so Ctrl-C reaches only this script, which
# then stops them: otherwise they die first and look like a crash.
PHB_WARM_UP=yes setsid .venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" >"$LOG_DIR"/actions.log 2>&1 &
pids+=($!)
# RASA_WORKERS Rasa servers (checked above); with several, the router (processes/conversation_router.py)
# takes RASA_PORT and keeps each conversation on one server, which holds it in memory.
if [ "$RASA_WORKERS" -gt 1 ]; then
  read -ra rasa_ports <<< "$(.venv/bin/python -m processes.conversation_router free-ports "$RASA_WORKERS")"
else
  rasa_ports=("$RASA_PORT")
fi
rasa_logs=()
for i in "${!rasa_ports[@]}"; do
  log="$LOG_DIR"/rasa.log
  if [ "$RASA_WORKERS" -gt 1 ]; then log="$LOG_DIR/rasa-$((i + 1)).log"; fi
  rasa_logs+=("$log")
  setsid "${rasa_limits[@]}" .venv/bin/rasa run --model models/phb.tar.gz --interface 127.0.0.1 \
    --port "${rasa_ports[$i]}" --response-timeout "$RASA_RESPONSE_SECONDS" \
    --credentials credentials.yml --endpoints "$endpoints" --cors "${cors[@]}" "${api[@]}" \
    >"$log" 2>&1 &
  pids+=($!)
done
if [ "$RASA_WORKERS" -gt 1 ]; then
  setsid .venv/bin/python -m processes.conversation_router serve --port "$RASA_PORT" --servers "${rasa_ports[*]}" \
    --endpoints "$endpoints" >"$LOG_DIR"/router.log 2>&1 &
  pids+=($!)
  rasa_logs+=("$LOG_DIR"/router.log)
fi
# The relay posts stored intake records to each area's endpoint (none configured: they wait for export).
setsid .venv/bin/phb-intake relay --interval "${RELAY_INTERVAL:-15}" >"$LOG_DIR"/relay.log 2>&1 &
pids+=($!)
# The widget and a demo ICB page that shows it.
setsid .venv/bin/phb-widget serve --port "$WIDGET_PORT" --server "http://127.0.0.1:$RASA_PORT" >"$LOG_DIR"/widget.log 2>&1 &
pids+=($!)

echo "Starting the action server (port $ACTIONS_PORT) and $RASA_WORKERS Rasa server(s) (port $RASA_PORT)..."
all_up() {
  for port in "${rasa_ports[@]}"; do curl -fs "http://127.0.0.1:$port/" >/dev/null || return 1; done
  curl -fs "http://127.0.0.1:$RASA_PORT/" >/dev/null && curl -fs "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null \
    && curl -fs "http://127.0.0.1:$WIDGET_PORT/phb-chat.js" >/dev/null
}
ready_message() {
  cat <<MSG

The assistant is ready.
  In a browser:    http://localhost:$WIDGET_PORT  (a demo ICB page with the chat widget)
  No JavaScript:   http://localhost:$WIDGET_PORT/chat?area=kent-and-medway  (the chat as a plain page)
  Chat over HTTP:  curl -s -X POST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook \\
                     -H 'Content-Type: application/json' \\
                     -d '{"sender": "'"\$(openssl rand -hex 16)"'", "message": "what is a personal health budget?", "metadata": {"area": "kent-and-medway"}}'
  Chat here:       make shell (in another terminal)
  Intake records:  .venv/bin/phb-intake list   (database: ${DATABASE_URL:-var/intake.db})
  Logs:            ${rasa_logs[*]}, $LOG_DIR/actions.log, $LOG_DIR/relay.log, $LOG_DIR/widget.log
Press Ctrl-C to stop.
MSG
}
wait_then_serve 120
