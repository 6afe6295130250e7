#!/usr/bin/env bash
# Server CPU per checkout, in steady state: one store node (the Release build in src/Bazaar.Web/bin) on PostgreSQL,
# 60 checkouts to warm it up (JIT tiering, pools, caches), then N shoppers each hold one unit, and the node's CPU
# (utime + stime from /proc) is read around N sequential placements (POST /api/checkout) and around their N payments
# (the sandbox page's POST, the return to the store, and the sandbox's webhook, which lands in the second after).
# The idle CPU just before is printed beside it. Client: curl, one request at a time.
#
#   dotnet build src/Bazaar.Web -c Release && bench/checkout-cpu.sh 100
#
# Uses the PostgreSQL of $BAZAAR_SERVICES_DIR if it has one running (a throwaway database on it, dropped at the end),
# else starts its own with scripts/services.sh and stops it at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N=${1:-100}
OWN=""
if [ -z "${BAZAAR_SERVICES_DIR:-}" ] || ! BAZAAR_SERVICES_DIR="$BAZAAR_SERVICES_DIR" "$ROOT/scripts/services.sh" env >/dev/null 2>&1; then
  OWN=$(mktemp -d /tmp/bazaar-cpu-services.XXXX)
  BAZAAR_SERVICES_DIR=$OWN "$ROOT/scripts/services.sh" start --postgres >&2
fi
eval "$(BAZAAR_SERVICES_DIR=${OWN:-$BAZAAR_SERVICES_DIR} "$ROOT/scripts/services.sh" env)"
DB=cpuprobe_$RANDOM$RANDOM
PSQL="postgresql://bazaar:$(echo "$BAZAAR_PG_CONNECTION" | sed -n "s/.*Password=\([^;]*\).*/\1/p")@127.0.0.1:$BAZAAR_PG_PORT/bazaar"
psql "$PSQL" -qc "CREATE DATABASE $DB" >/dev/null
CS=$(python3 -c "import sys;cs=sys.argv[1];parts=[p for p in cs.split(';') if p and not p.lower().startswith('database=')];print(';'.join(parts+['Database=$DB']))" "$BAZAAR_PG_CONNECTION")
PORT=$((20000 + RANDOM % 20000)); B=http://127.0.0.1:$PORT
DATA=$(mktemp -d /tmp/bazaar-cpu-data.XXXX); J=$(mktemp -d /tmp/bazaar-cpu-jar.XXXX)
cd "$ROOT/src/Bazaar.Web/bin/Release/net10.0"
env ASPNETCORE_ENVIRONMENT=Production Database__Provider=Postgres ConnectionStrings__Postgres="$CS" Database__DataDirectory=$DATA \
 Database__ImportBundledCatalog=false Inventory__SeedDemoStock=false Accounts__AdminEmail=admin@bench.local Accounts__AdminPassword=bench-admin-password-1 \
 Https__Required=false Payments__Gateway=Sandbox Payments__WebhookSecret=bench-webhook-secret-0123456789abcdef Payments__Sandbox__AttemptsPerClientPerMinute=100000 \
 Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.EntityFrameworkCore=Critical Checkout__RequestsPerClientPerMinute=1000000 \
 Cart__UnlimitedClients__0=127.0.0.1 Cart__AddsPerShopperPerMinute=100000 \
 dotnet Bazaar.Web.dll --urls $B > $DATA/log 2>&1 &
PID=$!
cleanup() {
  kill $PID 2>/dev/null; wait $PID 2>/dev/null || true
  psql "$PSQL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
  rm -rf "$DATA" "$J"
  if [ -n "$OWN" ]; then BAZAAR_SERVICES_DIR=$OWN "$ROOT/scripts/services.sh" stop >&2; rm -rf "$OWN"; fi
}
trap cleanup EXIT
for i in $(seq 1 600); do curl -sf $B/health/ready >/dev/null && break; sleep 1; done
curl -sf -c $J/admin -H 'Content-Type: application/json' -d '{"email":"admin@bench.local","password":"bench-admin-password-1"}' $B/api/account/sign-in >/dev/null
CAT=$(curl -sf -b $J/admin -c $J/admin -H 'Content-Type: application/json' -d '{"name":"Probe"}' $B/api/admin/categories | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
curl -sf -b $J/admin -H 'Content-Type: application/json' -d "{\"sku\":\"PROBE-1\",\"title\":\"Probe\",\"brand\":\"Bazaar\",\"price\":19.00,\"categoryId\":$CAT}" $B/api/admin/products >/dev/null
curl -sf -b $J/admin -H 'Content-Type: application/json' -d "{\"quantity\":$((N+80)),\"reason\":\"probe\"}" $B/api/admin/stock/PROBE-1/receive >/dev/null
BODY='{"email":"buyer@bench.local","shipTo":{"name":"Flash Buyer","line1":"1 Main St","city":"Austin","region":"TX","postalCode":"73301","country":"US"},"shippingMethod":"standard"}'
one() { # $1: the shopper's cookie jar; $2: hold | place | pay
  if [ $2 = hold ]; then curl -sf -c $1 $B/health/live >/dev/null; curl -sf -b $1 -H 'Content-Type: application/json' -d '{"sku":"PROBE-1","quantity":1}' $B/api/cart/items >/dev/null; fi
  if [ $2 = place ]; then curl -s -o $1.placed -b $1 -H 'Content-Type: application/json' -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" -d "$BODY" $B/api/checkout; fi
  if [ $2 = pay ]; then U=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["paymentUrl"])' $1.placed)
     L=$(curl -s -o /dev/null -w '%{redirect_url}' --data-urlencode number=4242424242424242 -d expiryMonth=12 -d expiryYear=2030 -d cvc=123 $B$U)
     curl -s -o /dev/null -b $1 "$L"; fi
}
for i in $(seq 1 60); do one $J/w$i hold; one $J/w$i place >/dev/null; done
for i in $(seq 1 60); do one $J/w$i pay; done; sleep 5
for i in $(seq 1 $N); do one $J/s$i hold; done
cpu() { awk '{print $14+$15}' /proc/$PID/stat; }
TCK=$(getconf CLK_TCK)
sleep 2; c0=$(cpu); sleep 3; idle=$(( $(cpu) - c0 ))
c0=$(cpu); for i in $(seq 1 $N); do one $J/s$i place >/dev/null; done; c1=$(cpu)
for i in $(seq 1 $N); do one $J/s$i pay; done; sleep 1; c2=$(cpu)
python3 -c "t=$TCK;n=$N;print(f'place {($c1-$c0)*1000/t/n:.2f} ms, pay {($c2-$c1)*1000/t/n:.2f} ms, total {($c2-$c0)*1000/t/n:.2f} ms CPU per checkout; idle {$idle*1000/t/3:.1f} ms/s')"
grep -c '"orderId"' $J/s*.placed | awk -F: '{s+=$2} END {print "placed answers:", s}'
