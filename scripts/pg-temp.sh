#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: no service, no password, no fsync, gone when stopped.
#
#   scripts/pg-temp.sh find              prints the bin directory of PostgreSQL >= 15 (exit 1: none)
#   scripts/pg-temp.sh start DIR PORT    initdb DIR, start a server on 127.0.0.1:PORT (socket in DIR)
#   scripts/pg-temp.sh stop DIR          stop that server (immediately) and delete DIR
#
# Connect with postgres://postgres@127.0.0.1:PORT/postgres (trust authentication).
# PG_BIN=/path/to/bin overrides the search. initdb refuses to run as root, so as root the cluster
# belongs to the `postgres` system user (created by Debian's postgresql package) and DIR's parent
# must be searchable by that user.
set -euo pipefail

MIN_MAJOR=15

die() {
  echo "pg-temp: $*" >&2
  exit 1
}

# Major version of the initdb in directory $1 ("15", "16", …), or nothing.
major_of() {
  "$1/initdb" --version 2>/dev/null | sed -nE 's/^[^0-9]*([0-9]+).*/\1/p' | head -n1
}

find_bin() {
  local candidates=() d m
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "PG_BIN=$PG_BIN has no initdb/pg_ctl"
    echo "$PG_BIN"
    return 0
  fi
  # Debian/Ubuntu: /usr/lib/postgresql/<major>/bin, not on PATH. Newest first.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    candidates+=("$d")
  done
  if command -v initdb >/dev/null 2>&1; then
    candidates+=("$(dirname "$(readlink -f "$(command -v initdb)")")")
  fi
  for d in "${candidates[@]}"; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] || continue
    m="$(major_of "$d")"
    if [[ -n "$m" && "$m" -ge "$MIN_MAJOR" ]]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

# Runs a command as the cluster owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "$@")
    else
      local q
      q="$(printf '%q ' "$@")"
      (cd / && su postgres -s /bin/bash -c "$q")
    fi
  else
    "$@"
  fi
}

cleanup_on_failure() {
  local rc=$?
  [[ $rc -ne 0 ]] || return 0
  if [[ "${PGT_STARTED:-0}" -eq 1 || -f "$PGT_DIR/postmaster.pid" ]]; then
    as_owner "$PGT_BIN/pg_ctl" -D "$PGT_DIR" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [[ -f "$PGT_DIR/server.log" ]]; then
    echo "pg-temp: server log ($PGT_DIR/server.log):" >&2
    tail -n 30 "$PGT_DIR/server.log" >&2 || true
  fi
}

cmd_start() {
  local dir="${1:-}" port="${2:-}" bin
  [[ -n "$dir" && -n "$port" ]] || die "usage: pg-temp.sh start DIR PORT"
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, not '$port'"
  bin="$(find_bin)" || die "no PostgreSQL >= $MIN_MAJOR found (apt-get install -y --no-install-recommends postgresql)"
  if [[ -e "$dir" && -n "$(ls -A "$dir" 2>/dev/null)" ]]; then
    die "$dir exists and is not empty; refusing to initdb over it"
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [[ "$(id -u)" -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' system user (initdb refuses root); install Debian's postgresql package or run as a normal user"
    chown postgres: "$dir"
    chmod 700 "$dir"
    as_owner test -w "$dir" || die "user postgres cannot write $dir: make its parent directories searchable (chmod o+x)"
  fi

  # From here on, never leave a half-started server behind (globals: the EXIT trap reads them).
  PGT_DIR="$dir" PGT_BIN="$bin" PGT_STARTED=0
  trap cleanup_on_failure EXIT

  local ilog
  ilog="$(mktemp)"
  if ! as_owner "$bin/initdb" -D "$dir" --auth=trust -U postgres -E UTF8 --locale=C --no-sync >"$ilog" 2>&1; then
    cat "$ilog" >&2
    rm -f "$ilog"
    die "initdb failed"
  fi
  rm -f "$ilog"

  PGT_STARTED=1
  as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -t 60 -w \
    -o "-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || die "pg_ctl start failed (port $port)"
  trap - EXIT
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

cmd_stop() {
  local dir="${1:-}" bin
  [[ -n "$dir" ]] || die "usage: pg-temp.sh stop DIR"
  [[ -d "$dir" ]] || return 0
  if [[ -f "$dir/postmaster.pid" ]]; then
    if bin="$(find_bin)"; then
      as_owner "$bin/pg_ctl" -D "$dir" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    # Still there (pg_ctl missing or failed)? Stop the postmaster by its PID file.
    if [[ -f "$dir/postmaster.pid" ]]; then
      local pid
      pid="$(head -n1 "$dir/postmaster.pid" 2>/dev/null || true)"
      if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        kill -QUIT "$pid" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  # Only ever delete what looks like a cluster we made (or an empty folder).
  if [[ -f "$dir/PG_VERSION" || -z "$(ls -A "$dir" 2>/dev/null)" ]]; then
    rm -rf "$dir"
  else
    echo "pg-temp: $dir does not look like a PostgreSQL cluster; not deleting it" >&2
  fi
}

case "${1:-}" in
  find) find_bin || exit 1 ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) die "usage: pg-temp.sh find | start DIR PORT | stop DIR" ;;
esac
