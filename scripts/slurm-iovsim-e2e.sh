#!/usr/bin/env bash
# slurm-iovsim-e2e.sh: iovsim's sharding end to end on a real (private, single-node) Slurm
# cluster: a sweep with replications runs as a job array, each task taking its shard from
# Slurm's environment, then a job that depends on the array (afterok) merges the shards
# and compares the result with the same study run unsharded here, byte for byte (CSV and
# provenance sidecar).
#
#   scripts/slurm-iovsim-e2e.sh [--tasks N] [--duration D] [--timeout SEC]
#
# Defaults: 4 tasks; scenarios/experiments/latency-vs-load.yaml (8 cells x 5 replications)
# with --duration "10 ms". The cluster is scripts/slurm-e2e.sh's: it installs Debian's
# slurmctld, slurmd, slurm-client and munge with apt-get the first time (needs root), starts
# its own munged, slurmctld and slurmd on free ports from a temp dir, and stops exactly
# those (by PID) and removes its files on any exit, failure or Ctrl-C included.
#
# Exit codes: 0 the merged CSV and sidecar equal the unsharded ones, or SKIP; 1 anything
# else (a task or the merge failed, a file differs, a task did not take its shard from
# Slurm, the jobs did not finish in time). SKIP (one line `slurm-iovsim-e2e: SKIP: <why>`)
# only when the cluster cannot be had: not root, no apt-get or no Debian mirror to install
# Slurm from, or the daemons not starting. Needs a built checkout (npm ci).
set -euo pipefail

PROG=slurm-iovsim-e2e
TASKS=4
DURATION="10 ms"
TIMEOUT=90
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) TASKS="${2-}"; shift 2 ;;
    --duration) DURATION="${2-}"; shift 2 ;;
    --timeout) TIMEOUT="${2-}"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "$PROG: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ "$TASKS" =~ ^[1-9][0-9]*$ ]] || { echo "$PROG: --tasks must be a positive integer" >&2; exit 2; }

REPO="$(cd "$(dirname "$0")/.." && pwd)"
SCENARIO="$REPO/scenarios/experiments/latency-vs-load.yaml"
NAME=latency-vs-load
[ -f "$REPO/dist/cli/main.js" ] || { echo "$PROG: FAIL: iovsim is not built (run npm ci first)" >&2; exit 1; }

OUT="$(mktemp -d "${TMPDIR:-/tmp}/$PROG.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
chmod 755 "$OUT"
t0=$SECONDS

# 1. The reference: the whole study in one run, here.
node "$REPO/bin/iovsim.js" run "$SCENARIO" --shard none --out "$OUT/ref" --duration "$DURATION" --quiet --format csv >/dev/null

# 2. The array (shards from Slurm's variables: no --shard) and the afterok merge job. Jobs get
#    this environment (sbatch --export=ALL), so they see REPO, SCENARIO, OUT, DURATION, NAME.
export REPO SCENARIO OUT DURATION NAME
# The jobs expand these variables, not this script.
# shellcheck disable=SC2016
ARRAY_CMD='node "$REPO/bin/iovsim.js" run "$SCENARIO" --out "$OUT/shards" --duration "$DURATION" --jobs 1 --format csv >/dev/null'
# shellcheck disable=SC2016
MERGE_CMD='set -e
node "$REPO/bin/iovsim.js" merge "$OUT/shards" -o "$OUT/merged/$NAME.csv"
cmp "$OUT/merged/$NAME.csv" "$OUT/ref/$NAME.csv"
cmp "$OUT/merged/$NAME.meta.json" "$OUT/ref/$NAME.meta.json"
echo "merge: the merged CSV and sidecar are byte-identical to the unsharded run'"'"'s"'
set +e
bash "$REPO/scripts/slurm-e2e.sh" --strict --timeout "$TIMEOUT" --tasks "$TASKS" \
  --array-cmd "$ARRAY_CMD" --merge-cmd "$MERGE_CMD" | tee "$OUT/jobs.log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" = 3 ]; then
  echo "$PROG: SKIP: no Slurm cluster could be had here (see the slurm-e2e line above)" >&2
  exit 0
fi
if [ "$rc" != 0 ]; then
  echo "$PROG: FAIL: the Slurm jobs did not all complete (slurm-e2e exit $rc)" >&2
  exit 1
fi

# 3. Each task took its shard from Slurm, and the merge compared equal.
found=$(grep -c "shard [0-9]* of $TASKS (from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT)" "$OUT/jobs.log" || true)
if [ "$found" != "$TASKS" ]; then
  echo "$PROG: FAIL: $found of $TASKS tasks say they took their shard from SLURM_ARRAY_TASK_ID" >&2
  exit 1
fi
grep -q "byte-identical to the unsharded run's" "$OUT/jobs.log" || { echo "$PROG: FAIL: the merge job did not compare" >&2; exit 1; }
shards=$(find "$OUT/shards" -name "$NAME.shard-*-of-$TASKS.csv" | wc -l)
echo "$PROG: PASS: $TASKS array tasks wrote $shards shards of $NAME; the afterok merge equals the unsharded run byte for byte ($((SECONDS - t0)) s)" >&2
