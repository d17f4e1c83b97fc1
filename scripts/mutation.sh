#!/usr/bin/env bash
# npm run mutation: Stryker over src/engine, src/stats, src/experiment and src/model, one run per
# chunk below, then results/mutation.md from all of them (scripts/mutation-summary.mjs).
#
# Each chunk writes its own report, reports/mutation/chunks/<name>.json (and <name>.log), and a
# chunk whose report still matches the sources it mutated is not run again: the whole run takes
# hours on 2 cores, so it can be stopped and resumed, and a change to one file reruns only its
# chunk. `npm run mutation -- --fresh` reruns every chunk; `-- --only <name>` runs one.
set -euo pipefail
cd "$(dirname "$0")/.."

# name|--mutate globs[|static[=vitest config]]. Code that every simulation reaches (the engine, the model's hot path, the
# runner and laws) costs most per mutant: a mutant no test kills runs every test that reaches
# it, a minute or two here. The split keeps each run to about an hour, so little is lost when
# one is stopped (Stryker writes its report only at the end). `static` runs the mutants that only
# module loading reaches with every test (stryker.config.mjs says why): for the tables, with every
# test of vitest.mutation-tables.config.ts (the tests that read them), the whole suite being
# minutes per mutant; paths and platforms, the largest tables, have chunks of their own.
CHUNKS=(
  "engine|src/engine/**/*.ts"
  "stats|src/stats/**/*.ts"
  "experiment-estimate-search|src/experiment/estimate.ts,src/experiment/search.ts"
  "experiment-core|src/experiment/laws.ts,src/experiment/verify.ts,src/experiment/runner.ts,src/experiment/task.ts,src/experiment/pool.ts"
  "experiment|src/experiment/**/*.ts,!src/experiment/estimate.ts,!src/experiment/search.ts,!src/experiment/laws.ts,!src/experiment/verify.ts,!src/experiment/runner.ts,!src/experiment/task.ts,!src/experiment/pool.ts"
  "model-paths|src/model/paths.ts|static=vitest.mutation-tables.config.ts"
  "model-platforms|src/model/platforms.ts|static=vitest.mutation-tables.config.ts"
  "model-tables|src/model/**/*.ts,!src/model/paths.ts,!src/model/platforms.ts,!src/model/core.ts,!src/model/hops.ts,!src/model/network.ts,!src/model/traffic.ts,!src/model/counters.ts,!src/model/moderation.ts,!src/model/ring.ts,!src/model/packets.ts,!src/model/wire.ts|static=vitest.mutation-tables.config.ts"
  "model-core|src/model/core.ts,src/model/moderation.ts,src/model/ring.ts,src/model/packets.ts"
  "model-hops|src/model/hops.ts,src/model/wire.ts"
  "model-network|src/model/network.ts,src/model/counters.ts"
  "model-traffic|src/model/traffic.ts"
)

fresh=0
only=''
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh) fresh=1 ;;
    --only)
      [ $# -ge 2 ] || { echo "mutation: --only needs a chunk name" >&2; exit 2; }
      only="$2"
      shift
      ;;
    *) echo "mutation: unknown argument $1 (expected --fresh or --only <chunk>)" >&2; exit 2 ;;
  esac
  shift
done

if [ -n "$only" ] && [[ " $(printf '%s ' "${CHUNKS[@]%%|*}") " != *" $only "* ]]; then
  echo "mutation: no chunk named '$only' (chunks: $(printf '%s ' "${CHUNKS[@]%%|*}"))" >&2
  exit 2
fi

dir=reports/mutation/chunks
mkdir -p "$dir"
reports=()
for c in "${CHUNKS[@]}"; do
  name="${c%%|*}"
  rest="${c#*|}"
  globs="${rest%%|*}"
  static=ignore
  vitest=vitest.mutation.config.ts
  if [ "$rest" != "$globs" ]; then
    static=run
    mode="${rest#*|}"
    [ "$mode" != static ] && vitest="${mode#static=}"
  fi
  reports+=("$dir/$name.json")
  [ -n "$only" ] && [ "$only" != "$name" ] && continue
  if [ "$fresh" = 0 ] && [ -f "$dir/$name.json" ] && node scripts/mutation-summary.mjs --check "$dir/$name.json" "$globs" "$static" "$vitest"; then
    echo "mutation: $name is up to date ($dir/$name.json)"
    continue
  fi
  echo "mutation: $name: IOVSIM_MUTATION_STATIC=$static IOVSIM_MUTATION_VITEST=$vitest npx stryker run --mutate '$globs'"
  : >stryker.log # Stryker appends: the chunk's log holds its own run only
  IOVSIM_MUTATION_STATIC=$static IOVSIM_MUTATION_VITEST=$vitest npx stryker run --mutate "$globs"
  mv reports/mutation/mutation.json "$dir/$name.json"
  mv reports/mutation/mutation.html "$dir/$name.html"
  cp stryker.log "$dir/$name.log"
done
node scripts/mutation-summary.mjs --out results/mutation.md "${reports[@]}"
