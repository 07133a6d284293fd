#!/usr/bin/env bash
# Installs every Debian package imcsim needs to build, test and run. Idempotent: it calls
# `apt-get update` and `apt-get install` only when a package is missing, so a second run is a no-op.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libsystemc-dev
  libeigen3-dev libopenblas-dev librandom123-dev
  libboost-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  dataset-fashion-mnist fortunes
  libonnx-dev libprotobuf-dev protobuf-compiler
  openmpi-bin libopenmpi-dev
  clang-format clang-tidy
  chromium fonts-dejavu-core
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "imcsim setup: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
