#!/usr/bin/env bash
# Publisher benchmarks, side by side in one run (make bench):
#  1. a 1,000,000-entry list (lists/synthetic) uploaded through the admin
#     API, then "approve to servable snapshot" for the whole list and for
#     small updates, the admin entry page and search on it, and the
#     server's resident memory (backend/bench/loadlist);
#  2. snapshot GET throughput, 200 and 304 answers, with wrk against
#     redflag serve and against nginx serving the same files from disk,
#     for the 1M-entry snapshot and a small one; medians of ROUNDS runs and
#     the redflag/nginx ratio.
# Installs wrk and nginx with apt-get when missing (needs root).
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
PORT=${PORT:-18480}
NGINX_PORT=${NGINX_PORT:-18481}

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
fi

work=$(mktemp -d)
chmod 755 "$work" # nginx workers run as an unprivileged user
spid=""
npid=""
cleanup() {
  [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null || true
  [ -n "$npid" ] && kill "$npid" 2>/dev/null && wait "$npid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building"
go build -o "$work/redflag" ./lists/cmd/redflag
go build -o "$work/loadlist" ./backend/bench/loadlist

echo "== baseline: the lists core alone signs a 1M-entry snapshot (snapshot.Build) in"
go test -run '^$' -bench 'Build1M' -benchtime 3x ./lists/snapshot | tee "$work/build1m.txt" | grep Build1M

echo "== redflag serve on 127.0.0.1:$PORT"
"$work/redflag" serve --addr "127.0.0.1:$PORT" --data "$work/data" --log-level info >"$work/serve.out" 2>"$work/serve.err" &
spid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
admin=$("$work/redflag" token create --data "$work/data" --name bench-admin --role admin 2>/dev/null)
reviewer=$("$work/redflag" token create --data "$work/data" --name bench-reviewer --role reviewer 2>/dev/null)

echo "== loadlist: $N entries"
mkdir -p "$work/www" && chmod 755 "$work/www"
"$work/loadlist" --server "http://127.0.0.1:$PORT" --admin "$admin" --reviewer "$reviewer" --pid "$spid" \
  --n "$N" --rounds "$ROUNDS" --snapshot-out "$work/www/big.snap" --small-out "$work/www/small.snap" | tee "$work/loadlist.jsonl"

echo "== nginx on 127.0.0.1:$NGINX_PORT serving the same files"
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/vnd.redflag.snapshot;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /v1/lists/default/snapshot { alias $work/www/big.snap; add_header Cache-Control "public, max-age=60"; }
    location = /v1/lists/small/snapshot { alias $work/www/small.snap; add_header Cache-Control "public, max-age=60"; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
npid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/v1/lists/small/snapshot" && break; sleep 0.1; done

etag() { curl -sf -D - -o /dev/null "$1" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}'; }
status() { curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $2" "$1"; }

results="$work/results.tsv"
: >"$results"
for obj in default small; do
  for target in redflag nginx; do
    port=$PORT; [ $target = nginx ] && port=$NGINX_PORT
    url="http://127.0.0.1:$port/v1/lists/$obj/snapshot"
    tag=$(etag "$url")
    if [ "$(status "$url" "$tag")" != 304 ]; then echo "$target $obj: If-None-Match $tag does not give 304" >&2; exit 1; fi
    if ! cmp -s <(curl -sf "$url") "$work/www/$([ $obj = default ] && echo big || echo small).snap"; then
      echo "$target $obj: serves different bytes" >&2; exit 1
    fi
  done
done
echo "== wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS rounds, targets interleaved"
for round in $(seq "$ROUNDS"); do
  for obj in default small; do
    for answer in 200 304; do
      for target in redflag nginx; do
        port=$PORT; [ $target = nginx ] && port=$NGINX_PORT
        url="http://127.0.0.1:$port/v1/lists/$obj/snapshot"
        hdr=()
        [ $answer = 304 ] && hdr=(-H "If-None-Match: $(etag "$url")")
        out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "${hdr[@]}" "$url")
        rps=$(echo "$out" | awk '/^Requests\/sec/{print $2}')
        p99=$(echo "$out" | awk '$1=="99%"{print $2}')
        non2xx=$(echo "$out" | awk '/Non-2xx/{print $NF}')
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$obj" "$answer" "$target" "$rps" "$p99" "${non2xx:-0}" | tee -a "$results"
      done
    done
  done
done

rss=$(awk '/VmRSS/{printf "%.1f", $2/1024}' "/proc/$spid/status")
echo
echo "== summary (medians of $ROUNDS rounds)"
printf 'snapshot\tbytes\tanswer\tredflag req/s\tnginx req/s\tratio\n'
for obj in default small; do
  bytes=$(stat -c %s "$work/www/$([ $obj = default ] && echo big || echo small).snap")
  for answer in 200 304; do
    med() { awk -F'\t' -v o="$obj" -v a="$answer" -v t="$1" '$2==o && $3==a && $4==t {print $5}' "$results" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
    r=$(med redflag); n=$(med nginx)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$obj" "$bytes" "$answer" "$r" "$n" "$(awk -v r="$r" -v n="$n" 'BEGIN{printf "%.2f", r/n}')"
  done
done
grep -E '"measure":"(approve_to_servable_full_median|approve_to_servable_update_median|entries_page|rss_1m|upload)"' "$work/loadlist.jsonl"
echo "{\"measure\":\"rss_after_wrk\",\"rss_mb\":$rss}"
echo "== where publication time goes (server log, 1M-entry versions)"
grep -E '"msg":"(approved|published)"' "$work/serve.err" | grep -E '"entries":100[0-9]{4}' | sed 's/^{"time":"[^"]*",//' || true
echo "== baseline (same run): snapshot.Build of 1M entries, lists core alone"
awk '/Build1M/{printf "%.2f s/op\n", $3/1e9}' "$work/build1m.txt"
echo "== machine load during the run"
uptime
