#!/usr/bin/env bash
# Sets up a Debian 12 machine to build and test lj, then builds `ljit`
# optimized. Idempotent: installs only the packages that are missing (one
# apt-get update, one install), and Bazel rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")"

# The build (Bazel, compilers, Debian-packaged libraries) and the tests'
# reference VMs that differential tests compare against.
packages=(
  bazel-bootstrap g++ pkg-config python3
  libabsl-dev libzydis-dev zydis-tools librapidcheck-dev libbenchmark-dev libgtest-dev
  luajit lua5.1 lua5.4
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "setup.sh: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

# The optimized CLI, left at bazel-bin/ljit.
bazel build --config=opt //:ljit
echo "setup.sh: built $(readlink -f bazel-bin/ljit)"
