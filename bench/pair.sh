#!/usr/bin/env bash
# Same-time pairs: two e2e sustained runs at once on this machine, each Ponte on its own database,
# so that a change in the host's speed (seen here: the hello-world moving 35k–57k req/s within an
# hour) hits both sides alike. Under load the two share the cores, so the side that does less
# work a message delivers more messages a second: compare the two rates, not either alone.
#
#   bench/pair.sh "<env A>" "<env B>"                     this build, two settings
#   BASE=<git rev> bench/pair.sh "base <env A>" "<env B>"  a side prefixed `base` runs <rev>'s build
#
# e.g. bench/pair.sh "WORKER_BATCH_CONCURRENCY=1000" "WORKER_BATCH_CONCURRENCY=2000"; an empty
# side is "". Run `npm run build && npx tsc -p tsconfig.bench.json` first. PAIR_SECONDS (40) is
# the sustained phase; swap the sides and run again before believing a difference under ~5 %.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_EACH=${PAIR_SECONDS:-40}

base_dist() {
  local dir=/tmp/ponte-pair-base-$BASE
  if [ ! -f "$dir/dist/bench/run.js" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    git archive "$BASE" | tar -x -C "$dir"
    ln -s "$ROOT/node_modules" "$dir/node_modules"
    (cd "$dir" && npx tsc -b tsconfig.build.json && npx tsc -p tsconfig.bench.json) >&2
  fi
  echo "$dir/dist"
}

side() { # <spec> <database>
  local dist=$ROOT/dist spec=$1
  if [[ $spec == base* ]]; then
    dist=$(base_dist)
    spec=${spec#base}
  fi
  # shellcheck disable=SC2086 # the spec is a list of NAME=value words
  env $spec BENCH_DATABASE="$2" BENCH_E2E_DURATION="$SECONDS_EACH" BENCH_E2E_ONLY=sustained \
    node "$dist/bench/run.js" e2e 2>&1 |
    node -e '
      let s = "";
      process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const line = s.split("\n").find((l) => l.includes("\"sustained\""));
        if (!line) return console.log(`${process.argv[1]}: no result\n${s}`);
        const j = JSON.parse(line);
        const ms = ((1000 * j.cores.ponte) / j.perSecond).toFixed(2);
        console.log(`${process.argv[1]}: ${j.perSecond}/s, lost ${j.lost}, dup ${j.duplicates}, p50 ${j.p50} ms, Ponte ${j.cores.ponte} cores (${ms} ms a message)`);
      });' "${1:-(defaults)}"
}

[ -n "${BASE:-}" ] || [[ "$1$2" != *base* ]] || { echo "a side says base: set BASE=<git rev>" >&2; exit 2; }
[ -z "${BASE:-}" ] || base_dist >/dev/null
side "$1" ponte_bench_pair_a &
side "$2" ponte_bench_pair_b &
wait
psql -h 127.0.0.1 -U postgres -qAtc 'DROP DATABASE IF EXISTS ponte_bench_pair_a WITH (FORCE)' \
  -c 'DROP DATABASE IF EXISTS ponte_bench_pair_b WITH (FORCE)' >/dev/null
