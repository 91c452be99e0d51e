#!/usr/bin/env bash
# `make cluster`: the production topology on this machine, on loopback (docs/deployment.md):
# PostgreSQL (conversations and intake records), Redis (conversation locks), two action
# servers, two Rasa servers, HAProxy in front of both (deploy/haproxy.cfg says why), and the relay.
# Ctrl-C stops it all.
#
# Settings (environment): CLUSTER_PORT (the proxy, 8000), RASA_IN_HAND (messages one Rasa server
# takes at once, 2; the rest queue in the proxy), RASA_PORTS ("5105 5106"),
# ACTIONS_PORTS ("5155 5156"), ACTIONS_LB_PORT (5150), CLUSTER_DB_PREFIX (phb_cluster),
# CLUSTER_DIR (var/cluster), LOG_DIR ($CLUSTER_DIR/logs), PHB_INTAKE_KEY, CORS_ORIGINS.
set -uo pipefail
cd "$(dirname "$0")/.."
CLUSTER_PORT=${CLUSTER_PORT:-8000}
read -ra rasa_ports <<< "${RASA_PORTS:-5105 5106}"
read -ra actions_ports <<< "${ACTIONS_PORTS:-5155 5156}"
ACTIONS_LB_PORT=${ACTIONS_LB_PORT:-5150}
# As make run's router (processes/conversation_router.py IN_HAND): measured in docs/benchmarks.md.
RASA_IN_HAND=${RASA_IN_HAND:-2}
# The chat page and the widget's files (phb-widget serve), behind the proxy like the rest.
CLUSTER_WIDGET_PORT=${CLUSTER_WIDGET_PORT:-5180}
CLUSTER_DB_PREFIX=${CLUSTER_DB_PREFIX:-phb_cluster}
CLUSTER_DIR=$(realpath -m "${CLUSTER_DIR:-var/cluster}")
LOG_DIR=$(realpath -m "${LOG_DIR:-$CLUSTER_DIR/logs}")
export CLUSTER_PORT ACTIONS_LB_PORT CLUSTER_WIDGET_PORT CLUSTER_DIR LOG_DIR RASA_IN_HAND
# The production layout never makes up a key for real people's details by itself.
if [ -z "${PHB_INTAKE_KEY:-}" ] && [ "${PHB_ALLOW_DEVELOPMENT_KEY:-}" != "yes" ]; then
  echo "make cluster is the production layout: set PHB_INTAKE_KEY from your secret store" >&2
  echo "(docs/privacy.md), or PHB_ALLOW_DEVELOPMENT_KEY=yes to try it with a development key." >&2
  exit 2
fi
mkdir -p "$CLUSTER_DIR" "$LOG_DIR"

pids=()
started_postgres=0 started_redis=0
stop_all() {
  trap - INT TERM EXIT
  echo; echo "Stopping the cluster..."
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  # Only what this script started: a PostgreSQL or Redis already running is left as it was.
  [ $started_redis = 1 ] && scripts/redis.sh stop
  [ $started_postgres = 1 ] && scripts/postgres.sh stop
  echo "Stopped."
}
trap 'stop_all; exit 0' INT TERM HUP
trap stop_all EXIT
source scripts/serve.sh
stop_with_parent

command -v haproxy >/dev/null || scripts/apt_install.sh haproxy HAProxy || exit 1
scripts/postgres.sh running || started_postgres=1
scripts/postgres.sh start >/dev/null || exit 1
scripts/redis.sh running || started_redis=1
read -r REDIS_HOST REDIS_PORT <<< "$(scripts/redis.sh start)" || exit 1
export REDIS_HOST REDIS_PORT
TRACKER_STORE_URL=$(scripts/postgres.sh createdb "${CLUSTER_DB_PREFIX}_conversations") || exit 1
DATABASE_URL=$(scripts/postgres.sh createdb "${CLUSTER_DB_PREFIX}_intake") || exit 1
export TRACKER_STORE_URL DATABASE_URL
export ACTION_ENDPOINT_URL="http://127.0.0.1:$ACTIONS_LB_PORT/webhook"
# The intake key (a development one if none is set) and the intake schema.
source scripts/intake_env.sh
# Rasa makes its `events` table on start; made first here, so two servers starting together do not race.
.venv/bin/python -c "
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
SQLTrackerStore.SQLEvent.__table__.create(sa.create_engine('$TRACKER_STORE_URL'), checkfirst=True)" \
  >"$LOG_DIR/tracker-schema.log" 2>&1 || { cat "$LOG_DIR/tracker-schema.log" >&2; exit 1; }

