#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis for tests and benchmarks.
#
#   scripts/services.sh start [--postgres] [--redis] [--replica]   (PostgreSQL and Redis when no flag; --replica adds
#                                                    a streaming replica of that PostgreSQL, made with pg_basebackup)
#   scripts/services.sh stop                           (idempotent)
#   scripts/services.sh env                            (eval "$(scripts/services.sh env)")
#   scripts/services.sh status
#   scripts/services.sh down postgres|redis|replica   (fault tests: kill one server, keep its data and port)
#   scripts/services.sh up postgres|redis|replica     (bring it back on the same port)
#
# State lives in ${BAZAAR_SERVICES_DIR:-<repo>/.services}: env (export lines),
# plus pg.env / redis.env / replica.env per service. Everything listens on 127.0.0.1 only,
# on free ports below 32768 (PostgreSQL from 15432, Redis from 16379).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
STATE_DIR="${BAZAAR_SERVICES_DIR:-$REPO_ROOT/.services}"
STATE_FILE="$STATE_DIR/env"
PG_STATE="$STATE_DIR/pg.env"
REDIS_STATE="$STATE_DIR/redis.env"
REPLICA_STATE="$STATE_DIR/replica.env"

PG_PORT_START="${BAZAAR_PG_PORT_START:-15432}"
# Fault tests stop PostgreSQL abruptly (`down`: immediate shutdown): with synchronous_commit off, commits it already
# acknowledged may be lost in that stop, which no real deployment would accept. BAZAAR_PG_SYNC_COMMIT=on keeps them.
PG_SYNC_COMMIT="${BAZAAR_PG_SYNC_COMMIT:-off}"
REDIS_PORT_START="${BAZAAR_REDIS_PORT_START:-16379}"
PORT_LIMIT=32767
WAIT_SECONDS="${BAZAAR_SERVICES_TIMEOUT:-60}"

log() { echo "services: $*" >&2; }
die() { echo "services: error: $*" >&2; exit 1; }

usage() {
  cat >&2 <<EOF
usage: $0 start [--postgres] [--redis] [--replica] | stop | env | status | down|up postgres|redis|replica
  state dir: \$BAZAAR_SERVICES_DIR (default: $REPO_ROOT/.services)
EOF
  exit 2
}

# ---------------------------------------------------------------- helpers

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as the postgres OS user (or as ourselves when not root),
# from a directory that user can enter.
as_pg() {
  if is_root; then
    (cd /tmp && runuser -u postgres -- "$@")
  else
    (cd /tmp && "$@")
  fi
}

pg_bindir() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] || continue
    best="$d" # glob is sorted; keep the last (numerically highest for 2-digit versions)
  done
  [ -n "$best" ] && echo "$best"
}

APT_UPDATED=0
apt_install() {
  local sudo=""
  if ! is_root; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install: $*"
    sudo="sudo"
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install manually: $*"
  # Never let package post-install scripts start system-wide daemons.
  local created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  local rc=0
  {
    if [ "$APT_UPDATED" -eq 0 ]; then
      log "apt-get update"
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      APT_UPDATED=1
    fi
    log "apt-get install $*"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
  } || rc=$?
  if [ "$created_policy" -eq 1 ]; then $sudo rm -f /usr/sbin/policy-rc.d; fi
  [ "$rc" -eq 0 ] || die "apt-get install $* failed (exit $rc)"
}

ensure_postgres_installed() {
  if [ -z "$(pg_bindir || true)" ]; then
    apt_install postgresql
  fi
  [ -n "$(pg_bindir || true)" ] || die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin"
  if is_root; then
    id postgres >/dev/null 2>&1 || die "OS user 'postgres' does not exist"
  fi
}

ensure_redis_installed() {
  local pkgs=()
  command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
  command -v redis-cli >/dev/null 2>&1 || pkgs+=(redis-tools)
  if [ "${#pkgs[@]}" -gt 0 ]; then
    apt_install "${pkgs[@]}"
  fi
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found after install"
  command -v redis-cli >/dev/null 2>&1 || die "redis-cli not found after install"
}

port_in_use() {
  local p="$1"
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htln "( sport = :$p )" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
  fi
}

