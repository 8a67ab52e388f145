#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for the PostgreSQL store's tests (CI: .ci/run) and
# for developers.
#
#   Scripts/postgres.sh start DIR   initdb a cluster in DIR (absent or empty), start it on a free
#                                   port of 127.0.0.1, create the database `certify`, and print
#                                   exactly one line on stdout, its URL:
#                                   postgres://certify:PASSWORD@127.0.0.1:PORT/certify
#   Scripts/postgres.sh stop DIR    stop that cluster and remove DIR.
#
# Everything else goes to stderr; the server logs to DIR/postgres.log. Exit status: 0 on success,
# 3 when PostgreSQL (initdb, pg_ctl, psql) or python3 is not installed (the caller may skip and say
# why), 1 on any other failure, after saying what failed and the tail of the log.
#
# PostgreSQL refuses to run as root: as root, the cluster belongs to a system user `certifypg`
# (created if missing), which runs initdb and pg_ctl; DIR is chowned to it, so DIR's parents must
# be searchable by it (a directory from `mktemp -d` under /tmp is).
set -euo pipefail

me="postgres.sh"
run_as="certifypg"
marker=".certify-postgres"

usage() { echo "usage: $0 start DIR | stop DIR" >&2; exit 2; }
say() { echo "$me: $*" >&2; }
# fail MESSAGE [LOG...]: say what failed, show the tail of each log, exit 1.
fail() {
  local message=$1; shift
  say "$message"
  local log
  for log in "$@"; do
    if [ -s "$log" ]; then
      echo "--- last lines of $log:" >&2
      tail -n 30 "$log" >&2 || true
      echo "---" >&2
    fi
  done
  exit 1
}
unavailable() { say "$*"; exit 3; }

