#!/usr/bin/env bash
# The scaled-out shape on one machine: N store nodes (the published Release build) behind nginx, PostgreSQL primary
# plus one streaming replica, and Redis. Everything listens on 127.0.0.1 only, on free ports below 32768.
#
#   scripts/cluster.sh start [--nodes N] [--no-publish] [--no-replica] [--no-redis] [--set Key=Value]...
#   scripts/cluster.sh stop                       (stops everything it started, by PID; idempotent)
#   scripts/cluster.sh status                     (each part: running or not, port, PID; each node's /health/ready)
#   scripts/cluster.sh env                        (eval "$(scripts/cluster.sh env)": URLs, PIDs, connection strings)
#   scripts/cluster.sh kill-node I                (SIGKILL node I, 1-based: a crash; nginx routes around it)
#   scripts/cluster.sh start-node I               (start node I again on its port, wait until it is ready)
#   scripts/cluster.sh down|up postgres|replica|redis   (stop / restart one server, same port and data)
#   scripts/cluster.sh nginx-config DIR PORT NODE_PORT...  (only write the nginx config start uses, to DIR/nginx.conf)
#
# --nodes N     store nodes (default 3)
# --no-publish  reuse the build in <state>/publish instead of running `dotnet publish` again
# --set K=V     a setting for every node (repeatable), e.g. --set Checkout:RequestsPerClientPerMinute=100000
#
# State lives in ${BAZAAR_CLUSTER_DIR:-<repo>/.cluster}: env (export lines), publish/ (the build), node<i>/ (each
# node's data directory and log), nginx/ (its config, logs and PID), services/ (scripts/services.sh state: PostgreSQL,
# the replica, Redis). Ports: nginx from ${BAZAAR_CLUSTER_PORT_START:-18000}, the nodes on the next free ones.
# The first node starts alone (it creates the schema and loads the bundled catalogue), the others once it is ready.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
STATE_DIR="${BAZAAR_CLUSTER_DIR:-$REPO_ROOT/.cluster}"
STATE_FILE="$STATE_DIR/env"
SERVICES_DIR="$STATE_DIR/services"
PUBLISH_DIR="$STATE_DIR/publish"
NGINX_DIR="$STATE_DIR/nginx"
PORT_START="${BAZAAR_CLUSTER_PORT_START:-18000}"
PORT_LIMIT=32767
READY_TIMEOUT="${BAZAAR_CLUSTER_READY_TIMEOUT:-900}"
NGINX_BIN="${BAZAAR_NGINX:-/usr/sbin/nginx}"
ADMIN_EMAIL="admin@bazaar.local"

log() { echo "cluster: $*" >&2; }
die() { echo "cluster: error: $*" >&2; exit 1; }

