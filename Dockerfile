# The Pipelane daemon. Built by scripts/build-daemon-image.sh, which makes the
# base (Debian + node, no registry needed) and a context with dist/ and the
# production node_modules. Task containers run on the host's Docker engine:
#
#   docker run -d -v /var/run/docker.sock:/var/run/docker.sock \
#     -v /srv/pipelines:/srv/pipelines -v /var/lib/pipelane:/var/lib/pipelane \
#     -e PIPELANE_TOKENS=... -p 8080:8080 pipelane/pipelane:local serve --models /srv/pipelines
#
# The data directory and the models are mounted at the same path as on the
# host, because the daemon hands those paths to the host's engine as
# /workspace and /repo of each task.
ARG BASE=pipelane/daemon-base:local
FROM ${BASE}
WORKDIR /opt/pipelane
COPY package.json package-lock.json ./
COPY node_modules ./node_modules
COPY dist ./dist
COPY ui ./ui
COPY examples ./examples
ENV PIPELANE_DATA_DIR=/var/lib/pipelane \
    PIPELANE_HOST=0.0.0.0 \
    NODE_ENV=production
VOLUME /var/lib/pipelane
EXPOSE 8080
ENTRYPOINT ["node", "/opt/pipelane/dist/cli/main.js"]
CMD ["--help"]
