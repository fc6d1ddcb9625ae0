#!/usr/bin/env bash
# Installs the Debian packages Pipelane needs on the host when they are
# missing: docker.io (the Docker engine) and debootstrap (to build images
# from Debian's packages); with --browser also chromium (the web UI tests
# drive it). Run as root.
set -euo pipefail

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${1:-}" = "--browser" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system-packages: nothing to install"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-packages: installing ${missing[*]} needs root; run: sudo $0 $*" >&2
  exit 1
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
