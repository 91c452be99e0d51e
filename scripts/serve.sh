# Sourced by scripts/run.sh and deploy/cluster.sh, once they have started their servers:
#   wait_then_serve SECONDS
# waits until every server answers (the caller's `all_up` returns 0), prints the caller's
# `ready_message`, then waits until a server stops. Uses the caller's `pids` array and LOG_DIR.
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
