#!/usr/bin/env bash
# Runs every test: installs the datasets and tools the tests use, then the whole solution's tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
# The datasets, Debian's jupyter-notebook and nbconvert, and the kit's kernel copy, which the notebook tests
# start as VS Code (.vscode/settings.json) and Jupyter do.
scripts/jupyter-kernel.sh install
log="$(mktemp)"
# --blame: should a test host die, the log names the test it was running.
dotnet test SubnetNotebooks.sln -c Release --blame --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
passed="$(awk '/^ +Passed: +[0-9]+$/ { s += $2 } END { print s + 0 }' "$log")"
failed="$(awk '/^ +Failed: +[0-9]+$/ { s += $2 } END { print s + 0 }' "$log")"
# The CLI end to end on real data (smoke profile): every core method, the whole run folder.
smoke="$(mktemp -d)/smoke"
dotnet run --project src/SubnetNotebooks.Cli -c Release --no-build -- reproduce --profile smoke --out "$smoke"
for f in config.json metrics.json metrics.csv report.html predictions/labels.npy predictions/subnet.npy checkpoints/subnet/parent/last.ckpt; do
  [ -f "$smoke/$f" ] || { echo "subnet reproduce --profile smoke did not write $f" >&2; exit 1; }
done
# Two seeds with the equal-budget rows: a run folder per seed and the mean ± std summary beside them.
seeds="$(mktemp -d)/seeds"
seeded_methods="single mcdropout deep subnet subnet-budget deep-budget"
dotnet run --project src/SubnetNotebooks.Cli -c Release --no-build -- reproduce --profile smoke --seeds 0,1 --methods "${seeded_methods// /,}" --out "$seeds"
for f in summary.json summary.csv summary.md report.html seed0/metrics.json seed1/metrics.json seed1/checkpoints/subnet-budget/budget.json; do
  [ -f "$seeds/$f" ] || { echo "subnet reproduce --seeds 0,1 did not write $f" >&2; exit 1; }
done
for m in $seeded_methods; do
  grep -q "^| $m | 2 | [0-9.]* ± [0-9.]* |" "$seeds/summary.md" || { echo "summary.md has no mean ± std row for $m" >&2; exit 1; }
done
# A real Jupyter client: nbconvert executes every notebook (smoke profile) with the .NET kernel; outputs are checked.
scripts/jupyter-kernel.sh check "$(mktemp -d)/jupyter-check"
# A real Slurm: a one-node cluster on loopback runs a smoke sweep and a requeued task (needs root, as in CI).
if [ "$(id -u)" -eq 0 ]; then scripts/slurm-test.sh; else sudo -E scripts/slurm-test.sh; fi
echo "tests: $passed passed, $failed failed"
