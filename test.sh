#!/usr/bin/env bash
# Runs every test: installs the datasets and tools the tests use, then the unit tests, the notebook tests, the CLI end
# to end, every notebook through Jupyter and a Slurm sweep. Arguments go to both `dotnet test` runs (e.g. --filter).
#
# Everything goes to standard output, and when a step fails the last lines say which step and, for the test runs,
# which tests failed and why, so the tail of a CI log is enough to know what broke.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
exec 2>&1

step=""
logs="$(mktemp -d)"
# The tests that failed, the runs that were aborted and their messages, from the console logs of the test runs.
digest() {
  local log
  for log in "$logs"/*.log; do
    [ -f "$log" ] || continue
    grep -E -A12 '^ +Failed [A-Za-z_]|Test host process crashed|[Tt]est [Rr]un was aborted|exited unexpectedly|^ *Error Message:' "$log" \
      | grep -v -E '^ +Passed ' | head -n 60 || true
  done
}
finish() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo
    echo "== test.sh failed (exit $status) in: $step"
    digest
    echo "== test.sh failed (exit $status) in: $step"
  fi
}
trap finish EXIT

# The datasets, Debian's jupyter-notebook and nbconvert, and the kit's kernel copy, which the notebook tests
# start as VS Code (.vscode/settings.json) and Jupyter do.
step="installing the datasets and tools (scripts/jupyter-kernel.sh install)"
scripts/jupyter-kernel.sh install

step="building the solution"
dotnet build SubnetNotebooks.sln -c Release -nologo

# One test project after the other: the notebook tests start kernels, Jupyter and a browser, and time out if the unit
# tests take the cores from them. --blame: should a test host die, the log names the test it was running.
failed_runs=()
for project in SubnetNotebooks.Tests SubnetNotebooks.NotebookTests; do
  step="dotnet test tests/$project"
  dotnet test "tests/$project" -c Release --no-build --blame --logger "console;verbosity=normal" "$@" \
    | tee "$logs/$project.log" || failed_runs+=("$project")
done
count() { cat "$logs"/*.log | awk -v what="$1" '$1 == what":" && $2 ~ /^[0-9]+$/ && NF == 2 { s += $2 } END { print s + 0 }'; }
passed="$(count Passed)"
failed="$(count Failed)"
step="dotnet test (${failed_runs[*]:-}): $failed failed"
[ ${#failed_runs[@]} -eq 0 ] || exit 1

# The CLI end to end on real data (smoke profile): every core method, the whole run folder.
step="subnet reproduce --profile smoke"
smoke="$(mktemp -d)/smoke"
dotnet run --project src/SubnetNotebooks.Cli -c Release --no-build -- reproduce --profile smoke --out "$smoke"
for f in config.json metrics.json metrics.csv report.html predictions/labels.npy predictions/subnet.npy checkpoints/subnet/parent/last.ckpt; do
  [ -f "$smoke/$f" ] || { echo "subnet reproduce --profile smoke did not write $f"; exit 1; }
done
# Two seeds with the equal-budget rows: a run folder per seed and the mean ± std summary beside them.
step="subnet reproduce --profile smoke --seeds 0,1"
seeds="$(mktemp -d)/seeds"
seeded_methods="single mcdropout deep subnet subnet-budget deep-budget"
dotnet run --project src/SubnetNotebooks.Cli -c Release --no-build -- reproduce --profile smoke --seeds 0,1 --methods "${seeded_methods// /,}" --out "$seeds"
for f in summary.json summary.csv summary.md report.html seed0/metrics.json seed1/metrics.json seed1/checkpoints/subnet-budget/budget.json; do
  [ -f "$seeds/$f" ] || { echo "subnet reproduce --seeds 0,1 did not write $f"; exit 1; }
done
for m in $seeded_methods; do
  grep -q "^| $m | 2 | [0-9.]* ± [0-9.]* |" "$seeds/summary.md" || { echo "summary.md has no mean ± std row for $m"; exit 1; }
done
# A real Jupyter client: nbconvert executes every notebook (smoke profile) with the .NET kernel; outputs are checked.
step="jupyter nbconvert of every notebook (scripts/jupyter-kernel.sh check)"
scripts/jupyter-kernel.sh check "$(mktemp -d)/jupyter-check"
# A real Slurm: a one-node cluster on loopback runs a smoke sweep and a requeued task (needs root, as in CI).
step="a smoke sweep on a one-node Slurm cluster (scripts/slurm-test.sh)"
if [ "$(id -u)" -eq 0 ]; then scripts/slurm-test.sh; else sudo -E scripts/slurm-test.sh; fi
step="done"
echo "tests: $passed passed, $failed failed"
