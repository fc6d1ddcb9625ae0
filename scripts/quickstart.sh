#!/usr/bin/env bash
# From a fresh Debian machine (a clone of this repository, git and Node.js 20
# or later) to the daemon running the examples on the embedded defaults
# (SQLite in ./.pipelane, the local Docker engine, the local runtime image),
# on http://127.0.0.1:8080. Run as root. What it installs: Debian's docker.io
# and debootstrap (when missing), the image pipelane/runtime:local (Python 3
# and R from Debian's packages; skipped when it exists) and the locked npm
# dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  echo "quickstart: Pipelane needs Node.js 20 or later (with npm); install it first, e.g. from nodejs.org or your distribution" >&2
  exit 1
fi
if ! git -C . rev-parse --git-dir >/dev/null 2>&1; then
  echo "quickstart: run it from a git clone of Pipelane: the daemon follows the clone's examples/" >&2
  exit 1
fi

scripts/install-system-packages.sh
scripts/start-docker.sh
scripts/build-runtime-image.sh
npm ci --no-audit --no-fund
npm run build
# The daemon follows this repository (its committed examples/), so the
# examples' schedules are live: `--models examples` would deploy the files as
# they are on disk instead, without schedules.
exec node dist/cli/main.js serve --repo . --path examples "$@"
