#!/usr/bin/env bash
# Loopback throughput of target-app's GET / with keep-alive, measured by wrk (Debian package "wrk").
# Usage: throughput.sh path/to/target-app.jar [seconds] [connections]
# Prints wrk's report and one line "target-app throughput: N req/s" (goal: >= 10000 on 2 cores).
set -euo pipefail
jar=${1:?path to target-app.jar}
seconds=${2:-15}
conns=${3:-64}
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install -y wrk)" >&2; exit 3; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
PORT=$port BIND=127.0.0.1 SHUTDOWN_MODE=immediate java -jar "$jar" >"$log" 2>&1 &
app=$!
trap 'kill -KILL $app 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do grep -q '"event":"ready"' "$log" && break; sleep 0.1; done
grep -q '"event":"ready"' "$log" || { echo "bench: target-app did not become ready" >&2; cat "$log" >&2; exit 3; }
wrk -t1 -c"$conns" -d5s "http://127.0.0.1:$port/" >/dev/null   # JIT warm-up, not measured
out=$(wrk -t1 -c"$conns" -d"${seconds}s" --latency "http://127.0.0.1:$port/")
echo "$out"
rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
echo "target-app throughput: ${rps} req/s (wrk 1 thread, ${conns} keep-alive connections, ${seconds}s, 2-core loopback)"
