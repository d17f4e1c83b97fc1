#!/usr/bin/env bash
# slurm-e2e.sh: run a job ARRAY and a dependent merge job on a real, private, single-node
# Slurm cluster started on this machine, then tear that cluster down again.
#
#   scripts/slurm-e2e.sh --array-cmd 'CMD' --tasks N --merge-cmd 'CMD2'
#                        [--workdir DIR] [--timeout SEC] [--strict] [--keep-logs]
#
# CMD runs once per task of `sbatch --array=0-(N-1)`; Slurm itself sets SLURM_ARRAY_TASK_ID,
# SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX. CMD2 runs as a
# second job submitted with --dependency=afterok:<array job id> (and --kill-on-invalid-dep,
# so a failed array cancels it rather than leaving it pending). Both are bash scripts, run
# as root with the working directory WORKDIR; WORKDIR is exported and every job gets the
# caller's environment (sbatch --export=ALL), so single-quote the commands to let the job
# expand $WORKDIR and $SLURM_*. WORKDIR is --workdir (kept afterwards) or, without it, a
# directory inside the private temp dir (removed afterwards). The script waits for both
# jobs, prints each job's output and exits 0 only when every array task and the merge job
# ended COMPLETED with exit code 0.
#
# What it does to the machine:
# - Installs Debian's slurmctld slurmd slurm-client munge with apt-get when a command is
#   missing (once; about a minute). While installing it puts a policy-rc.d that refuses to
#   start services, so the packages' own munge/slurm services are not started; it removes
#   that file afterwards and never touches one that was already there.
# - Makes a private temp dir (mktemp -d) holding slurm.conf, cgroup.conf, a fresh munge key,
#   munged's socket, and every state/spool/pid/log file, and starts munged, slurmctld and
#   `slurmd -N localhost` in the foreground (-F/-D) as its own children, with SLURM_CONF
#   pointing at that slurm.conf. The system's /etc/slurm and /etc/munge are never read.
# - Ports: SlurmctldPort and SlurmdPort are always two free TCP ports picked at random (not
#   6817/6818), and munged listens on a private socket, so it runs beside a Slurm or munge
#   that is already running without talking to it; it says so when it sees one.
# - On exit, error, Ctrl-C or TERM (trap EXIT INT TERM) it cancels its jobs, stops exactly
#   the PIDs it started (TERM, then KILL after 5 s), kills any slurmstepd left behind whose
#   environment carries its own SLURM_CONF, and removes the temp dir. Nothing else is killed.
# - Config: ProctrackType=proctrack/linuxproc, TaskPlugin=task/none, no accounting, no
#   job-accounting gatherer: nothing needs cgroups, which containers often lack.
#
# Exit codes: 0 both jobs COMPLETED with exit 0, or SKIP; 1 a job failed, was cancelled or
# did not finish in time; 2 bad usage; 3 SKIP under --strict.
# SKIP (a single line `slurm-e2e: SKIP: <reason>` on stderr) happens ONLY when the cluster
# cannot be had: not root, Slurm missing and apt-get unavailable or failing, or the daemons
# not starting / the node not becoming idle. With --strict a SKIP exits 3 instead of 0.
#
# Time: --timeout SEC (default 120) bounds everything after the install: starting the
# daemons, waiting for the node, and the jobs. Every wait polls against that one deadline;
# every Slurm client call is capped by `timeout`; apt-get is capped at 15 minutes.
# --keep-logs prints the daemon logs at the end too.
set -euo pipefail

PROG=slurm-e2e
ARRAY_CMD=""
MERGE_CMD=""
TASKS=""
USER_WORKDIR=""
TIMEOUT=120
STRICT=0
KEEP_LOGS=0

usage() {
  sed -n '5,6p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --array-cmd) ARRAY_CMD="${2-}"; shift 2 || usage ;;
    --merge-cmd) MERGE_CMD="${2-}"; shift 2 || usage ;;
    --tasks) TASKS="${2-}"; shift 2 || usage ;;
    --workdir) USER_WORKDIR="${2-}"; shift 2 || usage ;;
    --timeout) TIMEOUT="${2-}"; shift 2 || usage ;;
    --strict) STRICT=1; shift ;;
    --keep-logs) KEEP_LOGS=1; shift ;;
    -h|--help) usage ;;
    *) echo "$PROG: unknown argument: $1" >&2; usage ;;
  esac
done
if [ -z "$ARRAY_CMD" ] || [ -z "$MERGE_CMD" ]; then echo "$PROG: --array-cmd and --merge-cmd are required" >&2; usage; fi
[[ "$TASKS" =~ ^[1-9][0-9]*$ ]] || { echo "$PROG: --tasks must be a positive integer" >&2; usage; }
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || { echo "$PROG: --timeout must be a positive number of seconds" >&2; usage; }