usage() {
  sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

services() { BAZAAR_SERVICES_DIR="$SERVICES_DIR" "$SCRIPT_DIR/services.sh" "$@"; }

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# pid_is PID TEXT: PID is alive and its command line mentions TEXT (a recycled PID is never signalled)
pid_is() {
  pid_alive "$1" || return 1
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q -- "$2"
}

wait_gone() {
  local pid="$1" n=$(( $2 * 10 ))
  while pid_alive "$pid" && [ "$n" -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
  ! pid_alive "$pid"
}

port_in_use() {
  local p="$1"
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htln "( sport = :$p )" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
  fi
}

# next_free_port START [TAKEN...]: the first port >= START that is free and not among TAKEN
next_free_port() {
  local p="$1"; shift
  while [ "$p" -le "$PORT_LIMIT" ]; do
    if ! port_in_use "$p" && [[ " $* " != *" $p "* ]]; then echo "$p"; return 0; fi
    p=$((p + 1))
  done
  return 1
}

state_get() {
  local file="$1" key="$2"
  [ -f "$file" ] || return 0
  ( set +u; . "$file"; eval "printf '%s' \"\${$key:-}\"" )
}

set_state() { # set_state KEY VALUE: replace or add `export KEY='VALUE'` in the state file
  local key="$1" value="$2" tmp="$STATE_FILE.tmp.$$"
  { grep -v "^export $key=" "$STATE_FILE" 2>/dev/null || true; echo "export $key='$value'"; } >"$tmp"
  mv -f "$tmp" "$STATE_FILE"
}

secret() { head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "${1:-32}"; }

http_status() { # http_status URL -> the status code, or 000 when nothing answers
  curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------- nodes

node_count() { state_get "$STATE_FILE" BAZAAR_CLUSTER_NODES; }
node_port() { state_get "$STATE_FILE" "BAZAAR_CLUSTER_NODE_$1_PORT"; }
node_pid() { state_get "$STATE_FILE" "BAZAAR_CLUSTER_NODE_$1_PID"; }
node_running() { pid_is "$(node_pid "$1")" Bazaar.Web.dll; }

# Every node gets the same settings; only its port and data directory differ. Extra settings (--set) come last, as
# command-line arguments, so they win over these.
launch_node() {
  local i="$1" port dir pid
  port="$(node_port "$i")"
  dir="$STATE_DIR/node$i"
  mkdir -p "$dir/data"
  local nginx_port; nginx_port="$(state_get "$STATE_FILE" BAZAAR_CLUSTER_NGINX_PORT)"
  local -a settings=()
  local extra; extra="$(state_get "$STATE_FILE" BAZAAR_CLUSTER_SETTINGS)"
  if [ -n "$extra" ]; then read -r -a settings <<<"$extra"; fi
  (
    cd "$PUBLISH_DIR"
    set -a
    . "$SERVICES_DIR/env"
    set +a
    export ASPNETCORE_ENVIRONMENT=Production
    export DOTNET_CLI_TELEMETRY_OPTOUT=1
    export Urls="http://127.0.0.1:$port"
    export Database__Provider=Postgres
    export Database__DataDirectory="$dir/data"
    # Three nodes and the tools share the primary's 300 connections.
    export ConnectionStrings__Postgres="${BAZAAR_PG_CONNECTION/Maximum Pool Size=200/Maximum Pool Size=60}"
    if [ "$(state_get "$STATE_FILE" BAZAAR_CLUSTER_REPLICA)" = 1 ]; then
      export ConnectionStrings__PostgresReplica="${BAZAAR_PG_REPLICA_CONNECTION/Maximum Pool Size=200/Maximum Pool Size=30};Timeout=3"
    fi
    if [ "$(state_get "$STATE_FILE" BAZAAR_CLUSTER_REDIS)" = 1 ]; then
      export ConnectionStrings__Redis="$BAZAAR_REDIS_CONNECTION"
    fi
    export Https__Required=false
    export Accounts__AdminEmail="$ADMIN_EMAIL"
    Accounts__AdminPassword="$(cat "$STATE_DIR/admin-password")"; export Accounts__AdminPassword
    export Accounts__PublicUrl="http://127.0.0.1:$nginx_port"
    export Payments__Gateway=Sandbox
    Payments__WebhookSecret="$(cat "$STATE_DIR/webhook-secret")"; export Payments__WebhookSecret
    # Webhooks go through nginx, so a killed node does not lose them.
    export Payments__Sandbox__WebhookUrl="http://127.0.0.1:$nginx_port/api/payments/webhook"
    Metrics__BearerToken="$(cat "$STATE_DIR/metrics-token")"; export Metrics__BearerToken
    exec setsid dotnet Bazaar.Web.dll "${settings[@]}" </dev/null >>"$dir/node.log" 2>&1
  ) &
  pid=$!
  set_state "BAZAAR_CLUSTER_NODE_${i}_PID" "$pid"
  log "node $i starting on 127.0.0.1:$port (pid $pid, log $dir/node.log)"
}

wait_node_ready() {
  local i="$1" port pid deadline
  port="$(node_port "$i")"; pid="$(node_pid "$i")"
  deadline=$((SECONDS + READY_TIMEOUT))
  until [ "$(http_status "http://127.0.0.1:$port/health/ready")" = 200 ]; do
    if ! pid_alive "$pid"; then
      tail -n 20 "$STATE_DIR/node$i/node.log" >&2 || true
      die "node $i (pid $pid) exited before it was ready; log: $STATE_DIR/node$i/node.log"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "node $i not ready after ${READY_TIMEOUT}s; log: $STATE_DIR/node$i/node.log"
    sleep 1
  done
  log "node $i ready: http://127.0.0.1:$port"
}

stop_node() {
  local i="$1" pid; pid="$(node_pid "$i")"
  if pid_is "$pid" Bazaar.Web.dll; then
    log "stopping node $i (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 20; then
      log "node $i did not stop; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || log "warning: node $i pid $pid still alive"
    fi
  fi
}

# ---------------------------------------------------------------- nginx

# write_nginx_conf DIR LISTEN_PORT NODE_PORT...: DIR/nginx.conf (logs, PID and temp files in DIR too)
write_nginx_conf() {
  local dir="$1" port="$2" p user=""
  shift 2
  [ "$#" -ge 1 ] || die "nginx needs at least one node port"
  mkdir -p "$dir/tmp"
  if [ "$(id -u)" -eq 0 ]; then
    # Workers drop to nobody; they only need their temp folders.
    user="user nobody nogroup;"
    chown nobody:nogroup "$dir/tmp"
  fi
  local servers=""
  for p in "$@"; do
    servers+="    server 127.0.0.1:$p max_fails=2 fail_timeout=5s;"$'\n'
  done
  cat >"$dir/nginx.conf" <<EOF
# Written by scripts/cluster.sh (docs/deploy.md explains each part).
$user
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }

http {
    # Which node answered, and which were tried before it (a retry shows as "A, B" with "502, 202").
    log_format upstreams '\$remote_addr [\$time_local] "\$request" \$status \$request_time '
                         'upstream=\$upstream_addr statuses=\$upstream_status key=\$http_idempotency_key';
    access_log $dir/access.log upstreams;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    client_max_body_size 10m;

    # Round robin. Passive health checks: a node that fails max_fails times (refused, reset, timed out, 502/503) is
    # left out for fail_timeout, then tried again. Open-source nginx has no active checks: cluster.sh and the
    # service manager use /health/ready before a node joins (docs/deploy.md).
    upstream bazaar {
$servers        keepalive 32;
    }
    # Blazor's interactive pages negotiate and then open their circuit on the same node (the circuit lives there).
    upstream bazaar_circuits {
        hash \$remote_addr consistent;
$servers    }

    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      '';
    }

    server {
        listen 127.0.0.1:$port;
        server_name _;

        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$http_host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_connect_timeout 2s;
        proxy_read_timeout 60s;

        # Idempotent requests (GET, HEAD, PUT, DELETE...) go to the next node when one is down, resets the
        # connection or answers 502/503. nginx never resends a POST or PATCH unless told to (non_idempotent): only
        # requests that carry an Idempotency-Key are, because the store answers a repeated key with the first answer.
        proxy_next_upstream error timeout http_502 http_503;
        proxy_next_upstream_tries 3;
        proxy_next_upstream_timeout 15s;

        recursive_error_pages on;
        error_page 418 = @keyed;
        # No node answered at all: the store's own answer for a dependency that is away (503 + Retry-After).
        error_page 502 504 = @unavailable;

        location / {
            if (\$http_idempotency_key) { return 418; }
            proxy_pass http://bazaar;
        }

        location @keyed {
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_pass http://bazaar;
        }

        location /_blazor {
            # (a location that sets any header must repeat the server's)
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_read_timeout 1h;
            proxy_pass http://bazaar_circuits;
        }

        location @unavailable {
            default_type application/problem+json;
            add_header Retry-After 5 always;
            return 503 '{"type":"https://tools.ietf.org/html/rfc9110#section-15.6.4","title":"Service Unavailable","status":503,"detail":"No store node answered; try again shortly."}';
        }
    }
}
EOF
}

start_nginx() {
  [ -x "$NGINX_BIN" ] || die "nginx not found at $NGINX_BIN (apt-get install nginx-light, or set BAZAAR_NGINX)"
  local ports=() i
  for i in $(seq 1 "$(node_count)"); do ports+=("$(node_port "$i")"); done
  write_nginx_conf "$NGINX_DIR" "$(state_get "$STATE_FILE" BAZAAR_CLUSTER_NGINX_PORT)" "${ports[@]}"
  "$NGINX_BIN" -t -q -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" \
    || die "nginx rejected $NGINX_DIR/nginx.conf"
  setsid "$NGINX_BIN" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" \
    </dev/null >>"$NGINX_DIR/nginx.out" 2>&1 &
  local pid=$! port; port="$(state_get "$STATE_FILE" BAZAAR_CLUSTER_NGINX_PORT)"
  set_state BAZAAR_CLUSTER_NGINX_PID "$pid"
  local n=100
  until [ "$(http_status "http://127.0.0.1:$port/health/live")" = 200 ]; do
    pid_alive "$pid" || { tail -n 20 "$NGINX_DIR/error.log" >&2 || true; die "nginx exited; see $NGINX_DIR/error.log"; }
    n=$((n - 1)); [ "$n" -gt 0 ] || die "nginx on port $port does not answer"
    sleep 0.1
  done
  log "nginx ready: http://127.0.0.1:$port (pid $pid)"
}

stop_nginx() {
  local pid; pid="$(state_get "$STATE_FILE" BAZAAR_CLUSTER_NGINX_PID)"
  if pid_is "$pid" nginx; then
    log "stopping nginx (pid $pid)"
    kill -QUIT "$pid" 2>/dev/null || true     # graceful: finishes requests in flight
    if ! wait_gone "$pid" 10; then kill -TERM "$pid" 2>/dev/null || true; wait_gone "$pid" 5 || true; fi
  fi
}

# ---------------------------------------------------------------- commands

cmd_start() {
  local nodes=3 publish=1 replica=1 redis=1 settings=()
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --nodes) [ "$#" -ge 2 ] || usage; nodes="$2"; shift 2 ;;
      --nodes=*) nodes="${1#--nodes=}"; shift ;;
      --no-publish) publish=0; shift ;;
      --no-replica) replica=0; shift ;;
      --no-redis) redis=0; shift ;;
      --set) [ "$#" -ge 2 ] || usage; settings+=("--$2"); shift 2 ;;
      --set=*) settings+=("--${1#--set=}"); shift ;;
      *) usage ;;
    esac
  done
  [[ "$nodes" =~ ^[1-9][0-9]?$ ]] || die "--nodes must be 1..99 (got '$nodes')"
  for s in "${settings[@]+"${settings[@]}"}"; do
    [[ "$s" =~ ^--[A-Za-z0-9:_.]+=[^\ \']*$ ]] || die "--set takes Key=Value without spaces or quotes (got '${s#--}')"
  done
  if [ -f "$STATE_FILE" ]; then die "a cluster is already set up in $STATE_DIR (scripts/cluster.sh stop first)"; fi
  command -v curl >/dev/null 2>&1 || die "curl is needed"
  [ -x "$NGINX_BIN" ] || die "nginx not found at $NGINX_BIN (apt-get install nginx-light, or set BAZAAR_NGINX)"
  mkdir -p "$STATE_DIR"

  if [ "$publish" -eq 1 ] || [ ! -f "$PUBLISH_DIR/Bazaar.Web.dll" ]; then
    log "dotnet publish src/Bazaar.Web -c Release -o $PUBLISH_DIR"
    dotnet publish "$REPO_ROOT/src/Bazaar.Web" -c Release -o "$PUBLISH_DIR" --nologo -v quiet >&2 \
      || die "dotnet publish failed"
  fi

  # Secrets made here, kept in the state dir (mode 600), shown by `env`.
  local f
  for f in admin-password webhook-secret metrics-token; do
    [ -s "$STATE_DIR/$f" ] || (umask 077; secret 32 >"$STATE_DIR/$f")
  done

  echo "# generated by scripts/cluster.sh; eval \"\$(scripts/cluster.sh env)\"" >"$STATE_FILE"
  # From here on a failure (or Ctrl+C) stops whatever was started.
  STARTED=0
  trap 'if [ "$STARTED" -ne 1 ]; then log "start did not finish; stopping what was started"; cmd_stop; fi' EXIT
  set_state BAZAAR_CLUSTER_DIR "$STATE_DIR"
  set_state BAZAAR_CLUSTER_NODES "$nodes"
  set_state BAZAAR_CLUSTER_REPLICA "$replica"
  set_state BAZAAR_CLUSTER_REDIS "$redis"
  set_state BAZAAR_CLUSTER_SETTINGS "${settings[*]+"${settings[*]}"}"

  local want=(--postgres)
  if [ "$redis" -eq 1 ]; then want+=(--redis); fi
  if [ "$replica" -eq 1 ]; then want+=(--replica); fi
  # The cluster's PostgreSQL commits synchronously: the chaos runs stop it abruptly and must not lose what it acknowledged.
  BAZAAR_PG_SYNC_COMMIT=on services start "${want[@]}" || die "could not start PostgreSQL/Redis"

  local taken=() port i
  port="$(next_free_port "$PORT_START")" || die "no free port from $PORT_START"
  set_state BAZAAR_CLUSTER_NGINX_PORT "$port"
  set_state BAZAAR_CLUSTER_URL "http://127.0.0.1:$port"
  taken+=("$port")
  for i in $(seq 1 "$nodes"); do
    port="$(next_free_port "$((port + 1))" "${taken[@]}")" || die "no free port for node $i"
    taken+=("$port")
    set_state "BAZAAR_CLUSTER_NODE_${i}_PORT" "$port"
    set_state "BAZAAR_CLUSTER_NODE_${i}_URL" "http://127.0.0.1:$port"
  done

  # A fresh database: the nodes' search indexes from an earlier cluster describe another catalogue.
  for i in $(seq 1 "$nodes"); do rm -rf "${STATE_DIR:?}/node$i"; done
  launch_node 1
  wait_node_ready 1
  for i in $(seq 2 "$nodes"); do launch_node "$i"; done
  for i in $(seq 2 "$nodes"); do wait_node_ready "$i"; done
  start_nginx
  STARTED=1
  log "ready: http://127.0.0.1:$(state_get "$STATE_FILE" BAZAAR_CLUSTER_NGINX_PORT) ($nodes nodes; admin: $ADMIN_EMAIL," \
    "password in $STATE_DIR/admin-password; eval \"\$(scripts/cluster.sh env)\" for the rest)"
}

cmd_stop() {
  if [ -f "$STATE_FILE" ]; then
    stop_nginx
    local n i; n="$(node_count)"
    for i in $(seq 1 "${n:-0}"); do stop_node "$i"; done
  fi
  if [ -d "$SERVICES_DIR" ]; then services stop || log "warning: services stop failed"; fi
  rm -f "$STATE_FILE"
  log "stopped (builds, logs and node data stay in $STATE_DIR)"
}

cmd_status() {
  [ -f "$STATE_FILE" ] || { log "no cluster in $STATE_DIR"; return 3; }
  local n i port pid rc=0
  port="$(state_get "$STATE_FILE" BAZAAR_CLUSTER_NGINX_PORT)"; pid="$(state_get "$STATE_FILE" BAZAAR_CLUSTER_NGINX_PID)"
  if pid_is "$pid" nginx; then
    echo "nginx     http://127.0.0.1:$port  pid $pid  running  /health/ready: $(http_status "http://127.0.0.1:$port/health/ready")"
  else
    echo "nginx     http://127.0.0.1:$port  pid ${pid:--}  NOT RUNNING"; rc=1
  fi
  n="$(node_count)"
  for i in $(seq 1 "$n"); do
    port="$(node_port "$i")"; pid="$(node_pid "$i")"
    if node_running "$i"; then
      echo "node $i    http://127.0.0.1:$port  pid $pid  running  /health/ready: $(http_status "http://127.0.0.1:$port/health/ready")"
    else
      echo "node $i    http://127.0.0.1:$port  pid ${pid:--}  NOT RUNNING"; rc=1
    fi
  done
  services status 2>&1 | sed 's/^services: /          /'
  return "$rc"
}

cmd_env() {
  [ -f "$STATE_FILE" ] || die "no cluster in $STATE_DIR; run: $0 start"
  cat "$STATE_FILE"
  [ -f "$SERVICES_DIR/env" ] && grep '^export' "$SERVICES_DIR/env"
  echo "export BAZAAR_CLUSTER_ADMIN_EMAIL='$ADMIN_EMAIL'"
  echo "export BAZAAR_CLUSTER_ADMIN_PASSWORD='$(cat "$STATE_DIR/admin-password")'"
  echo "export BAZAAR_CLUSTER_METRICS_TOKEN='$(cat "$STATE_DIR/metrics-token")'"
}

node_index() {
  [ -f "$STATE_FILE" ] || die "no cluster in $STATE_DIR"
  [[ "${1:-}" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le "$(node_count)" ] \
    || die "node must be 1..$(node_count) (got '${1:-}')"
}

cmd="${1:-}"
[ -n "$cmd" ] || usage
shift
case "$cmd" in
  start) cmd_start "$@" ;;
  stop) [ "$#" -eq 0 ] || usage; cmd_stop ;;
  status) [ "$#" -eq 0 ] || usage; cmd_status ;;
  env) [ "$#" -eq 0 ] || usage; cmd_env ;;
  kill-node)
    [ "$#" -eq 1 ] || usage; node_index "$1"
    pid="$(node_pid "$1")"
    node_running "$1" || die "node $1 is not running"
    kill -KILL "$pid"; wait_gone "$pid" 10 || die "node $1 (pid $pid) did not die"
    log "node $1 killed (pid $pid)"
    ;;
  start-node)
    [ "$#" -eq 1 ] || usage; node_index "$1"
    if node_running "$1"; then log "node $1 already running"; exit 0; fi
    launch_node "$1"; wait_node_ready "$1"
    ;;
  nginx-config)
    [ "$#" -ge 3 ] || usage
    write_nginx_conf "$@"
    ;;
  down|up)
    [ "$#" -eq 1 ] || usage
    case "$1" in postgres|replica|redis) services "$cmd" "$1" ;; *) usage ;; esac
    ;;
  -h|--help|help) usage ;;
  *) usage ;;
esac
