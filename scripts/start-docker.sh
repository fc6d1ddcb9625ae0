#!/usr/bin/env bash
# Starts a Docker engine in the background when none answers, then waits for it
# (up to 60 s). The engine runs without a bridge or iptables rules: task
# containers use network "none" by default and CI machines often forbid both.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "start-docker: dockerd is not installed (apt-get install docker.io)" >&2
  exit 1
fi

log=${DOCKERD_LOG:-/var/log/dockerd.log}
echo "start-docker: starting dockerd (log: $log)"
nohup dockerd --bridge=none --iptables=false >"$log" 2>&1 &

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "start-docker: engine is up"
    exit 0
  fi
  sleep 1
done

echo "start-docker: dockerd did not answer within 60 s; last lines of $log:" >&2
tail -n 20 "$log" >&2 || true
exit 1