log() { echo "$PROG: $*" >&2; }

# State that cleanup() reads; filled in as things are made.
TMP=""
POLICY_RC_MADE=0
MUNGED_PID=""
CTLD_PID=""
SLURMD_PID=""
JOB_IDS=()

skip() {
  echo "$PROG: SKIP: $*" >&2
  if [ "$STRICT" = 1 ]; then exit 3; fi
  exit 0
}

# Stop one PID that this script started: TERM, up to 5 s, then KILL; reap it.
stop_pid() {
  local pid="$1" name="$2"
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) ignored TERM; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# Every process of this cluster has our SLURM_CONF (a fresh mktemp path) in its environment:
# the daemons (started after it was exported), the slurmstepds they fork (which end up
# children of PID 1) and the job scripts with whatever they ran (sbatch --export=ALL).
# This script itself was started without it. Zombies have no environment and are skipped.
our_procs() {
  local d p
  for d in /proc/[0-9]*; do
    p="${d#/proc/}"
    if [ "$p" = "$$" ] || [ "$p" = "$BASHPID" ]; then continue; fi
    if { tr '\0' '\n' < "/proc/$p/environ"; } 2>/dev/null | grep -qxF "SLURM_CONF=$TMP/etc/slurm.conf"; then
      echo "$p"
    fi
  done
}

cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  set +e
  if [ "$POLICY_RC_MADE" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  if [ -n "$CTLD_PID" ] && kill -0 "$CTLD_PID" 2>/dev/null && [ ${#JOB_IDS[@]} -gt 0 ]; then
    timeout 10 scancel "${JOB_IDS[@]}" >/dev/null 2>&1
    for _ in $(seq 50); do
      [ -z "$(timeout 5 squeue -h -o %i -j "$(IFS=,; echo "${JOB_IDS[*]}")" 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_pid "$SLURMD_PID" slurmd
  stop_pid "$CTLD_PID" slurmctld
  stop_pid "$MUNGED_PID" munged
  if [ -n "$TMP" ]; then
    # Whatever outlived the daemons (job processes after a Ctrl-C, say).
    for p in $(our_procs); do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. Can we have a cluster at all? ------------------------------------------------------
[ "$(id -u)" = 0 ] || skip "needs root to start slurmd/slurmctld/munged (running as uid $(id -u))"

need_install=0
for c in slurmctld slurmd sbatch squeue sinfo scontrol scancel munged; do
  command -v "$c" >/dev/null 2>&1 || need_install=1
done
if [ "$need_install" = 1 ]; then
  command -v apt-get >/dev/null 2>&1 || skip "Slurm is not installed and there is no apt-get to install it"
  log "installing Debian's slurmctld slurmd slurm-client munge (first run only)"
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_MADE=1
  fi
  t0=$SECONDS
  APT_LOG="$(mktemp "${TMPDIR:-/tmp}/$PROG-apt.XXXXXX.log")"
  export DEBIAN_FRONTEND=noninteractive
  if ! timeout 900 apt-get install -y -q -o DPkg::Lock::Timeout=120 --no-install-recommends slurmctld slurmd slurm-client munge >"$APT_LOG" 2>&1; then
    # A stale package list is the usual cause; refresh once and retry.
    timeout 300 apt-get update -q >>"$APT_LOG" 2>&1 || true
    timeout 900 apt-get install -y -q -o DPkg::Lock::Timeout=120 --no-install-recommends slurmctld slurmd slurm-client munge >>"$APT_LOG" 2>&1 \
      || skip "apt-get could not install slurmctld slurmd slurm-client munge (log kept: $APT_LOG)"
  fi
  if [ "$POLICY_RC_MADE" = 1 ]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_MADE=0; fi
  rm -f "$APT_LOG"
  log "apt-get install took $((SECONDS - t0)) s"
  for c in slurmctld slurmd sbatch squeue sinfo scontrol scancel munged; do
    command -v "$c" >/dev/null 2>&1 || skip "apt-get ran but $c is still missing"
  done
fi

START=$SECONDS
DEADLINE=$((SECONDS + TIMEOUT))
left() { echo $((DEADLINE - SECONDS)); }

# ---- 2. A private cluster in a temp dir ----------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/$PROG.XXXXXX")"
# munged insists that every directory above its socket is searchable by all (0755).
chmod 755 "$TMP"
mkdir -p "$TMP/etc" "$TMP/munge" "$TMP/key" "$TMP/state" "$TMP/spool" "$TMP/log" "$TMP/out" "$TMP/jobs"
export SLURM_CONF="$TMP/etc/slurm.conf"

others="$(pgrep -x 'slurmctld|slurmd|slurmdbd|munged' 2>/dev/null | tr '\n' ' ' || true)"
if [ -n "$others" ]; then
  log "note: Slurm/munge daemons already running (pids: $others); leaving them alone and using a private munge socket and free ports"
fi

# A TCP port nobody listens on (IPv4 or IPv6), from /proc/net/tcp*.
listening_ports() {
  local hex
  for hex in $(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "0A" { n = split($2, a, ":"); print a[n] }'); do
    echo $((16#$hex))
  done
}
pick_ports() {
  local used base
  used=" $(listening_ports | tr '\n' ' ') "
  for _ in $(seq 200); do
    base=$((20000 + RANDOM % 40000))
    if [[ "$used" != *" $base "* && "$used" != *" $((base + 1)) "* ]]; then
      echo "$base"; return 0
    fi
  done
  return 1
}
CTLD_PORT="$(pick_ports)" || skip "found no free TCP port pair"
SLURMD_PORT=$((CTLD_PORT + 1))

# munge: a fresh key and a private socket.
chmod 700 "$TMP/key"
dd if=/dev/urandom of="$TMP/key/munge.key" bs=1024 count=1 status=none
chmod 400 "$TMP/key/munge.key"
MUNGE_SOCK="$TMP/munge/munge.socket"

# The node's real size, as slurmd sees it.
node_line="$(timeout 20 slurmd -C 2>/dev/null | head -n 1)" || skip "slurmd -C failed"
node_attrs="$(echo "$node_line" | tr ' ' '\n' | grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | tr '\n' ' ')"
[ -n "$node_attrs" ] || skip "could not read the node's size from slurmd -C: $node_line"

touch "$TMP/etc/plugstack.conf"
cat > "$TMP/etc/cgroup.conf" <<'EOF'
# Nothing in slurm.conf uses cgroups; this file only keeps slurmd from reading /etc/slurm's.
EOF
cat > "$SLURM_CONF" <<EOF
ClusterName=iovsim-e2e
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCK
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/slurmctld.pid
SlurmdPidFile=$TMP/slurmd.pid
SlurmctldLogFile=$TMP/log/slurmctld.log
SlurmdLogFile=$TMP/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$TMP/etc/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
KillWait=5
InactiveLimit=0
Waittime=0
NodeName=localhost NodeAddr=127.0.0.1 ${node_attrs}State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

# Each daemon runs in the foreground as our child, in a session of its own (setsid without
# job control does not fork, so $! is the daemon) so that a Ctrl-C reaches this script,
# which then cancels the jobs before it stops the daemons.
dump_logs() {
  local f
  # munged -F logs to stderr; slurmctld/slurmd -D log to their files and to stderr alike.
  for f in "$TMP/log/munged.stderr" "$TMP/log/slurmctld.log" "$TMP/log/slurmd.log"; do
    [ -s "$f" ] || continue
    echo "----- $(basename "$f") (last 20 lines) -----" >&2
    tail -n 20 "$f" >&2
  done
}
daemon_died() { # name pid
  kill -0 "$2" 2>/dev/null && return 1
  dump_logs
  skip "$1 exited right after starting (logs above)"
}

setsid munged -F --socket="$MUNGE_SOCK" --key-file="$TMP/key/munge.key" \
  --pid-file="$TMP/munge/munged.pid" --log-file="$TMP/log/munged.log" \
  --seed-file="$TMP/munge/munged.seed" --num-threads=2 </dev/null >"$TMP/log/munged.stderr" 2>&1 &
MUNGED_PID=$!
until [ -S "$MUNGE_SOCK" ]; do
  daemon_died munged "$MUNGED_PID" || true
  [ "$(left)" -gt 0 ] || { dump_logs; skip "munged did not create its socket in time"; }
  sleep 0.1
done

setsid slurmctld -D -c -f "$SLURM_CONF" </dev/null >"$TMP/log/slurmctld.stderr" 2>&1 &
CTLD_PID=$!
setsid slurmd -D -N localhost -f "$SLURM_CONF" </dev/null >"$TMP/log/slurmd.stderr" 2>&1 &
SLURMD_PID=$!

state=""
while :; do
  daemon_died slurmctld "$CTLD_PID" || true
  daemon_died slurmd "$SLURMD_PID" || true
  state="$(timeout 5 sinfo -h -n localhost -o %t 2>/dev/null | head -n 1 || true)"
  [ "$state" = idle ] && break
  [ "$(left)" -gt 0 ] || { dump_logs; skip "node localhost did not become idle within ${TIMEOUT} s (state: ${state:-none})"; }
  sleep 0.2
done
log "cluster up in $((SECONDS - START)) s (slurmctld :$CTLD_PORT pid $CTLD_PID, slurmd :$SLURMD_PORT pid $SLURMD_PID, munged pid $MUNGED_PID)"

# ---- 3. The jobs ---------------------------------------------------------------------------
if [ -n "$USER_WORKDIR" ]; then
  mkdir -p "$USER_WORKDIR"
  WORKDIR="$(cd "$USER_WORKDIR" && pwd)"
else
  WORKDIR="$TMP/work"
  mkdir -p "$WORKDIR"
fi
export WORKDIR

printf '#!/bin/bash\n%s\n' "$ARRAY_CMD" > "$TMP/jobs/array.sh"
printf '#!/bin/bash\n%s\n' "$MERGE_CMD" > "$TMP/jobs/merge.sh"

submit() { # sbatch args...; prints the job id
  local out
  out="$(timeout 20 sbatch --parsable --export=ALL --chdir="$WORKDIR" "$@")" || return 1
  echo "${out%%;*}"
}
ARRAY_ID="$(submit --job-name=e2e-array --array="0-$((TASKS - 1))" \
  --output="$TMP/out/array-%A_%a.out" "$TMP/jobs/array.sh")" || { echo "$PROG: FAIL: sbatch of the array was refused" >&2; exit 1; }
JOB_IDS+=("$ARRAY_ID")
MERGE_ID="$(submit --job-name=e2e-merge --dependency="afterok:$ARRAY_ID" --kill-on-invalid-dep=yes \
  --output="$TMP/out/merge-%j.out" "$TMP/jobs/merge.sh")" || { echo "$PROG: FAIL: sbatch of the merge job was refused" >&2; exit 1; }
JOB_IDS+=("$MERGE_ID")
log "submitted array job $ARRAY_ID (0-$((TASKS - 1))) and merge job $MERGE_ID (afterok:$ARRAY_ID); WORKDIR=$WORKDIR"

timed_out=0
while [ -n "$(timeout 5 squeue -h -o %i -j "$ARRAY_ID,$MERGE_ID" 2>/dev/null || echo busy)" ]; do
  if [ "$(left)" -le 0 ]; then timed_out=1; break; fi
  sleep 0.2
done

# ---- 4. Verdict ----------------------------------------------------------------------------
# Without accounting, scontrol remembers finished jobs for MinJobAge (600 s): enough here.
fail=0
report() { # job id (an array's id lists every task)
  local line id task st ec
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    id="$(sed -n 's/^JobId=\([0-9]*\).*/\1/p' <<<"$line")"
    task="$(sed -n 's/.* ArrayTaskId=\([^ ]*\).*/\1/p' <<<"$line")"
    st="$(sed -n 's/.* JobState=\([^ ]*\).*/\1/p' <<<"$line")"
    ec="$(sed -n 's/.* ExitCode=\([^ ]*\).*/\1/p' <<<"$line")"
    if [ -n "$task" ]; then
      echo "  array task ${1}_$task (job $id): $st exit $ec" >&2
    else
      echo "  job $id: $st exit $ec" >&2
    fi
    if [ "$st" != COMPLETED ] || [ "$ec" != 0:0 ]; then fail=1; fi
  done < <({ timeout 10 scontrol -o show job "$1" 2>/dev/null || echo "JobId=$1 JobState=UNKNOWN ExitCode=?"; } \
    | awk '{ k = match($0, / ArrayTaskId=[0-9]+/) ? substr($0, RSTART + 13, RLENGTH - 13) : 0; print k "\t" $0 }' \
    | sort -n -k1,1 | cut -f2-)
}
log "job states:"
report "$ARRAY_ID"
report "$MERGE_ID"
n_tasks="$(timeout 10 scontrol -o show job "$ARRAY_ID" 2>/dev/null | grep -c ArrayTaskId= || true)"
if [ "$n_tasks" != "$TASKS" ]; then
  log "expected $TASKS array tasks, scontrol shows $n_tasks"; fail=1
fi

for f in "$TMP"/out/array-*.out "$TMP"/out/merge-*.out; do
  [ -e "$f" ] || continue
  echo "===== $(basename "$f") ====="
  cat "$f"
done
if [ "$KEEP_LOGS" = 1 ]; then dump_logs; fi

took=$((SECONDS - START))
if [ "$timed_out" = 1 ]; then
  echo "$PROG: FAIL: jobs did not finish within ${TIMEOUT} s; cancelled" >&2
  exit 1
fi
if [ "$fail" = 1 ]; then
  echo "$PROG: FAIL: not every job COMPLETED with exit 0 (${took} s)" >&2
  exit 1
fi
echo "$PROG: PASS: $TASKS array tasks and the merge job COMPLETED with exit 0 (${took} s)" >&2
