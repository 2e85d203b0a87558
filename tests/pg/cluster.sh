#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `cluster.sh start ENVFILE`
# makes one in a new temporary folder (initdb), starts it listening on a
# Unix socket in that folder only (no TCP port) and writes ENVFILE, which
# the tests source (PG_BIN, PGHOST, PGUSER, PG_DIR); `cluster.sh stop
# ENVFILE` stops it and removes the folder. Started as root (as CI runs),
# the server runs as the unprivileged user nobody, since initdb refuses
# root. ctest runs start and stop as a fixture, so the cluster is stopped
# whether the tests pass or fail; start also stops a cluster an interrupted
# run left behind.
#
# The cluster: superuser postgres; local connections trusted, except the
# role sf_password, which must give a password (the wrong-password test);
# fsync off (a test cluster, thrown away).
set -euo pipefail
cmd=${1:?start or stop}
envfile=${2:?the environment file}

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  echo "cluster.sh: no PostgreSQL server (initdb) installed" >&2
  return 1
}

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$envfile" ] || return 0
  # shellcheck disable=SC1090
  . "$envfile"
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    as_server "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  rm -f "$envfile"
}

case $cmd in
  stop)
    stop
    ;;
  start)
    stop
    bin=$(pg_bin)
    dir=$(mktemp -d /tmp/sfcohort-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown nobody "$dir"
    trap 'as_server "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$dir"' ERR
    as_server "$bin/initdb" -D "$dir/data" -U postgres -A trust --locale=C -E UTF8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    printf 'local all sf_password scram-sha-256\nlocal all all trust\n' >"$dir/data/pg_hba.conf"
    as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    printf 'PG_BIN=%q\nPG_DIR=%q\nPGHOST=%q\nPGUSER=postgres\nexport PGHOST PGUSER\n' \
      "$bin" "$dir" "$dir" >"$envfile"
    trap - ERR
    ;;
  *)
    echo "usage: cluster.sh start|stop ENVFILE" >&2
    exit 2
    ;;
esac
