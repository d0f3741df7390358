#!/usr/bin/env bash
# Stability benchmark (not a test): run the naive and the hardened delete scenarios N times each (default 20) on
# the local runtime. Naive must drop in N/N runs, hardened in 0/N. Prints, per variant: runs that dropped, the
# spread of drop counts (min/median/max), the wall time per run, and the CPU zerodrop's own JVM used.
# Needs a built checkout (./mvnw -B -DskipTests package) and kubectl. Usage: stability.sh [N]
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for variant in naive hardened; do
  for i in $(seq 1 "$n"); do
    start=$(date +%s.%N)
    "$root/zerodrop" run "$root/harness/scenarios/$variant-delete.yaml" --seed "$i" --out "$work/$variant-$i" \
        >/dev/null 2>"$work/$variant-$i.err"
    code=$?
    end=$(date +%s.%N)
    echo "$variant $i $code $start $end" >> "$work/runs.txt"
  done
done
python3 - "$work" <<'PY'
import json, sys, statistics, re, os
work = sys.argv[1]
runs = [l.split() for l in open(os.path.join(work, "runs.txt"))]
for variant in ("naive", "hardened"):
    drops, walls, cpus, codes = [], [], [], []
    for v, i, code, s, e in runs:
        if v != variant:
            continue
        codes.append(int(code))
        walls.append(float(e) - float(s))
        try:
            r = json.load(open(os.path.join(work, f"{v}-{i}", "report.json")))
        except Exception:
            drops.append(None)
            continue
        drops.append(r["requests"]["failed"])
        for st in r["steps"]:
            if st["name"] == "zerodrop-cpu":
                m = re.search(r"used ([0-9.]+) s of CPU in ([0-9.]+) s", st["detail"])
                cpus.append(float(m.group(1)) / float(m.group(2)) * 100)
    ok = [d for d in drops if d is not None]
    dropped = sum(1 for d in ok if d > 0)
    print(f"{variant}: dropped in {dropped}/{len(drops)} runs; drops min {min(ok)} median {statistics.median(ok)}"
          f" max {max(ok)}; exit codes {sorted(set(codes))}; wall per run median {statistics.median(walls):.1f} s"
          f" (min {min(walls):.1f}, max {max(walls):.1f}); zerodrop JVM CPU median {statistics.median(cpus):.0f} % of one core")
PY