# next_free_port START -> first port >= START that looks free (< 32768)
next_free_port() {
  local p="$1"
  while [ "$p" -le "$PORT_LIMIT" ]; do
    if ! port_in_use "$p"; then echo "$p"; return 0; fi
    p=$((p + 1))
  done
  return 1
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# pid_is PID NAME: PID is alive and its executable/cmdline mentions NAME
pid_is() {
  pid_alive "$1" || return 1
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q -- "$2"
}

# wait for PID to exit, up to N seconds
wait_gone() {
  local pid="$1" n=$(( $2 * 10 ))
  while pid_alive "$pid" && [ "$n" -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
  ! pid_alive "$pid"
}

write_state() {
  mkdir -p "$STATE_DIR"
  local tmp="$STATE_FILE.tmp.$$"
  {
    echo "# generated by scripts/services.sh; eval \"\$(scripts/services.sh env)\""
    if [ -f "$PG_STATE" ]; then cat "$PG_STATE"; fi
    if [ -f "$REDIS_STATE" ]; then cat "$REDIS_STATE"; fi
    if [ -f "$REPLICA_STATE" ]; then cat "$REPLICA_STATE"; fi
  } >"$tmp"
  if [ -f "$PG_STATE" ] || [ -f "$REDIS_STATE" ] || [ -f "$REPLICA_STATE" ]; then
    mv -f "$tmp" "$STATE_FILE"
  else
    rm -f "$tmp" "$STATE_FILE"
  fi
}

# Read KEY from a state file (without sourcing into our environment).
state_get() {
  local file="$1" key="$2"
  [ -f "$file" ] || return 0
  ( set +u; . "$file"; eval "printf '%s' \"\${$key:-}\"" )
}

# ---------------------------------------------------------------- postgres

pg_running() {
  [ -f "$PG_STATE" ] || return 1
  local pid; pid="$(state_get "$PG_STATE" BAZAAR_PG_PID)"
  pid_is "$pid" postgres
}

start_postgres() {
  if pg_running; then
    log "postgres already running (port $(state_get "$PG_STATE" BAZAAR_PG_PORT))"
    return 0
  fi
  if [ -f "$PG_STATE" ]; then log "removing stale postgres state"; stop_postgres; fi
  ensure_postgres_installed
  local bin; bin="$(pg_bindir)"

  local dir; dir="$(mktemp -d "${TMPDIR:-/tmp}/bazaar-pg.XXXXXX")"
  chmod 755 "$dir"
  if is_root; then chown postgres: "$dir"; fi
  local data="$dir/data"

  log "initdb in $data ($bin)"
  if ! as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    die "initdb failed"
  fi
  as_pg tee -a "$data/postgresql.conf" >/dev/null <<EOF

# --- bazaar throwaway settings ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 256MB
fsync = off
synchronous_commit = $PG_SYNC_COMMIT
full_page_writes = off
# a streaming replica (start --replica) may fall this far behind and still catch up
wal_keep_size = 512MB
EOF
  # trust on loopback only (initdb --auth=trust already does this; be explicit); replication for pg_basebackup and
  # the streaming replica
  as_pg tee "$data/pg_hba.conf" >/dev/null <<EOF
local   all          all                trust
host    all          all  127.0.0.1/32  trust
host    all          all  ::1/128       trust
host    replication  all  127.0.0.1/32  trust
EOF

  local port="$PG_PORT_START" started=0 attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port="$(next_free_port "$port")" || { rm -rf "$dir"; die "no free port for postgres in $PG_PORT_START..$PORT_LIMIT"; }
    log "starting postgres on 127.0.0.1:$port"
    if as_pg "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -o "-p $port" -w -t "$WAIT_SECONDS" start >/dev/null 2>&1; then
      started=1; break
    fi
    # Port may have been grabbed concurrently; try the next one.
    as_pg "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
    log "postgres failed to start on port $port (attempt $attempt); last log lines:"
    tail -n 5 "$dir/postgres.log" >&2 2>/dev/null || true
    port=$((port + 1))
  done
  if [ "$started" -ne 1 ]; then
    rm -rf "$dir"
    die "could not start postgres (see messages above)"
  fi

  local pid; pid="$(head -n 1 "$data/postmaster.pid")"
  # Record state immediately so 'stop' can clean up even if later steps fail.
  mkdir -p "$STATE_DIR"
  cat >"$PG_STATE" <<EOF
export BAZAAR_PG_PORT=$port
export BAZAAR_PG_CONNECTION='Host=127.0.0.1;Port=$port;Username=bazaar;Password=bazaar;Database=bazaar;Maximum Pool Size=200'
export BAZAAR_PG_PID=$pid
export BAZAAR_PG_DIR='$dir'
export BAZAAR_PG_DATA='$data'
export BAZAAR_PG_BIN='$bin'
EOF
  write_state

  local n=$((WAIT_SECONDS * 10))
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; do
    n=$((n - 1))
    [ "$n" -gt 0 ] || { tail -n 20 "$dir/postgres.log" >&2 || true; die "postgres on port $port not ready after ${WAIT_SECONDS}s"; }
    sleep 0.1
  done

  if ! as_pg "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
      -c "CREATE ROLE bazaar LOGIN SUPERUSER CREATEDB PASSWORD 'bazaar'" \
      -c "CREATE DATABASE bazaar OWNER bazaar" >/dev/null; then
    die "failed to create role/database bazaar"
  fi
  log "postgres ready: 127.0.0.1:$port (pid $pid, data $data)"
}

stop_postgres() {
  [ -f "$PG_STATE" ] || return 0
  local pid dir data bin
  pid="$(state_get "$PG_STATE" BAZAAR_PG_PID)"
  dir="$(state_get "$PG_STATE" BAZAAR_PG_DIR)"
  data="$(state_get "$PG_STATE" BAZAAR_PG_DATA)"
  bin="$(state_get "$PG_STATE" BAZAAR_PG_BIN)"
  if pid_is "$pid" postgres; then
    log "stopping postgres (pid $pid)"
    if [ -x "$bin/pg_ctl" ] && [ -d "$data" ]; then
      as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    if ! wait_gone "$pid" 5; then
      log "postgres did not stop; sending SIGQUIT/SIGKILL to pid $pid"
      kill -QUIT "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || log "warning: postgres pid $pid still alive"
    fi
  fi
  case "$dir" in
    */bazaar-pg.*) rm -rf "$dir" ;;
    "") ;;
    *) log "warning: not removing unexpected postgres dir '$dir'" ;;
  esac
  rm -f "$PG_STATE"
  write_state
}

