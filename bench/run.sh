#!/usr/bin/env bash
# Benchmark: triage end to end on 1,000,000 and 1,000 mid/low rows built from
# ../shared/data/corpus.csv, against jieba-rs segmentation alone on the same
# texts and threads; the same export again on the ledger the first run left;
# then the criterion per-review bench.
#   bench/run.sh            # whole-process time and peak memory, segmentation alone, 1k-row runs
#   bench/run.sh --python   # also the pandas + jieba script on 100,000 rows (pip into a throwaway venv)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --examples
bin=target/release/triage
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB"
python3 bench/make_export.py 1000000 "$work/m1.csv"
python3 bench/make_export.py 1000 "$work/k1.csv"
{
  echo "name,level,capacity"
  for i in 1 2 3; do echo "senior$i,senior,70"; done
  for i in $(seq 1 10); do echo "junior$i,junior,40"; done
} > "$work/agents.csv"
echo "--- 1,000,000 rows, with a roster, every output written"
TRIAGE_TIMINGS=1 /usr/bin/time -f "triage: %e s wall, %M KB peak" "$bin" "$work/m1.csv" --agents "$work/agents.csv" --out "$work/out" -q > /dev/null
target/release/examples/segment "$work/m1.csv"
echo "--- the same 1,000,000 rows again, on the ledger the first run left (a re-triage)"
TRIAGE_TIMINGS=1 /usr/bin/time -f "triage again: %e s wall, %M KB peak" "$bin" "$work/m1.csv" --agents "$work/agents.csv" --out "$work/out" -q > /dev/null
echo "--- 1,000 rows (a cron run), 10 runs"
start=$(date +%s.%N)
for _ in $(seq 10); do "$bin" "$work/k1.csv" --agents "$work/agents.csv" --out "$work/out1k" -q > /dev/null; done
end=$(date +%s.%N)
echo "triage 1k rows: $(echo "($end - $start) / 10" | bc -l | cut -c1-5) s per run"
if [ "${1:-}" = "--python" ]; then
  echo "--- pandas + jieba on 100,000 rows"
  head -100001 "$work/m1.csv" > "$work/m100k.csv"
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet pandas jieba
  "$work/venv/bin/python" bench/pandas_jieba.py "$work/m100k.csv" "$work/py.csv"
  /usr/bin/time -f "triage 100k: %e s wall" "$bin" "$work/m100k.csv" --agents "$work/agents.csv" --out "$work/out100k" -q > /dev/null
fi
echo "--- per review (criterion)"
cargo bench --quiet --bench classify 2>/dev/null | grep -E "time:|thrpt:|^[a-z]" || true
