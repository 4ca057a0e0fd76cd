#!/usr/bin/env bash
# The kit's notebooks in Jupyter, with the .NET Interactive kernel, offline and loopback-only.
#
#   scripts/jupyter-kernel.sh install      installs everything and writes the kernel spec (default)
#   scripts/jupyter-kernel.sh vscode       only what VS Code needs: the kernel copy (step 3) and the kit's packages
#                                          (step 5); .vscode/settings.json starts the kernel copy in stdio mode
#   scripts/jupyter-kernel.sh check DIR [NOTEBOOK...]
#                                          install, then execute every notebook (or those named) with
#                                          `jupyter nbconvert --execute` into DIR, in the smoke profile unless
#                                          SUBNET_PROFILE says otherwise, and verify each: no cell error, a
#                                          Plotly chart, plotly.js inlined, the kernel on loopback only
#   scripts/jupyter-kernel.sh env          prints the export line for using the kernel yourself
#
# What it does, idempotently:
#   1. Debian: jupyter-nbconvert, python3-nbclient, python3-ipykernel, jupyter-client (install-deps.sh --notebooks).
#   2. The dotnet-interactive tool from the local tool manifest (.config/dotnet-tools.json).
#   3. A kernel copy of that tool in .dotnet-tools/ (linked as .dotnet-tools/dotnet-interactive, the path
#      .vscode/settings.json names) whose FSharp.Core.dll is 10.1.x: the tool ships
#      FSharp.Core 10.0.0.0, while Plotly.NET 6.0.0 (#r "nuget: Plotly.NET, 6.0.0") needs 10.1.0.0. The
#      copy is hard links to the NuGet cache (no extra disk) except that one file, which comes from the
#      FSharp.Core package the kit itself restores (Directory.Packages.props).
#   4. A kernel spec in .dotnet-tools/jupyter/kernels/.net-csharp (use it with JUPYTER_PATH), written by
#      hand: unlike `dotnet interactive jupyter install` it passes no --http-port-range, so the kernel
#      opens no HTTP listener; its ZeroMQ sockets bind to the connection file's ip, 127.0.0.1.
#   5. The kit's packages in the local feed artifacts/packages/ (scripts/pack.sh), which the notebooks' setup.csx loads.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1

mode="${1:-install}"
tools="$root/.dotnet-tools"
jupyter_path="$tools/jupyter"
nuget="${NUGET_PACKAGES:-$HOME/.nuget/packages}"

json_value() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
tool_version="$(json_value .config/dotnet-tools.json "d['tools']['microsoft.dotnet-interactive']['version']")"
fsharp_version="$(python3 -c "import re; print(re.search(r'Include=\"FSharp.Core\" Version=\"([^\"]+)\"', open('Directory.Packages.props').read()).group(1))")"
kernel_dir="$tools/dotnet-interactive-$tool_version"

install() {
  scripts/install-deps.sh --notebooks
  kernel_copy
  kernel_spec
}

# The folder of the restored tool: NUGET_PACKAGES, ~/.nuget/packages (some SDKs put local tools there even when
# NUGET_PACKAGES points elsewhere), or wherever the SDK's tool resolver cache says 'dotnet tool run' finds it.
find_tool_dir() {
  local candidate cached
  cached="$(python3 - "$HOME/.dotnet/toolResolverCache/1/microsoft.dotnet-interactive" "$tool_version" <<'PY' 2>/dev/null
import json, os, sys
for entry in json.load(open(sys.argv[1])):
    if entry.get("Version") == sys.argv[2]:
        print(os.path.dirname(entry["PathToExecutable"]))
PY
)"
  for candidate in "$nuget/microsoft.dotnet-interactive/$tool_version/tools/"net*/any \
                   "$HOME/.nuget/packages/microsoft.dotnet-interactive/$tool_version/tools/"net*/any $cached; do
    if [ -f "$candidate/Microsoft.DotNet.Interactive.App.dll" ]; then echo "$candidate"; return; fi
  done
}