# ---------------------------------------------------------------- replica
# A hot standby of the PostgreSQL above: pg_basebackup -R (streaming; it writes primary_conninfo) into
# <pg dir>/replica, started on its own port. Read-only; it lags by however long shipping and replay take.

replica_running() {
  [ -f "$REPLICA_STATE" ] || return 1
  local pid; pid="$(state_get "$REPLICA_STATE" BAZAAR_PG_REPLICA_PID)"
  pid_is "$pid" postgres
}

start_replica() {
  if replica_running; then
    log "replica already running (port $(state_get "$REPLICA_STATE" BAZAAR_PG_REPLICA_PORT))"
    return 0
  fi
  if [ -f "$REPLICA_STATE" ]; then log "removing stale replica state"; stop_replica; fi
  pg_running || die "the replica needs the primary: $0 start --postgres --replica"
  local bin dir pport data port started=0 attempt pid
  bin="$(state_get "$PG_STATE" BAZAAR_PG_BIN)"
  dir="$(state_get "$PG_STATE" BAZAAR_PG_DIR)"
  pport="$(state_get "$PG_STATE" BAZAAR_PG_PORT)"
  port=$((pport + 1))
  data="$dir/replica"
  log "pg_basebackup from 127.0.0.1:$pport into $data"
  if ! as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$pport" -U postgres -D "$data" -R -X stream -c fast \
      >"$dir/basebackup.log" 2>&1; then
    cat "$dir/basebackup.log" >&2
    die "pg_basebackup failed"
  fi
  as_pg tee -a "$data/postgresql.conf" >/dev/null <<EOF

# --- bazaar replica settings ---
hot_standby = on
hot_standby_feedback = on
EOF
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port="$(next_free_port "$port")" || die "no free port for the replica"
    log "starting replica on 127.0.0.1:$port"
    if as_pg "$bin/pg_ctl" -D "$data" -l "$dir/replica.log" -o "-p $port" -w -t "$WAIT_SECONDS" start \
        >/dev/null 2>&1; then
      started=1; break
    fi
    as_pg "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
    log "replica failed to start on port $port (attempt $attempt); last log lines:"
    tail -n 5 "$dir/replica.log" >&2 2>/dev/null || true
    port=$((port + 1))
  done
  [ "$started" -eq 1 ] || die "could not start the replica (see messages above)"
  pid="$(head -n 1 "$data/postmaster.pid")"
  mkdir -p "$STATE_DIR"
  cat >"$REPLICA_STATE" <<EOF
export BAZAAR_PG_REPLICA_PORT=$port
export BAZAAR_PG_REPLICA_CONNECTION='Host=127.0.0.1;Port=$port;Username=bazaar;Password=bazaar;Database=bazaar;Maximum Pool Size=200'
export BAZAAR_PG_REPLICA_PID=$pid
export BAZAAR_PG_REPLICA_DATA='$data'
EOF
  write_state
  local n=$((WAIT_SECONDS * 10))
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; do
    n=$((n - 1))
    [ "$n" -gt 0 ] || die "replica on port $port not ready after ${WAIT_SECONDS}s"
    sleep 0.1
  done
  log "replica ready: 127.0.0.1:$port (pid $pid, streaming from 127.0.0.1:$pport)"
}

