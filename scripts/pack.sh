#!/usr/bin/env bash
# Packs the kit as NuGet packages into the local feed artifacts/packages/:
#   SubnetNotebooks              the library (src/SubnetNotebooks), on TorchSharp; no backend package
#   SubnetNotebooks.Interactive  the notebook side (src/SubnetNotebooks.Notebooks)
# each with its symbols (.snupkg), and writes the version to artifacts/packages/SubnetNotebooks.version, which
# notebooks/setup.csx reads.
#
#   scripts/pack.sh             pack (nothing to do when the feed already holds this version)
#   scripts/pack.sh --version   print the version only
#
# The version changes with every commit, 0.1.<commits>-g<sha>, and with every change to a dirty tree,
# 0.1.<commits>-g<sha>.dirty-<hash of the change>, so a kernel's package cache (NUGET_PACKAGES), which never
# looks at a version twice, cannot serve an older build of the kit under the same version.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
feed="$root/artifacts/packages"

# Each untracked file's name and content (a link: where it points).
untracked() {
  local file
  git ls-files --others --exclude-standard -z | while IFS= read -r -d '' file; do
    if [ -L "$file" ]; then echo "$file -> $(readlink "$file")"; else sha256sum -- "$file"; fi
  done
}

kit_version() {
  local commits sha dirty
  commits="$(git rev-list --count HEAD)"
  sha="$(git rev-parse --short=8 HEAD)"
  # Tracked changes and the content of untracked files git does not ignore; the feed and build folders are ignored.
  dirty="$( { git diff HEAD --binary; untracked; } | sha256sum | cut -c1-8)"
  if [ -z "$(git status --porcelain --untracked-files=normal)" ]; then
    echo "0.1.$commits-g$sha"
  else
    echo "0.1.$commits-g$sha.dirty-$dirty"
  fi
}

version="$(kit_version)"
if [ "${1:-}" = "--version" ]; then echo "$version"; exit 0; fi
[ $# -eq 0 ] || { echo "usage: scripts/pack.sh [--version]" >&2; exit 2; }

mkdir -p "$feed"
if [ -f "$feed/SubnetNotebooks.$version.nupkg" ] && [ -f "$feed/SubnetNotebooks.Interactive.$version.nupkg" ]; then
  echo "$version" > "$feed/SubnetNotebooks.version"
  echo "Local feed artifacts/packages/ already holds the kit $version"
  exit 0
fi

echo "Packing the kit $version into artifacts/packages/"
# Earlier versions of the kit go: the feed holds one, the one SubnetNotebooks.version names.
rm -f "$feed"/SubnetNotebooks.*.nupkg "$feed"/SubnetNotebooks.*.snupkg "$feed/SubnetNotebooks.version"
args=(-c Release -o "$feed" -nologo -v quiet "-p:Version=$version"
      # A build of its own (artifacts/pack/), so packing leaves the checkout's bin/ and obj/ (the CLI's) alone.
      --artifacts-path "$root/artifacts/pack" -p:ContinuousIntegrationBuild=true)
if origin="$(git remote get-url origin 2>/dev/null)"; then args+=("-p:RepositoryUrl=$origin"); fi
log="$(mktemp)"
for project in src/SubnetNotebooks src/SubnetNotebooks.Notebooks; do
  dotnet pack "$project" "${args[@]}" >"$log" 2>&1 || {
    cat "$log" >&2
    echo "error: 'dotnet pack $project' failed (its output is above)." >&2
    exit 1; }
done
rm -f "$log"
echo "$version" > "$feed/SubnetNotebooks.version"
ls -l "$feed" | awk 'NR > 1 { printf "  %-60s %8d KiB\n", $9, $5 / 1024 }'
