#!/usr/bin/env bash
# Builds the default task image, pipelane/runtime:local: Debian bookworm with
# Python 3, R (Rscript) and bash, from Debian's packages (debootstrap, then
# docker import) so no registry is needed. Does nothing when the image exists.
# Run as root. Needs debootstrap and a running Docker engine.
set -euo pipefail

image=${PIPELANE_RUNTIME_IMAGE:-pipelane/runtime:local}

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "build-runtime-image: $image exists, nothing to do"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "build-runtime-image: debootstrap needs root; run: sudo $0" >&2
  exit 1
fi

source "$(dirname "$0")/lib/debian-mirror.sh"

root=$(mktemp -d /tmp/pipelane-runtime.XXXXXX)
trap 'rm -rf "$root"' EXIT

echo "build-runtime-image: debootstrap bookworm from $mirror into $root"
# python3, not python3-minimal: the minimal package lacks most of the standard
# library (json among it), which every script needs to read $PIPELANE_INPUT.
debootstrap --variant=minbase --include=python3,r-base-core bookworm "$root" "$mirror"

source "$(dirname "$0")/lib/slim-root.sh"
slim_root "$root"

echo "build-runtime-image: importing as $image"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'WORKDIR /workspace' \
  --change 'CMD ["/bin/bash"]' \
  - "$image"
echo "build-runtime-image: done"
