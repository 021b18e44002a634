# syntax=docker/dockerfile:1
# One image for every icpstream service and the icp command; the command chooses what runs:
#
#   docker build -t icpstream:local .
#   docker run --rm icpstream:local                      # lists the commands
#   docker run --rm --env-file icp.env icpstream:local fit
#   docker run --rm -v "$PWD:/data" icpstream:local icp score -r rubrics/enterprise.yaml -a /data/accounts.csv
#
# Services read only the environment (README: "Running the services yourself"). In the image
# their ops server (/healthz, /readyz, /metrics) listens on 0.0.0.0:9100 and the gateway and
# the console on 0.0.0.0:8080. Checked without a container engine by `npm run compose:validate`
# (infra/src/deploy-check.ts); deploy/image/entrypoint.test.ts runs this file's ENTRYPOINT and
# CMD from a built checkout against the stack.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: every dependency, the TypeScript compiled, then the runtime tree with production dependencies only
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund \
 && node scripts/build.mjs --force \
 && node deploy/image/runtime-tree.mjs /runtime
WORKDIR /runtime
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime: slim Node, compiled JavaScript and production dependencies, not root
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    ICP_OPS_PORT=9100 \
    ICP_OPS_HOST=0.0.0.0 \
    ICP_GATEWAY_PORT=8080 \
    ICP_GATEWAY_HOST=0.0.0.0 \
    ICP_CONSOLE_PORT=8080 \
    ICP_CONSOLE_HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=root:root /runtime /app
# The base image's unprivileged "node" user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080 9100
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "deploy/image/healthcheck.mjs", "/healthz"]
ENTRYPOINT ["node", "deploy/image/entrypoint.mjs"]
CMD ["--help"]