kernel_copy() {
  echo "dotnet-interactive $tool_version (local tool manifest)"
  # A restore can fail transiently (registry time-out): retry, and show what it said.
  local attempt out=""
  for attempt in 1 2 3; do
    if out="$(dotnet tool restore 2>&1)"; then out=""; break; fi
    echo "dotnet tool restore failed (attempt $attempt of 3):" >&2
    echo "$out" >&2
    [ "$attempt" -lt 3 ] && sleep 10
  done
  [ -z "$out" ] || { echo "error: 'dotnet tool restore' could not install Microsoft.dotnet-interactive $tool_version from .config/dotnet-tools.json; see its output above." >&2; exit 1; }
  local tool_dir
  tool_dir="$(find_tool_dir)"
  if [ -z "$tool_dir" ]; then
    # 'dotnet tool restore' skips a tool that its resolver cache (~/.dotnet/toolResolverCache) lists at a path
    # that no longer holds it, or that another NuGet folder holds: drop that entry and restore once more.
    echo "dotnet tool restore left no copy here; forgetting its cached entry and restoring again"
    rm -f "$HOME/.dotnet/toolResolverCache/1/microsoft.dotnet-interactive"
    dotnet tool restore >/dev/null || { echo "error: 'dotnet tool restore' failed on the second try; run it and read its output." >&2; exit 1; }
    tool_dir="$(find_tool_dir)"
  fi
  [ -n "$tool_dir" ] || {
    echo "error: dotnet tool restore did not leave Microsoft.dotnet-interactive $tool_version under $nuget or ~/.nuget/packages; run 'dotnet tool restore' and read its output." >&2; exit 1; }

  # The kit's packages, which the notebooks load (its restore also brings the FSharp.Core the kernel copy needs).
  scripts/pack.sh || { echo "error: scripts/pack.sh failed (its output is above; a restore needs nuget.org and a few GB free under NUGET_PACKAGES)." >&2; exit 1; }
  local fsharp="$nuget/fsharp.core/$fsharp_version/lib/netstandard2.1/FSharp.Core.dll"
  [ -f "$fsharp" ] || { echo "error: $fsharp is missing after scripts/pack.sh; run 'dotnet restore src/SubnetNotebooks' and check FSharp.Core in Directory.Packages.props." >&2; exit 1; }

  if [ ! -f "$kernel_dir/.fsharp-core-$fsharp_version" ]; then
    echo "Kernel copy of the tool with FSharp.Core $fsharp_version: ${kernel_dir#$root/}"
    rm -rf "$kernel_dir"
    mkdir -p "$tools"
    cp -al "$tool_dir" "$kernel_dir" 2>/dev/null || cp -a "$tool_dir" "$kernel_dir"
    # Replace the links, never write through them (that would change the NuGet cache).
    rm -f "$kernel_dir/FSharp.Core.dll" "$kernel_dir/FSharp.Core.xml"
    cp "$fsharp" "$kernel_dir/FSharp.Core.dll"
    touch "$kernel_dir/.fsharp-core-$fsharp_version"
  fi
  ln -sfn "$(basename "$kernel_dir")" "$tools/dotnet-interactive"
  echo "Kernel for VS Code (.vscode/settings.json): .dotnet-tools/dotnet-interactive -> $(basename "$kernel_dir")"
}

kernel_spec() {

  local spec="$jupyter_path/kernels/.net-csharp"
  mkdir -p "$spec"
  python3 - "$spec/kernel.json" "$(command -v dotnet)" "$kernel_dir/Microsoft.DotNet.Interactive.App.dll" <<'PY'
import json, sys
path, dotnet, app = sys.argv[1:4]
spec = {
    "argv": [dotnet, app, "jupyter", "--default-kernel", "csharp", "--http-local-only", "{connection_file}"],
    "display_name": ".NET (C#)",
    "language": "C#",
    "env": {"DOTNET_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_NOLOGO": "1"},
    "metadata": {"debugger": False},
}
json.dump(spec, open(path, "w"), indent=2)
PY
  echo "Kernel spec: ${spec#$root/}/kernel.json (export JUPYTER_PATH=$jupyter_path)"
}

check() {
  local out="$1"; shift
  local notebooks=("$@")
  [ ${#notebooks[@]} -gt 0 ] || notebooks=(notebooks/*.ipynb)
  mkdir -p "$out"
  # The smoke profile unless told otherwise; every notebook writes under one run folder, so notebooks 01-07
  # share their trained methods as they do in a user's checkout.
  export SUBNET_PROFILE="${SUBNET_PROFILE:-smoke}" SUBNET_RUN_DIR="${SUBNET_RUN_DIR:-$out/runs}"
  local notebook name log
  for notebook in "${notebooks[@]}"; do
    name="$(basename "$notebook")"
    log="$out/${name%.ipynb}.nbconvert.log"
    echo "Executing $notebook with jupyter nbconvert (kernel .net-csharp, profile $SUBNET_PROFILE)"
    JUPYTER_PATH="$jupyter_path" jupyter nbconvert --to notebook --execute "$notebook" \
      --ExecutePreprocessor.kernel_name=.net-csharp --ExecutePreprocessor.timeout=900 \
      --output-dir "$out" --output "$name" >"$log" 2>&1 || { cat "$log" >&2; echo "error: jupyter nbconvert --execute $notebook failed (log above, $log)" >&2; exit 1; }
    # The kernel logs every HTTP address it listens on; anything but loopback is a failure.
    if grep "Now listening on:" "$log" | grep -Ev "//(127\.0\.0\.1|\[::1\]|localhost)[:/]"; then
      echo "error: the kernel listened on a non-loopback address (above); the kernel spec must pass --http-local-only." >&2
      exit 1
    fi
    python3 - "$out/$name" <<'PY'
import json, sys
path = sys.argv[1]
nb = json.load(open(path))
def text(v): return "".join(v) if isinstance(v, list) else v
errors, charts, plotly_js = [], 0, False
for i, cell in enumerate(nb["cells"], 1):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            errors.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
        html = text(out.get("data", {}).get("text/html", ""))
        if "newPlot(" in html and "subnet-chart" in html: charts += 1
        if "* plotly.js v" in html: plotly_js = True
if errors: sys.exit(f"{path}: cell errors:\n  " + "\n  ".join(errors))
if charts == 0: sys.exit(f"{path}: no text/html output holds a Plotly chart (every notebook draws at least one)")
if not plotly_js: sys.exit(f"{path}: plotly.js is not inlined in any output, so the charts would render blank offline")
print(f"{path}: ok, {charts} Plotly chart outputs, plotly.js inlined, no cell errors")
PY
  done
}

case "$mode" in
  install) install ;;
  vscode) kernel_copy ;;
  check) [ $# -ge 2 ] || { echo "usage: scripts/jupyter-kernel.sh check OUTPUT_DIR [NOTEBOOK...]" >&2; exit 2; }; install; check "${@:2}" ;;
  env) echo "export JUPYTER_PATH=$jupyter_path" ;;
  *) echo "usage: scripts/jupyter-kernel.sh [install | vscode | check OUTPUT_DIR | env]" >&2; exit 2 ;;
esac
