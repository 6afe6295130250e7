#!/usr/bin/env bash
# Runs every test: builds once, then runs tests/Bazaar.Tests against SQLite and
# against PostgreSQL (throwaway PostgreSQL + Redis via scripts/services.sh).
#
#   ./test.sh                              # both passes
#   ./test.sh --filter-class '*Foo*'       # extra args go to `dotnet test`
#   BAZAAR_TEST_ONLY=sqlite ./test.sh      # one pass only (sqlite|postgres)
#
# Output per pass: TestResults/<db>/ (results, screenshots, test-output.log).
# Last line: "N passed, N failed" (summed over the passes that ran).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

log() { echo "test.sh: $*" >&2; }
die() { echo "test.sh: error: $*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

case "${BAZAAR_TEST_ONLY:-}" in
  "") PASSES=(sqlite postgres) ;;
  sqlite|postgres) PASSES=("$BAZAAR_TEST_ONLY") ;;
  *) die "BAZAAR_TEST_ONLY must be 'sqlite' or 'postgres' (got '$BAZAAR_TEST_ONLY')" ;;
esac

# ------------------------------------------------------------ prerequisites
missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  log "installing missing packages: ${missing[*]}"
  # Package scripts must not start system-wide daemons (nginx would take port 80): the tests start their own.
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || { [ "$created_policy" -eq 0 ] || $SUDO rm -f /usr/sbin/policy-rc.d; die "apt-get install ${missing[*]} failed"; }
  if [ "$created_policy" -eq 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi
command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH"

# ------------------------------------------------------------ services
SERVICES_DIR="$(mktemp -d "${TMPDIR:-/tmp}/bazaar-test-services.XXXXXX")"
export BAZAAR_SERVICES_DIR="$SERVICES_DIR"
# A second PostgreSQL and Redis that only the fault tests (tests/Bazaar.Tests/Faults) use: they stop and start them
# (scripts/services.sh down|up) while every other test class keeps running in parallel on the first pair.
FAULT_SERVICES_DIR="$SERVICES_DIR/faults"
CLEANED=0
TEST_PID=""
TAIL_PID=""
cleanup() {
  [ "$CLEANED" -eq 1 ] && return 0
  CLEANED=1
  if [ -n "$TEST_PID" ] && kill -0 -- "-$TEST_PID" 2>/dev/null; then
    log "interrupted: stopping dotnet test (process group $TEST_PID)"
    kill -TERM -- "-$TEST_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$TEST_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$TEST_PID" 2>/dev/null || true
  fi
  if [ -n "$TAIL_PID" ]; then kill "$TAIL_PID" 2>/dev/null || true; fi
  BAZAAR_SERVICES_DIR="$FAULT_SERVICES_DIR" "$ROOT/scripts/services.sh" stop || log "warning: fault services stop failed"
  BAZAAR_SERVICES_DIR="$SERVICES_DIR" "$ROOT/scripts/services.sh" stop || log "warning: services stop failed"
  rm -rf "$SERVICES_DIR"
}
trap 'cleanup' EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# ------------------------------------------------------------ build (once, fail fast)
log "dotnet build Bazaar.slnx -c Release"
dotnet build Bazaar.slnx -c Release || die "build failed"

log "starting services"
"$ROOT/scripts/services.sh" start || die "could not start services"
eval "$("$ROOT/scripts/services.sh" env)"
export BAZAAR_TEST_POSTGRES="$BAZAAR_PG_CONNECTION"
export BAZAAR_TEST_REDIS="$BAZAAR_REDIS_CONNECTION"
BAZAAR_PG_SYNC_COMMIT=on BAZAAR_SERVICES_DIR="$FAULT_SERVICES_DIR" "$ROOT/scripts/services.sh" start || die "could not start the fault-test services"
export BAZAAR_TEST_FAULT_SERVICES="$FAULT_SERVICES_DIR"

# ------------------------------------------------------------ test passes
# Parses the Microsoft Testing Platform summary printed by `dotnet test`:
#   Test run summary: Passed!        (or Failed! / Zero tests ran / Aborted)
#     total: 5
#     failed: 1
#     succeeded: 3
#     skipped: 1
#     duration: 743ms
# Uses the last summary block in the log; prints "total failed succeeded skipped".
parse_summary() {
  sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r$//' "$1" | awk '
    /Test run summary:/ { seen=1; t=f=s=k=0; next }
    seen && $1=="total:"     { t=$2 }
    seen && $1=="failed:"    { f=$2 }
    seen && $1=="succeeded:" { s=$2 }
    seen && $1=="skipped:"   { k=$2 }
    END { if (seen) print t+0, f+0, s+0, k+0; else print "none" }'
}

TOTAL_PASSED=0
TOTAL_FAILED=0
OVERALL=0
SUMMARIES=()

for db in "${PASSES[@]}"; do
  out="$ROOT/TestResults/$db"
  mkdir -p "$out"
  logfile="$out/test-output.log"
  log "=== pass: $db (output: $out) ==="
  : >"$logfile"
  # Own process group (setsid) so an interrupt can stop the whole test run by
  # its pid; run in the background + wait so INT/TERM traps fire immediately.
  BAZAAR_TEST_DATABASE="$db" BAZAAR_TEST_OUTPUT="$out" \
    setsid dotnet test --project tests/Bazaar.Tests -c Release --no-build \
      --results-directory "$out" "$@" >"$logfile" 2>&1 </dev/null &
  TEST_PID=$!
  tail -n +1 -f --pid="$TEST_PID" "$logfile" &
  TAIL_PID=$!
  rc=0
  wait "$TEST_PID" || rc=$?
  wait "$TAIL_PID" || true
  TEST_PID=""; TAIL_PID=""

  summary="$(parse_summary "$logfile")"
  note=""
  if [ "$summary" = "none" ]; then
    total=0; failed=0; succeeded=0; skipped=0
    note=" (no test summary found)"
  else
    read -r total failed succeeded skipped _ <<<"$summary"
  fi
  if [ "$rc" -eq 8 ] && [ "$total" -eq 0 ]; then
    note="$note (zero tests ran)"   # MTP exit code 8: not counted as a failure
    rc=0
  fi
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1                        # run failed without a failing test (crash/abort): count it
    note="$note (run failed with exit code $rc)"
  fi
  if [ "$rc" -ne 0 ]; then OVERALL=1; status=FAILED; else status=passed; fi
  TOTAL_PASSED=$((TOTAL_PASSED + succeeded))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  SUMMARIES+=("$db: $status - total: $total, failed: $failed, succeeded: $succeeded, skipped: $skipped (exit $rc)$note")
done

cleanup   # stop services now so the summary is the last thing printed
echo
for line in "${SUMMARIES[@]}"; do echo "$line"; done
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit "$OVERALL"