stop_replica() {
  [ -f "$REPLICA_STATE" ] || return 0
  local pid data bin
  pid="$(state_get "$REPLICA_STATE" BAZAAR_PG_REPLICA_PID)"
  data="$(state_get "$REPLICA_STATE" BAZAAR_PG_REPLICA_DATA)"
  bin="$(state_get "$PG_STATE" BAZAAR_PG_BIN)"
  if pid_is "$pid" postgres; then
    log "stopping replica (pid $pid)"
    if [ -n "$bin" ] && [ -d "$data" ]; then
      as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    if ! wait_gone "$pid" 5; then
      kill -QUIT "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  case "$data" in
    */bazaar-pg.*/replica) rm -rf "$data" ;;
  esac
  rm -f "$REPLICA_STATE"
  write_state
}

down_replica() {
  replica_running || die "the replica is not running (state in $STATE_DIR)"
  local data bin pid
  data="$(state_get "$REPLICA_STATE" BAZAAR_PG_REPLICA_DATA)"
  bin="$(state_get "$PG_STATE" BAZAAR_PG_BIN)"
  pid="$(state_get "$REPLICA_STATE" BAZAAR_PG_REPLICA_PID)"
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  wait_gone "$pid" 10 || die "replica pid $pid did not stop"
  log "replica down (pid $pid)"
}

up_replica() {
  [ -f "$REPLICA_STATE" ] || die "no replica state in $STATE_DIR; run: $0 start --replica"
  if replica_running; then log "replica already up"; return 0; fi
  local data bin dir port pid
  data="$(state_get "$REPLICA_STATE" BAZAAR_PG_REPLICA_DATA)"
  bin="$(state_get "$PG_STATE" BAZAAR_PG_BIN)"
  dir="$(state_get "$PG_STATE" BAZAAR_PG_DIR)"
  port="$(state_get "$REPLICA_STATE" BAZAAR_PG_REPLICA_PORT)"
  as_pg "$bin/pg_ctl" -D "$data" -l "$dir/replica.log" -o "-p $port" -w -t "$WAIT_SECONDS" start >/dev/null 2>&1 \
    || { tail -n 5 "$dir/replica.log" >&2 || true; die "replica did not come back on port $port"; }
  pid="$(head -n 1 "$data/postmaster.pid")"
  sed -i "s/^export BAZAAR_PG_REPLICA_PID=.*/export BAZAAR_PG_REPLICA_PID=$pid/" "$REPLICA_STATE"
  write_state
  log "replica up again: 127.0.0.1:$port (pid $pid)"
}

# ---------------------------------------------------------------- redis

redis_running() {
  [ -f "$REDIS_STATE" ] || return 1
  local pid; pid="$(state_get "$REDIS_STATE" BAZAAR_REDIS_PID)"
  pid_is "$pid" redis
}

