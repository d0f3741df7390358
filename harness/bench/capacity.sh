#!/usr/bin/env bash
# Loopback capacity of zerodrop's load generator: the highest open-model rate the `steady` simulation sustains
# against target-app with < 1 % KO and baseline p99 < 50 ms, next to wrk's keep-alive maximum on the same target
# in the same run. Needs a built checkout (./mvnw -B -DskipTests package) and wrk (apt-get install -y wrk).
# Usage: capacity.sh [rates...]   (default: 1000 2000 4000 6000 8000 10000 12000; stops at the first failure)
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(1000 2000 4000 6000 8000 10000 12000)
command -v wrk >/dev/null || { echo "capacity: wrk is not installed (apt-get install -y wrk)" >&2; exit 3; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORT=$port BIND=127.0.0.1 SHUTDOWN_MODE=immediate java -jar "$root/target-app/target/target-app.jar" >"$work/app.log" 2>&1 &
app=$!
trap 'kill -KILL $app 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q '"event":"ready"' "$work/app.log" && break; sleep 0.1; done

wrk -t1 -c64 -d5s "http://127.0.0.1:$port/" >/dev/null
wrk_rps=$(wrk -t1 -c64 -d10s "http://127.0.0.1:$port/" | awk '/^Requests\/sec:/ {print $2}')
echo "wrk (1 thread, 64 keep-alive connections, 10 s): $wrk_rps req/s"

best=0
for rate in "${rates[@]}"; do
  "$root/zerodrop" traffic --url "http://127.0.0.1:$port/" --rate "$rate" --warmup 5s --duration 10s \
      --max-dropped 1000000000 --no-gatling-report --out "$work/r$rate" >/dev/null 2>"$work/r$rate.err"
  line=$(python3 - "$work/r$rate/report.json" "$rate" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["requests"]
p99 = r["latencyMs"]["BASELINE"]["p99"]
ok = r["errorRatePercent"] < 1.0 and p99 < 50 and not r["loadGeneratorSaturated"]
print(("OK" if ok else "NO"), f'rate {sys.argv[2]}: achieved {r["achievedRate"]:.0f}/s, KO {r["errorRatePercent"]:.2f} %, '
      f'p99 {p99} ms, saturated {r["loadGeneratorSaturated"]}')
PY
)
  echo "steady ${line#* }"
  if [ "${line%% *}" = "OK" ]; then best=$rate; else break; fi
done
python3 -c "import sys; b=float(sys.argv[1]); w=float(sys.argv[2]); print(f'capacity: steady sustains {b:.0f} req/s (< 1 % KO, p99 < 50 ms); wrk {w:.0f} req/s; ratio {b/w:.3f}')" "$best" "$wrk_rps"
