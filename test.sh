#!/usr/bin/env bash
# Runs every test: installs the datasets and tools the tests use, then the whole solution's tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
scripts/install-deps.sh
dotnet test SubnetNotebooks.sln -c Release --logger "console;verbosity=normal" "$@"
# A real Jupyter client: nbconvert executes a notebook with the .NET kernel and the chart output is checked.
scripts/jupyter-kernel.sh check "$(mktemp -d)/jupyter-check"
