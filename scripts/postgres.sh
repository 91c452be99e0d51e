#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the tests (and for trying the
# assistant against PostgreSQL): Debian's `postgresql` package, installed here
# when missing if we are root.
#   scripts/postgres.sh ensure   install the server if it is missing
#   scripts/postgres.sh start    start it (initialising on first use); prints its URL
#   scripts/postgres.sh stop     stop it
#   scripts/postgres.sh url      print its URL
#   scripts/postgres.sh running  exit 0 if it is running
#   scripts/postgres.sh createdb NAME   make database NAME if missing; prints its URL
set -euo pipefail

# Below Linux's ephemeral ports (32768-60999): a test server on a port the kernel chose, or any
# outgoing connection, can hold a port in that range when this starts (seen once on 56380).
PORT=${PHB_PG_PORT:-15432}
DIR=${PHB_PG_DIR:-/tmp/phb-postgres-$PORT}
URL="postgresql+psycopg2://phb@127.0.0.1:$PORT/phb"

bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_owner() {
  # PostgreSQL refuses to run as root: run it as the `postgres` user then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure() {
  if [ -n "$(bin_dir)" ] && [ -x "$(bin_dir)/initdb" ]; then return 0; fi
  "$(dirname "$0")/apt_install.sh" postgresql PostgreSQL
}

start() {
  ensure
  local bin; bin=$(bin_dir)
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
    as_owner "$bin/initdb" -D "$DIR/data" -U phb --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
  fi
  if ! as_owner "$bin/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
      || { tail -20 "$DIR/server.log" >&2; exit 1; }
  fi
  if ! "$bin/psql" -h 127.0.0.1 -p "$PORT" -U phb -d postgres -tAc "select 1 from pg_database where datname='phb'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U phb phb
  fi
  echo "$URL"
}

stop() {
  local bin; bin=$(bin_dir)
  [ -n "$bin" ] && [ -f "$DIR/data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

running() {
  local bin; bin=$(bin_dir)
  [ -n "$bin" ] && [ -f "$DIR/data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

createdb_named() {
  local bin; bin=$(bin_dir)
  if ! "$bin/psql" -h 127.0.0.1 -p "$PORT" -U phb -d postgres -tAc "select 1 from pg_database where datname='$1'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U phb "$1"
  fi
  echo "${URL%/*}/$1"
}

case "${1:-}" in
  ensure) ensure ;;
  running) running ;;
  createdb) createdb_named "${2:?database name}" ;;
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 ensure|start|stop|url|running|createdb NAME" >&2; exit 2 ;;
esac
