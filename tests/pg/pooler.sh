#!/usr/bin/env bash
# PgBouncer in session mode in front of a tests/pg/cluster.sh cluster, as a
# team would put it between its officers and the server: `pooler.sh start
# ENVFILE PG_ENVFILE USER...` starts one in a new temporary folder, listening
# on a Unix socket there only (no TCP port), trusting USER... (its auth_file;
# the cluster trusts local connections too), with a pool per user and
# database, so the server's sessions are still each officer's own; it writes
# ENVFILE (POOL_DIR, POOL_URI_HOST: host=...&port=... for a URI). `pooler.sh
# stop ENVFILE` stops it and removes the folder. Started as root, it runs as
# nobody, which PgBouncer requires. For tests/pg/t_pooler.sh and
# bench/pg.sh; needs the pgbouncer package.
set -euo pipefail
cmd=${1:?start or stop}
envfile=${2:?the environment file}

as_nobody() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$envfile" ] || return 0
  # shellcheck disable=SC1090
  . "$envfile"
  if [ -n "${POOL_DIR:-}" ] && [ -d "$POOL_DIR" ]; then
    local pid i
    pid=$(cat "$POOL_DIR/pgbouncer.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
      for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -rf "$POOL_DIR"
  fi
  rm -f "$envfile"
}

case $cmd in
  stop)
    stop
    ;;
  start)
    pg_envfile=${3:?the environment file of the cluster}
    shift 3
    stop
    bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
    [ -x "$bin" ] || { echo "pooler.sh: PgBouncer is not installed (apt-get install pgbouncer)" >&2; exit 1; }
    # shellcheck disable=SC1090
    . "$pg_envfile"
    dir=$(mktemp -d /tmp/sfcohort-pool.XXXXXX)
    # From here the environment file names the folder, so that stop (the
    # caller's trap, or a failure below) finds and ends whatever started.
    printf 'POOL_DIR=%q\n' "$dir" >"$envfile"
    failed() {
      cat "$dir/start.log" "$dir/pgbouncer.log" >&2 2>/dev/null || true
      stop
      exit 1
    }
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown nobody "$dir"
    : >"$dir/userlist.txt"
    for u in postgres "$@"; do printf '"%s" ""\n' "$u" >>"$dir/userlist.txt"; done
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=$PGHOST
[pgbouncer]
listen_addr =
listen_port = 6432
unix_socket_dir = $dir
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = session
server_reset_query = DISCARD ALL
max_client_conn = 200
default_pool_size = 40
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
    chmod 644 "$dir"/*
    as_nobody "$bin" -d "$dir/pgbouncer.ini" >"$dir/start.log" 2>&1 || failed
    for _ in $(seq 50); do
      [ -S "$dir/.s.PGSQL.6432" ] && break
      sleep 0.1
    done
    [ -S "$dir/.s.PGSQL.6432" ] || failed
    printf 'POOL_DIR=%q\nPOOL_URI_HOST=%q\n' "$dir" "host=$dir&port=6432" >"$envfile"
    ;;
  *)
    echo "usage: pooler.sh start ENVFILE PG_ENVFILE [USER...] | stop ENVFILE" >&2
    exit 2
    ;;
esac
