#!/usr/bin/env bash
# The real-Slurm test of `subnet sweep --engine slurm` (as root; a fresh Debian 12 machine is fine):
#  1. starts a one-node cluster on loopback (scripts/slurm-cluster.sh), stopped again at exit by its daemons' pids;
#  2. submits the smoke sweep (seeds 0,1 x single, subnet: the subnetwork parents, then their members after them),
#     runs the same sweep with --engine local, and checks that both collected summaries agree in every quality metric;
#  3. requeues (scontrol requeue) a task caught after its first checkpoint and checks that it resumed there and
#     finished with the metrics of the same job run uninterrupted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cli="$root/src/SubnetNotebooks.Cli/bin/Release/net10.0/subnet"
[ -x "$cli" ] || dotnet build src/SubnetNotebooks.Cli -c Release -v q
work="$(mktemp -d)"
chmod 755 "$work"
trap 'scripts/slurm-cluster.sh stop "$work/cluster"' EXIT
scripts/slurm-cluster.sh start "$work/cluster"
export SLURM_CONF="$work/cluster/slurm.conf"

# Seconds since the start, for the log.
t0=$SECONDS
say() { echo "[slurm-test +$((SECONDS - t0))s] $*"; }
# The Slurm job id of array NAME in the sweep at DIR.
array_id() { python3 -c 'import json, sys; print([s["SlurmJobId"] for s in json.load(open(sys.argv[1])) if s["Array"] == sys.argv[2]][-1])' "$1/slurm/submissions.json" "$2"; }
# Waits until Slurm holds no task of the sweep at DIR (at most 10 minutes).
wait_queue() {
  local ids; ids="$(python3 -c 'import json, sys; print(",".join(s["SlurmJobId"] for s in json.load(open(sys.argv[1]))))' "$1/slurm/submissions.json")"
  for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$ids" -o %i 2>/dev/null)" ] && return 0
    sleep 1
  done
  echo "slurm-test: the tasks of $1 are still queued after 10 minutes:" >&2; squeue >&2; return 1
}

say "smoke sweep on Slurm: seeds 0,1 x single, subnet"
# execution=fused: auto picks a formulation by timing, which may differ between the two engines in the last bits.
sweep=(sweep --profile smoke --seeds 0,1 --methods single,subnet --set execution=fused)
"$cli" "${sweep[@]}" --engine slurm --cpus 1 --out "$work/slurm"
say "the same sweep with --engine local --slots 2 (one thread a job, like each Slurm task)"
"$cli" "${sweep[@]}" --engine local --slots 2 --threads 1 --out "$work/local" > "$work/local.log"
wait_queue "$work/slurm"
"$cli" sweep --status "$work/slurm"
"$cli" collect "$work/slurm"
"$cli" collect "$work/local" > /dev/null
# Every quality metric of every method equal (time and memory measure this machine, not the method).
python3 - "$work/slurm/base/summary.json" "$work/local/base/summary.json" <<'PY'
import json, math, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert list(a["methods"]) == ["single", "subnet"], f"slurm summary methods {list(a['methods'])}; expected single, subnet"
assert a["seeds"] == [0, 1] == b["seeds"], f"seeds {a['seeds']} vs {b['seeds']}; expected [0, 1]"
machine = ("seconds", "memory", "ratio")
compared = 0
for method, metrics in a["methods"].items():
    assert metrics["accuracy"]["n"] == 2, f"{method}: accuracy over {metrics['accuracy']['n']} seeds; expected 2"
    for key, s in metrics.items():
        if any(m in key for m in machine): continue
        t = b["methods"][method][key]
        for stat in ("mean", "std"):
            x, y = float(s[stat]), float(t[stat])
            assert (math.isnan(x) and math.isnan(y)) or abs(x - y) <= 1e-9 + 1e-7 * abs(y), f"{method} {key} {stat}: slurm {x} vs local {y}"
            compared += 1
print(f"slurm summary equals local summary: {compared} statistics compared")
PY

say "requeue: a task cancelled after its first checkpoint resumes there"
rq=(sweep --profile smoke --seeds 0 --methods single --set epochs=4 --set trainSamples=8000)
"$cli" "${rq[@]}" --engine slurm --cpus 1 --out "$work/requeue"
task="$(array_id "$work/requeue" train)_0"
for _ in $(seq 1200); do [ -f "$work/requeue/base/seed0/single/checkpoints/single/last.ckpt" ] && break; sleep 0.1; done
[ -f "$work/requeue/base/seed0/single/checkpoints/single/last.ckpt" ] || { echo "slurm-test: no checkpoint after 2 minutes" >&2; exit 1; }
[ ! -f "$work/requeue/state/base.seed0.single.done" ] || { echo "slurm-test: the task finished before it could be requeued; give it more epochs" >&2; exit 1; }
scontrol requeue "$task"
# A requeued job waits two minutes (its begin time) once the old run has left: then let it start now.
for _ in $(seq 300); do [ "$(squeue -h -j "$task" -o %T)" = PENDING ] && break; sleep 0.2; done
scontrol update JobId="$task" StartTime=now
# The same job uninterrupted, with the requeued task's one thread.
"$cli" "${rq[@]}" --engine local --threads 1 --out "$work/uninterrupted" > "$work/uninterrupted.log"
# Wait for the job's own done mark: between the requeue and the new start squeue may briefly list no task of the array.
done_mark="$work/requeue/state/base.seed0.single.done"
for _ in $(seq 600); do
  [ -f "$done_mark" ] && break
  [ -f "${done_mark%.done}.failed" ] && { echo "slurm-test: the requeued task failed:" >&2; cat "${done_mark%.done}.failed" >&2; exit 1; }
  sleep 1
done
[ -f "$done_mark" ] || { echo "slurm-test: the requeued task has not finished after 10 minutes:" >&2; squeue >&2; scontrol show job "$task" >&2 || true; exit 1; }
wait_queue "$work/requeue"
python3 - "$work/requeue/state/base.seed0.single.done" "$work/uninterrupted/state/base.seed0.single.done" <<'PY'
import json, math, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
run = a["training"][0]
assert 1 <= run["resumedFromEpoch"] < 4, f"requeued task resumed from epoch {run['resumedFromEpoch']}; expected 1..3 (caught mid-training)"
assert run["epochs"] == 4, f"requeued task's history has {run['epochs']} epochs; expected 4"
assert b["training"][0]["resumedFromEpoch"] == 0
keys = [k for k in b["metrics"] if not any(m in k for m in ("seconds", "memory"))]
for k in keys:
    x, y = a["metrics"][k], b["metrics"][k]
    assert (isinstance(x, str) and x == y) or (math.isnan(float(x)) and math.isnan(float(y))) or abs(x - y) <= 1e-9 + 1e-7 * abs(y), f"{k}: requeued {x} vs uninterrupted {y}"
print(f"requeued task resumed from epoch {run['resumedFromEpoch']} and equals the uninterrupted run in {len(keys)} metrics")
PY
grep -q "DUE TO JOB REQUEUE" "$work"/requeue/slurm/logs/train-*.out || { echo "slurm-test: the task log does not show the requeue" >&2; exit 1; }
say "passed"