read -ra cors <<< "${CORS_ORIGINS:-http://localhost:8080 http://127.0.0.1:8080}"
export SANIC_HOST=127.0.0.1
RASA_SERVERS="" ACTIONS_SERVERS=""
newline=$'\n'
for port in "${actions_ports[@]}"; do
  PHB_WARM_UP=yes setsid .venv/bin/rasa run actions --actions actions --port "$port" >"$LOG_DIR/actions-$port.log" 2>&1 &
  pids+=($!)
  ACTIONS_SERVERS+="server actions-$port 127.0.0.1:$port check inter 2s fall 1 rise 1$newline    "
done
for port in "${rasa_ports[@]}"; do
  setsid "${rasa_limits[@]}" .venv/bin/rasa run --model models/phb.tar.gz --interface 127.0.0.1 --port "$port" \
    --response-timeout "$RASA_RESPONSE_SECONDS" --credentials credentials.yml --endpoints deploy/endpoints.yml --cors "${cors[@]}" >"$LOG_DIR/rasa-$port.log" 2>&1 &
  pids+=($!)
  RASA_SERVERS+="server rasa-$port 127.0.0.1:$port maxconn $RASA_IN_HAND check inter 2s fall 1 rise 1$newline    "
done
export RASA_SERVERS ACTIONS_SERVERS
.venv/bin/python deploy/fill.py deploy/haproxy.cfg > "$CLUSTER_DIR/haproxy.cfg" || exit 1
haproxy -c -q -f "$CLUSTER_DIR/haproxy.cfg" >"$LOG_DIR/proxy-check.log" 2>&1 \
  || { cat "$LOG_DIR/proxy-check.log" >&2; exit 1; }
# In the foreground (-db), so that Ctrl-C and stop_all reach it; its access lines on stdout.
setsid haproxy -db -f "$CLUSTER_DIR/haproxy.cfg" >"$LOG_DIR/proxy-access.log" 2>"$LOG_DIR/proxy.log" &
pids+=($!)
setsid .venv/bin/phb-intake relay --interval "${RELAY_INTERVAL:-15}" >"$LOG_DIR/relay.log" 2>&1 &
pids+=($!)
# The chat page talks to Rasa through the proxy; ICB sites allowed to frame it: PHB_FRAME_ANCESTORS
# (default: this cluster's own address). Its sessions are in this one process (docs/deployment.md).
setsid .venv/bin/phb-widget serve --port "$CLUSTER_WIDGET_PORT" --server "http://127.0.0.1:$CLUSTER_PORT" \
  --frame-ancestors "${PHB_FRAME_ANCESTORS:-http://localhost:$CLUSTER_PORT http://127.0.0.1:$CLUSTER_PORT}" \
  >"$LOG_DIR/widget.log" 2>&1 &
pids+=($!)

echo "Starting the cluster: HAProxy on $CLUSTER_PORT, Rasa on ${rasa_ports[*]}, actions on ${actions_ports[*]}..."
all_up() {
  local port
  for port in "${rasa_ports[@]}"; do curl -fs "http://127.0.0.1:$port/" >/dev/null || return 1; done
  for port in "${actions_ports[@]}"; do curl -fs "http://127.0.0.1:$port/health" >/dev/null || return 1; done
  curl -fs "http://127.0.0.1:$CLUSTER_PORT/webhooks/rest/" >/dev/null || return 1
  curl -fs "http://127.0.0.1:$CLUSTER_PORT/phb-chat.js" >/dev/null
}
ready_message() {
  cat <<MSG

The cluster is ready.
  Chat through HAProxy:  curl -s -X POST http://127.0.0.1:$CLUSTER_PORT/webhooks/rest/webhook \\
                         -H 'Content-Type: application/json' \\
                         -d '{"sender": "'"\$(openssl rand -hex 16)"'", "message": "what is a personal health budget?"}'
  The chat page:       http://127.0.0.1:$CLUSTER_PORT/chat?area=kent-and-medway
  Conversations:       $TRACKER_STORE_URL
  Intake records:      $DATABASE_URL
  Locks:               redis://$REDIS_HOST:$REDIS_PORT/1
  Logs:                $LOG_DIR/
Press Ctrl-C to stop.
MSG
}
wait_then_serve 300
