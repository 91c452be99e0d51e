# Sourced by scripts/run.sh and deploy/cluster.sh, once they have started their servers:
#   wait_then_serve SECONDS
# waits until every server answers (the caller's `all_up` returns 0), prints the caller's
# `ready_message`, then waits until a server stops. Uses the caller's `pids` array and LOG_DIR.
#   stop_with_parent
# stops the caller (its INT/TERM/HUP trap stops the servers) when whoever started it goes:
# a supervisor's SIGTERM or a closed terminal's SIGHUP reaches `make`, not always this script,
# and the servers run in their own sessions, so nothing else would stop them.
#   "${rasa_limits[@]}" .venv/bin/rasa run ... --response-timeout "$RASA_RESPONSE_SECONDS"
# the limits every Rasa server runs with (docs/security.md): Sanic would read bodies up to 100 MB
# before our channel refuses more than 64 KB, wait 60 s for a request to arrive, and Rasa lets an
# answer take an hour. The action servers keep Sanic's defaults: Rasa sends them whole conversations.
rasa_limits=(env SANIC_REQUEST_MAX_SIZE=262144 SANIC_REQUEST_TIMEOUT=15)
RASA_RESPONSE_SECONDS=120

stop_with_parent() {
  local parent=$PPID me=$$
  ( trap - INT TERM HUP EXIT
    while kill -0 "$parent" 2>/dev/null && kill -0 "$me" 2>/dev/null; do sleep 1; done
    kill -TERM "$me" 2>/dev/null ) </dev/null >/dev/null 2>&1 &
  disown
}

wait_then_serve() {
  local seconds=$1
  for _ in $(seq 1 $((seconds * 2))); do
    if all_up; then
      ready_message
      wait -n "${pids[@]}"
      echo "A server stopped unexpectedly; see $LOG_DIR/." >&2
      exit 1
    fi
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "A server failed to start; see $LOG_DIR/." >&2; tail -n 20 "$LOG_DIR"/*.log >&2; exit 1; }
    done
    sleep 0.5
  done
  echo "The servers did not start within $seconds seconds; see $LOG_DIR/." >&2
  exit 1
}
