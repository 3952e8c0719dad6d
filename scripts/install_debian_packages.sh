#!/usr/bin/env bash
# Installs the Debian packages named after WHO that are not installed yet,
# with apt-get update at most once; WHO prefixes every message.
#   bash scripts/install_debian_packages.sh setup build-essential cmake ...
# Used by scripts/setup.sh and scripts/setup_container.sh.
set -euo pipefail

who=${1:?usage: install_debian_packages.sh WHO PACKAGE...}
shift

missing=()
for p in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "$who: all $# Debian packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "$who: installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
echo "$who: done"
