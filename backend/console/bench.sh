#!/usr/bin/env bash
# The admin console on a 1,000,000-entry list, in Chromium: a real
# redflag serve, the list uploaded, approved and published through the
# admin API (backend/bench/loadlist, which also prints the API's own
# page and search times), then bench.mjs signs in and searches.
# Usage: backend/console/bench.sh [ENTRIES]   (from the repository root,
# after make bin/redflag and the console's npm ci)
set -euo pipefail
N=${1:-1000000}
work=$(mktemp -d)
trap 'kill $spid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/loadlist" ./backend/bench/loadlist
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bin/redflag serve --addr "127.0.0.1:$port" --data "$work/data" --log-level warn >"$work/serve.log" 2>&1 &
spid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
admin=$(bin/redflag token create --data "$work/data" --name bench-admin --role admin 2>/dev/null)
reviewer=$(bin/redflag token create --data "$work/data" --name bench-reviewer --role reviewer 2>/dev/null)
echo "== loadlist: $N entries through the admin API"
"$work/loadlist" --server "http://127.0.0.1:$port" --admin "$admin" --reviewer "$reviewer" --n "$N" --rounds 1 | tee "$work/load.jsonl"
domain=$(curl -sf -H "Authorization: Bearer $admin" "http://127.0.0.1:$port/v1/admin/lists/default/entries?after=m&limit=1" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"][0]["pattern"])')
echo "== the console in Chromium, searching for $domain"
(cd backend/console && node bench.mjs "http://127.0.0.1:$port" "$admin" "$domain" 5)
