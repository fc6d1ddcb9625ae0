#!/usr/bin/env bash
# From a fresh Debian/Ubuntu machine to the daemon running the examples on the
# embedded defaults (SQLite in ./.pipelane, the local Docker engine, the local
# runtime image), on http://127.0.0.1:8080. Run as root. What it installs:
# Debian's docker.io and debootstrap (when missing), the image
# pipelane/runtime:local (Python 3 and R from Debian's packages; skipped when
# it exists) and the locked npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-system-packages.sh
scripts/start-docker.sh
scripts/build-runtime-image.sh
npm ci --no-audit --no-fund
npm run build
# The daemon follows this repository (its committed examples/), so the
# examples' schedules are live: `--models examples` would deploy the files as
# they are on disk instead, without schedules.
exec node dist/cli/main.js serve --repo . --path examples "$@"
