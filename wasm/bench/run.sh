#!/usr/bin/env bash
# The checker benchmarks, side by side in one run (make bench-wasm):
# native Go, the module in Node (check, checkMany) next to the
# pure-JavaScript peers, the GOOS=js alternatives, module sizes with and
# without shrinking, and Chromium's MV3 service worker; start-up of the
# shipped (pre-initialized) checker next to the same module before
# pre-initialization and the checker as built at BASE_REF; checkMany over
# several lists (the default list, the 1M list, both), in Node and the
# service worker. Every figure is the median of ROUNDS rounds (5 by
# default; per-URL figures in Chromium and over several lists, 3 × ROUNDS).
# Results: OUT/*.json and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-5}
URLS=${URLS:-20000}
ENTRIES=${ENTRIES:-1000000}
OUT=${OUT:-$(mktemp -d /tmp/redflag-wasm-bench.XXXXXX)}
mkdir -p "$OUT"
echo "== results in $OUT (load average: $(cut -d' ' -f1-3 /proc/loadavg))"

go run ./wasm/bench/gen -entries "$ENTRIES" -out "$OUT/data"

echo "== native Go"
go run ./wasm/bench/native -urls "$URLS" -rounds "$ROUNDS" "$OUT/data" > "$OUT/native.json"

echo "== Node: checker and peers"
node wasm/bench/node.mjs "$OUT/data" "$URLS" "$ROUNDS" > "$OUT/node.json"

# Three times the rounds: each is short, and a shared machine's load moves
# the ratio this one measures (goal: ≤ 1.2).
echo "== Node: several lists (default, 1M, default + 1M as a company's list)"
node wasm/bench/lists.mjs "$OUT/data" "$URLS" "$((3 * ROUNDS))" > "$OUT/lists-node.json"

echo "== module builds"
WASM=extension/checker/redflag.wasm
MOD=$(wasm/build/slim-modfile.sh "$OUT/mod")
# The same checker before pre-initialization (make's bin/redflag-plain.wasm).
mkdir -p "$OUT/plain"
cp extension/checker/*.js "$OUT/plain/"
cp bin/redflag-plain.wasm "$OUT/plain/redflag.wasm"
# The checker as built at BASE_REF, JavaScript and module: by default the
# last commit before the module was pre-initialized at build time.
BASE_REF=${BASE_REF:-eff6f60}
mkdir -p "$OUT/base-src" "$OUT/base"
git archive "$BASE_REF" | tar -x -C "$OUT/base-src"
make -s -C "$OUT/base-src" extension/checker/redflag.wasm extension/checker/module-id.js > "$OUT/base-build.log"
cp "$OUT/base-src/extension/checker/"*.js "$OUT/base-src/extension/checker/redflag.wasm" "$OUT/base/"
echo "   base: $BASE_REF ($(git log -1 --format=%cs "$BASE_REF"))"
GOOS=js GOARCH=wasm go build -modfile="$MOD" -trimpath -ldflags='-s -w' -o "$OUT/js.wasm" ./wasm/bench/jsboundary
GOOS=wasip1 GOARCH=wasm go build -modfile="$MOD" -buildmode=c-shared -trimpath -o "$OUT/unstripped.wasm" ./wasm/cmd/checker
# Without wasm/build/slim-modfile.sh: publicsuffix links net/http.
GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags='-s -w' -o "$OUT/unslimmed.wasm" ./wasm/cmd/checker
mkdir -p "$OUT/opt" "$OUT/unslimmed"
cp extension/checker/*.js "$OUT/opt/"
cp extension/checker/*.js "$OUT/unslimmed/"
cp "$OUT/unslimmed.wasm" "$OUT/unslimmed/redflag.wasm"
if command -v wasm-opt > /dev/null; then
  wasm-opt -O2 --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals \
    "$WASM" -o "$OUT/opt/redflag.wasm"
fi
# Each variant names its Cache Storage copy by its own hash, as make does.
for dir in "$OUT/opt" "$OUT/unslimmed" "$OUT/plain"; do
  [ -f "$dir/redflag.wasm" ] && wasm/build/module-id.sh "$dir/redflag.wasm" > "$dir/module-id.js"
done
size() { [ -f "$1" ] && printf '{"raw":%d,"gzip":%d}' "$(stat -c %s "$1")" "$(gzip -9 -c "$1" | wc -c)" || printf null; }
printf '{"shipped":%s,"plain":%s,"base":%s,"unstripped":%s,"unslimmed":%s,"wasmOpt":%s,"goosJS":%s}\n' \
  "$(size "$WASM")" "$(size "$OUT/plain/redflag.wasm")" "$(size "$OUT/base/redflag.wasm")" "$(size "$OUT/unstripped.wasm")" \
  "$(size "$OUT/unslimmed.wasm")" "$(size "$OUT/opt/redflag.wasm")" "$(size "$OUT/js.wasm")" > "$OUT/size.json"
# What the module links, per package (code bytes compile at start-up).
node wasm/bench/linked.mjs "$OUT/unstripped.wasm" 25 > "$OUT/linked.json"

export RF_DIRS="plain=$OUT/plain,base=$OUT/base"
echo "== boundary: wasip1 against GOOS=js (and wasm-opt), the module before pre-initialization and at $BASE_REF"
RF_OPT=$([ -f "$OUT/opt/redflag.wasm" ] && echo "$OUT/opt" || true) \
  node wasm/bench/boundary.mjs "$OUT/data/urls.txt" "$URLS" "$ROUNDS" "$OUT/js.wasm" > "$OUT/boundary.json"
: > "$OUT/startup.json"
for i in $(seq "$ROUNDS"); do
  for v in wasip1 plain base unslimmed js-bytes; do
    RF_UNSLIMMED="$OUT/unslimmed" node wasm/bench/boundary.mjs --start "$v" "$OUT/js.wasm" >> "$OUT/startup.json"
  done
done

if [ -x /usr/bin/chromium ] && [ -d extension/node_modules/playwright-core ]; then
  echo "== Chromium MV3 service worker"
  RF_COMPARE="plain=$OUT/plain,base=$OUT/base,unslimmed=$OUT/unslimmed" node wasm/bench/chromium.mjs "$OUT/data" "$ROUNDS" > "$OUT/chromium.json"
  # Look-alikes' price on a small list: the shipped list's 17 entries.
  echo "== Chromium MV3 service worker: the shipped list, per URL"
  go run ./wasm/bench/gen -shipped -urls "$URLS" -out "$OUT/shipped"
  RF_PER_URL_ONLY=1 node wasm/bench/chromium.mjs "$OUT/shipped" "$ROUNDS" > "$OUT/chromium-shipped.json"
  echo "== Chromium MV3 service worker: several lists"
  node wasm/bench/lists.mjs --chromium "$OUT/data" "$URLS" "$((3 * ROUNDS))" > "$OUT/lists-chromium.json"
else
  echo "== Chromium skipped: needs /usr/bin/chromium (apt-get install chromium) and npm install in extension/"
fi

node wasm/bench/summary.mjs "$OUT"
