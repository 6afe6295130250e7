#!/usr/bin/env bash
# Lighthouse (mobile emulation, headless Chromium) on the home, category, search and product pages; writes the
# scores as a table into docs/benchmarks.md between the "lighthouse" markers, with the date and the machine's load.
#
#   scripts/lighthouse.sh                         # starts the store (Release build, embedded SQLite, bundled catalogue)
#   BAZAAR_URL=http://127.0.0.1:5000 scripts/lighthouse.sh   # scores a store that is already running
#
# Needs node and npm (lighthouse 12.2.3 is installed on first use under ~/.cache/bazaar-lighthouse; 13 needs
# Node 22) and /usr/bin/chromium (CHROME_PATH).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { echo "lighthouse.sh: $*" >&2; }
die() { echo "lighthouse.sh: error: $*" >&2; exit 1; }

LIGHTHOUSE_VERSION=12.2.3
TOOLS="${BAZAAR_LIGHTHOUSE_TOOLS:-$HOME/.cache/bazaar-lighthouse}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
[ -x "$CHROME_PATH" ] || die "no Chromium at $CHROME_PATH (set CHROME_PATH)"
command -v npm >/dev/null || die "npm not found"

if [ "$("$TOOLS/node_modules/.bin/lighthouse" --version 2>/dev/null)" != "$LIGHTHOUSE_VERSION" ]; then
  log "installing lighthouse $LIGHTHOUSE_VERSION under $TOOLS"
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm i -E --no-audit --no-fund "lighthouse@$LIGHTHOUSE_VERSION" >&2)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/bazaar-lighthouse.XXXXXX")"
STORE_PID=""
cleanup() {
  if [ -n "$STORE_PID" ] && kill -0 "$STORE_PID" 2>/dev/null; then kill "$STORE_PID"; wait "$STORE_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

URL="${BAZAAR_URL:-}"
if [ -z "$URL" ]; then
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 5087)"
  URL="http://127.0.0.1:$PORT"
  log "building and starting the store on $URL (data under $WORK)"
  dotnet build src/Bazaar.Web -c Release -v q -nologo >&2
  # Development: the embedded shape with its own first admin; nothing is simulated but what the catalogue ships.
  # From the project folder, so its appsettings.Development.json applies (as with `dotnet run`).
  (cd src/Bazaar.Web && ASPNETCORE_ENVIRONMENT=Development Database__DataDirectory="$WORK/data" \
    Mail__PickupDirectory="$WORK/mail" Logging__LogLevel__Default=Warning \
    exec dotnet bin/Release/net10.0/Bazaar.Web.dll --urls "$URL") >"$WORK/store.log" 2>&1 &
  STORE_PID=$!
  for _ in $(seq 1 900); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/health/ready")" = 200 ] && break
    kill -0 "$STORE_PID" 2>/dev/null || { tail -20 "$WORK/store.log" >&2; die "the store exited"; }
    sleep 1
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/health/ready")" = 200 ] || die "the store was not ready in 15 minutes"
fi

CATEGORY="$(curl -fs "$URL/api/categories" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].slug))')"
PRODUCT="$(curl -fs "$URL/api/products?pageSize=1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).items[0].slug))')"
PAGES=("home|/" "category|/c/$CATEGORY" "search|/search?q=toner" "product|/p/$PRODUCT")

# One warm-up request each, so the scores are of a warm store rather than of its first compile.
for page in "${PAGES[@]}"; do curl -fs -o /dev/null "$URL${page#*|}"; done

LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
ROWS=""
for page in "${PAGES[@]}"; do
  name="${page%%|*}"; path="${page#*|}"
  log "scoring $name ($path)"
  "$TOOLS/node_modules/.bin/lighthouse" "$URL$path" --quiet --output=json --output-path="$WORK/$name.json" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" >&2 || die "lighthouse failed on $path"
  ROWS+="$(node -e '
    const r = require(process.argv[1]); const c = r.categories; const s = k => Math.round(c[k].score * 100);
    const lcp = r.audits["largest-contentful-paint"].displayValue, tbt = r.audits["total-blocking-time"].displayValue;
    console.log(`| ${process.argv[2]} | \`${process.argv[3]}\` | ${s("performance")} | ${s("accessibility")} | ${s("best-practices")} | ${s("seo")} | ${lcp} | ${tbt} |`);
  ' "$WORK/$name.json" "$name" "$path")"$'\n'
done

TABLE="$WORK/table.md"
{
  echo "<!-- lighthouse:start (written by scripts/lighthouse.sh) -->"
  echo "Lighthouse $LIGHTHOUSE_VERSION, mobile emulation, headless Chromium, $(date -u +%Y-%m-%d) on this machine, load average $LOAD at the start."
  echo
  echo "    scripts/lighthouse.sh"
  echo
  echo "| page | path | performance | accessibility | best practices | SEO | LCP | TBT |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$ROWS"
  echo "<!-- lighthouse:end -->"
} > "$TABLE"

DOC=docs/benchmarks.md
if grep -q '<!-- lighthouse:start' "$DOC"; then
  node -e '
    const fs = require("fs"); const [doc, table] = process.argv.slice(1);
    const text = fs.readFileSync(doc, "utf8"), block = fs.readFileSync(table, "utf8").trimEnd();
    fs.writeFileSync(doc, text.replace(/<!-- lighthouse:start[\s\S]*?<!-- lighthouse:end -->/, block));
  ' "$DOC" "$TABLE"
else
  { echo; echo "## Storefront: Lighthouse"; echo; cat "$TABLE"; } >> "$DOC"
fi
cat "$TABLE"
