#!/usr/bin/env bash
# A throwaway Redis on loopback for the cluster (Rasa's lock store): Debian's `redis-server`
# package, installed here when missing if we are root.
#   scripts/redis.sh start    start it; prints its host and port ("127.0.0.1 16379")
#   scripts/redis.sh stop     stop it
#   scripts/redis.sh running  exit 0 if it is running
#   scripts/redis.sh address  print its host and port, running or not
set -euo pipefail
# Below Linux's ephemeral ports (32768-60999): a test server on a port the kernel chose, or any
# outgoing connection, can hold a port in that range when this starts (seen once on 56380).
PORT=${PHB_REDIS_PORT:-16379}
DIR=${PHB_REDIS_DIR:-/tmp/phb-redis-$PORT}

ensure() {
  command -v redis-server >/dev/null && return 0
  "$(dirname "$0")/apt_install.sh" redis-server Redis
}

start() {
  ensure
  mkdir -p "$DIR"
  if ! running; then
    # Locks only: nothing to keep on disk.
    redis-server --bind 127.0.0.1 --port "$PORT" --dir "$DIR" --save "" --appendonly no --daemonize yes \
      --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --protected-mode yes
    for _ in $(seq 1 50); do running && break; sleep 0.1; done
  fi
  running || { cat "$DIR/redis.log" >&2; exit 1; }
  address
}

address() {
  echo "127.0.0.1 $PORT"
}

running() {
  command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1
}

stop() {
  redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  running) running ;;
  address) address ;;
  *) echo "usage: $0 start|stop|running|address" >&2; exit 2 ;;
esac
