#!/usr/bin/env bash
# Install every build and test dependency of sre on Debian 12 (apt-get).
# Idempotent: does nothing (no apt-get at all) when everything is installed.
# Runs as root, or through sudo otherwise; never prompts.
set -euo pipefail

PACKAGES=(
  build-essential cmake g++
  libtbb-dev libeigen3-dev libhdf5-dev hdf5-tools libboost-program-options-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsuitesparse-dev libmetis-dev librandom123-dev
  libopenmpi-dev openmpi-bin coinor-libclp-dev nettle-dev nlohmann-json3-dev
  python3 python3-h5py python3-matplotlib python3-numpy graphviz
)

# Which packages are not fully installed?
missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed; nothing to do"
  exit 0
fi

# Root runs apt-get directly; anyone else goes through sudo.
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
echo "install-deps: apt-get update"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
echo "install-deps: apt-get install"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
