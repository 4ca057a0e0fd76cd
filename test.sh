#!/usr/bin/env bash
# Runs every test: installs the datasets and tools the tests use, then the whole solution's tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
# The datasets, Debian's jupyter-notebook and nbconvert, and the kit's kernel copy, which the notebook tests
# start as VS Code (.vscode/settings.json) and Jupyter do.
scripts/jupyter-kernel.sh install
log="$(mktemp)"
dotnet test SubnetNotebooks.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
passed="$(awk '/^ +Passed: +[0-9]+$/ { s += $2 } END { print s + 0 }' "$log")"
failed="$(awk '/^ +Failed: +[0-9]+$/ { s += $2 } END { print s + 0 }' "$log")"
# The CLI end to end on real data (smoke profile): every core method, the whole run folder.
smoke="$(mktemp -d)/smoke"
dotnet run --project src/SubnetNotebooks.Cli -c Release --no-build -- reproduce --profile smoke --out "$smoke"
for f in config.json metrics.json metrics.csv report.html predictions/labels.npy predictions/subnet.npy checkpoints/subnet/parent/last.ckpt; do
  [ -f "$smoke/$f" ] || { echo "subnet reproduce --profile smoke did not write $f" >&2; exit 1; }
done
# A real Jupyter client: nbconvert executes every notebook (smoke profile) with the .NET kernel; outputs are checked.
scripts/jupyter-kernel.sh check "$(mktemp -d)/jupyter-check"
echo "tests: $passed passed, $failed failed"