start_redis() {
  if redis_running; then
    log "redis already running (port $(state_get "$REDIS_STATE" BAZAAR_REDIS_PORT))"
    return 0
  fi
  if [ -f "$REDIS_STATE" ]; then log "removing stale redis state"; stop_redis; fi
  ensure_redis_installed

  local dir; dir="$(mktemp -d "${TMPDIR:-/tmp}/bazaar-redis.XXXXXX")"
  local port="$REDIS_PORT_START" pid="" attempt ok=0
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port="$(next_free_port "$port")" || { rm -rf "$dir"; die "no free port for redis in $REDIS_PORT_START..$PORT_LIMIT"; }
    log "starting redis on 127.0.0.1:$port"
    # Not daemonized (so a bind failure is visible as an exit), detached from
    # the caller's session and stdio; pid recorded from $! and the pidfile.
    setsid redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
      --daemonize no --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
      --protected-mode yes </dev/null >/dev/null 2>&1 &
    pid=$!
    local n=$((WAIT_SECONDS * 10))
    while :; do
      if ! pid_alive "$pid"; then break; fi
      # Must be *our* server answering (another one may own the port after a race).
      if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = "PONG" ]; then
        local served_by
        served_by="$(redis-cli -h 127.0.0.1 -p "$port" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')"
        if [ "$served_by" = "$pid" ]; then ok=1; break; fi
      fi
      n=$((n - 1))
      if [ "$n" -le 0 ]; then
        kill "$pid" 2>/dev/null || true
        tail -n 20 "$dir/redis.log" >&2 || true
        rm -rf "$dir"
        die "redis on port $port not answering PING after ${WAIT_SECONDS}s"
      fi
      sleep 0.1
    done
    if [ "$ok" -eq 1 ]; then break; fi
    log "redis failed to start on port $port (attempt $attempt); last log lines:"
    tail -n 5 "$dir/redis.log" >&2 2>/dev/null || true
    port=$((port + 1))
  done
  if [ "$ok" -ne 1 ]; then
    rm -rf "$dir"
    die "could not start redis (see messages above)"
  fi
  if [ -s "$dir/redis.pid" ]; then
    local filepid; filepid="$(tr -dc '0-9' <"$dir/redis.pid")"
    if pid_alive "$filepid"; then pid="$filepid"; fi
  fi
  mkdir -p "$STATE_DIR"
  cat >"$REDIS_STATE" <<EOF
export BAZAAR_REDIS_PORT=$port
export BAZAAR_REDIS_CONNECTION='127.0.0.1:$port'
export BAZAAR_REDIS_PID=$pid
export BAZAAR_REDIS_DIR='$dir'
EOF
  write_state
  log "redis ready: 127.0.0.1:$port (pid $pid)"
}

stop_redis() {
  [ -f "$REDIS_STATE" ] || return 0
  local pid dir
  pid="$(state_get "$REDIS_STATE" BAZAAR_REDIS_PID)"
  dir="$(state_get "$REDIS_STATE" BAZAAR_REDIS_DIR)"
  if pid_is "$pid" redis; then
    log "stopping redis (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 10; then
      log "redis did not stop; sending SIGKILL to pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || log "warning: redis pid $pid still alive"
    fi
  fi
  case "$dir" in
    */bazaar-redis.*) rm -rf "$dir" ;;
    "") ;;
    *) log "warning: not removing unexpected redis dir '$dir'" ;;
  esac
  rm -f "$REDIS_STATE"
  write_state
}

# ---------------------------------------------------------------- down / up (fault tests)
# `down` stops a running server but keeps its state, so `up` restarts it on the same port with the same data.
# PostgreSQL stops "fast" (clients are cut off; a crash-like immediate stop could lose commits here, because these
# throwaway servers run with synchronous_commit off); Redis is killed (SIGKILL), its keys gone as after a crash.

down_postgres() {
  pg_running || die "postgres is not running (state in $STATE_DIR)"
  local data bin pid
  data="$(state_get "$PG_STATE" BAZAAR_PG_DATA)"
  bin="$(state_get "$PG_STATE" BAZAAR_PG_BIN)"
  pid="$(state_get "$PG_STATE" BAZAAR_PG_PID)"
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  wait_gone "$pid" 10 || die "postgres pid $pid did not stop"
  log "postgres down (pid $pid)"
}