[ $# -eq 2 ] || usage
command=$1
dir=$2
[ -n "$dir" ] || usage

# The PostgreSQL binaries: the highest version under /usr/lib/postgresql (Debian/Ubuntu), else PATH.
bin=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then bin=$candidate; break; fi
done
if [ -n "$bin" ]; then
  initdb="$bin/initdb"; pg_ctl="$bin/pg_ctl"
  psql="$bin/psql"; [ -x "$psql" ] || psql=$(command -v psql || true)
else
  initdb=$(command -v initdb || true); pg_ctl=$(command -v pg_ctl || true); psql=$(command -v psql || true)
fi

# as_owner CMD...: run CMD as the cluster's owner (certifypg when we are root), from DIR.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$dir" && runuser -u "$run_as" -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

start() {
  [ -n "$initdb" ] && [ -n "$pg_ctl" ] \
    || unavailable "PostgreSQL is not installed: no initdb/pg_ctl under /usr/lib/postgresql/*/bin or on PATH (Debian/Ubuntu: apt-get install postgresql)"
  [ -n "$psql" ] || unavailable "PostgreSQL's client psql is not installed (Debian/Ubuntu: apt-get install postgresql-client)"
  command -v python3 >/dev/null 2>&1 || unavailable "python3 is not installed (it picks the port and the password)"
  if [ "$(id -u)" -eq 0 ]; then
    command -v runuser >/dev/null 2>&1 || fail "running as root, and runuser (util-linux) is not installed to run PostgreSQL as $run_as"
    command -v useradd >/dev/null 2>&1 || id "$run_as" >/dev/null 2>&1 \
      || fail "running as root, and there is neither a user $run_as nor useradd to create it"
  fi

  if [ -e "$dir" ]; then
    [ -d "$dir" ] || fail "$dir exists and is not a directory"
    [ -z "$(ls -A "$dir")" ] || fail "$dir is not empty (a cluster already there? use: $0 stop $dir)"
  else
    mkdir -p "$dir" || fail "could not create $dir"
  fi
  dir=$(cd "$dir" && pwd -P)
  touch "$dir/$marker"

  if [ "$(id -u)" -eq 0 ]; then
    if ! id "$run_as" >/dev/null 2>&1; then
      useradd --system --create-home --shell /usr/sbin/nologin "$run_as" >&2 \
        || fail "running as root, and could not create the system user $run_as to run PostgreSQL"
    fi
    chown -R "$run_as:" "$dir" || fail "could not chown $dir to $run_as"
    chmod 700 "$dir"
    runuser -u "$run_as" -- test -w "$dir" \
      || fail "$run_as cannot write $dir (is a parent directory closed to it?)"
  fi

  # Unix sockets have a path limit of about 100 bytes: with a long DIR, the socket goes to a
  # short directory of its own, removed by stop.
  socket_dir=$dir
  if [ ${#dir} -gt 80 ]; then
    socket_dir=$(mktemp -d /tmp/certify-pg.XXXXXX) || fail "could not make a socket directory"
    [ "$(id -u)" -ne 0 ] || chown "$run_as:" "$socket_dir"
    echo "$socket_dir" >"$dir/socket_dir"
  fi

  local password
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))') || fail "python3 could not make a password"
  (umask 077 && printf '%s\n' "$password" >"$dir/pwfile")
  chmod 600 "$dir/pwfile"
  [ "$(id -u)" -ne 0 ] || chown "$run_as:" "$dir/pwfile"

  if ! as_owner "$initdb" -D "$dir/data" --auth=scram-sha-256 --username=certify --pwfile="$dir/pwfile" \
        -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
    rm -f "$dir/pwfile"
    fail "initdb failed ($initdb)" "$dir/initdb.log"
  fi
  rm -f "$dir/pwfile"
  [ "$(id -u)" -ne 0 ] || chown "$run_as:" "$dir/initdb.log"

  # A free port, picked by binding port 0; another process may take it before the server does,
  # so a start that fails to bind is retried on a new port.
  local port="" attempt started=""
  for attempt in 1 2 3; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()') \
      || fail "python3 could not pick a free port"
    if as_owner "$pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/postgres.log" \
         -o "-c listen_addresses=127.0.0.1 -p $port -k '$socket_dir' -c fsync=off -c max_connections=200" \
         start >&2; then
      started=1; break
    fi
    grep -qiE "could not bind|address already in use" "$dir/postgres.log" 2>/dev/null || break
    say "port $port was taken; trying another"
  done
  [ -n "$started" ] || fail "pg_ctl start failed ($pg_ctl)" "$dir/postgres.log"
  echo "$port" >"$dir/port"

  local output
  if ! output=$(PGPASSWORD=$password PGCONNECT_TIMEOUT=10 "$psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$port" -U certify -d postgres -c 'CREATE DATABASE certify OWNER certify' 2>&1); then
    echo "$output" >&2
    as_owner "$pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    fail "creating the database certify failed (the server is stopped; $0 stop $dir removes it)" "$dir/postgres.log"
  fi

  echo "postgres://certify:$password@127.0.0.1:$port/certify"
}

stop() {
  if [ ! -e "$dir" ]; then
    say "$dir does not exist; nothing to stop"
    return 0
  fi
  dir=$(cd "$dir" && pwd -P)
  [ -e "$dir/$marker" ] || fail "$dir was not made by '$0 start' (no $marker); not touching it"
  if [ -f "$dir/data/postmaster.pid" ]; then
    [ -n "$pg_ctl" ] || fail "a server may be running in $dir/data, but pg_ctl is not installed to stop it"
    if ! as_owner "$pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2; then
      say "pg_ctl stop -m fast failed; trying -m immediate"
      as_owner "$pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >&2 \
        || fail "pg_ctl stop failed; $dir is kept" "$dir/postgres.log"
    fi
  fi
  if [ -f "$dir/socket_dir" ]; then
    local socket_dir
    socket_dir=$(cat "$dir/socket_dir")
    case "$socket_dir" in /tmp/certify-pg.*) rm -rf "$socket_dir" ;; esac
  fi
  rm -rf "$dir" || fail "could not remove $dir"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