up_postgres() {
  [ -f "$PG_STATE" ] || die "no postgres state in $STATE_DIR; run: $0 start --postgres"
  if pg_running; then log "postgres already up"; return 0; fi
  local data bin dir port pid
  data="$(state_get "$PG_STATE" BAZAAR_PG_DATA)"
  bin="$(state_get "$PG_STATE" BAZAAR_PG_BIN)"
  dir="$(state_get "$PG_STATE" BAZAAR_PG_DIR)"
  port="$(state_get "$PG_STATE" BAZAAR_PG_PORT)"
  as_pg "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -o "-p $port" -w -t "$WAIT_SECONDS" start >/dev/null 2>&1 \
    || { tail -n 5 "$dir/postgres.log" >&2 || true; die "postgres did not come back on port $port"; }
  pid="$(head -n 1 "$data/postmaster.pid")"
  sed -i "s/^export BAZAAR_PG_PID=.*/export BAZAAR_PG_PID=$pid/" "$PG_STATE"
  write_state
  log "postgres up again: 127.0.0.1:$port (pid $pid)"
}

down_redis() {
  redis_running || die "redis is not running (state in $STATE_DIR)"
  local pid; pid="$(state_get "$REDIS_STATE" BAZAAR_REDIS_PID)"
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || die "redis pid $pid did not stop"
  log "redis down (pid $pid)"
}

up_redis() {
  [ -f "$REDIS_STATE" ] || die "no redis state in $STATE_DIR; run: $0 start --redis"
  if redis_running; then log "redis already up"; return 0; fi
  local dir port pid n
  dir="$(state_get "$REDIS_STATE" BAZAAR_REDIS_DIR)"
  port="$(state_get "$REDIS_STATE" BAZAAR_REDIS_PORT)"
  rm -f "$dir/redis.pid"
  setsid redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --daemonize no --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --protected-mode yes </dev/null >/dev/null 2>&1 &
  pid=$!
  n=$((WAIT_SECONDS * 10))
  until [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = "PONG" ]; do
    pid_alive "$pid" || { tail -n 5 "$dir/redis.log" >&2 || true; die "redis did not come back on port $port"; }
    n=$((n - 1)); [ "$n" -gt 0 ] || die "redis on port $port not answering PING after ${WAIT_SECONDS}s"
    sleep 0.1
  done
  sed -i "s/^export BAZAAR_REDIS_PID=.*/export BAZAAR_REDIS_PID=$pid/" "$REDIS_STATE"
  write_state
  log "redis up again: 127.0.0.1:$port (pid $pid)"
}

# ---------------------------------------------------------------- main

cmd="${1:-}"
[ -n "$cmd" ] || usage
shift

case "$cmd" in
  start)
    want_pg=0; want_redis=0; want_replica=0
    for a in "$@"; do
      case "$a" in
        --postgres|--pg) want_pg=1 ;;
        --redis) want_redis=1 ;;
        --replica) want_replica=1 ;;
        *) usage ;;
      esac
    done
    if [ "$want_pg" -eq 0 ] && [ "$want_redis" -eq 0 ] && [ "$want_replica" -eq 0 ]; then want_pg=1; want_redis=1; fi
    if [ "$want_pg" -eq 1 ]; then start_postgres; fi
    if [ "$want_redis" -eq 1 ]; then start_redis; fi
    if [ "$want_replica" -eq 1 ]; then start_replica; fi
    log "state written to $STATE_FILE"
    ;;
  stop)
    [ "$#" -eq 0 ] || usage
    stop_redis
    stop_replica
    stop_postgres
    rm -f "$STATE_FILE"
    rmdir "$STATE_DIR" 2>/dev/null || true
    log "stopped"
    ;;
  env)
    [ "$#" -eq 0 ] || usage
    [ -f "$STATE_FILE" ] || die "no services running (no $STATE_FILE); run: $0 start"
    cat "$STATE_FILE"
    ;;
  status)
    if pg_running; then log "postgres: running, port $(state_get "$PG_STATE" BAZAAR_PG_PORT)"; else log "postgres: not running"; fi
    if replica_running; then log "replica: running, port $(state_get "$REPLICA_STATE" BAZAAR_PG_REPLICA_PORT)"
    elif [ -f "$REPLICA_STATE" ]; then log "replica: down"; fi
    if redis_running; then log "redis: running, port $(state_get "$REDIS_STATE" BAZAAR_REDIS_PORT)"; else log "redis: not running"; fi
    ;;
  down|up)
    [ "$#" -eq 1 ] || usage
    case "$1" in
      postgres|pg) "${cmd}_postgres" ;;
      redis) "${cmd}_redis" ;;
      replica) "${cmd}_replica" ;;
      *) usage ;;
    esac
    ;;
  -h|--help|help) usage ;;
  *) usage ;;
esac
