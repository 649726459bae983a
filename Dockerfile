# syntax=docker/dockerfile:1
# Multi-stage: the build stage compiles TypeScript with the dev dependencies; the runtime image
# carries the compiled dist/ and production dependencies only, runs plain Node (no tsx), as an
# unprivileged user. Optional dependencies are omitted: the only one that matters is the native
# TensorFlow binding (tfjs-node-native), which downloads libtensorflow at install time and pulls
# the whole @tensorflow/tfjs union; without it TF.js runs on WebAssembly (src/tf/backend.ts).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install script is needed in production (protobufjs's only checks its version).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    HOST=0.0.0.0 \
    PORT=3000 \
    PROGNOS_DATA_DIR=/var/lib/prognos \
    PROGNOS_MODELS_DIR=/app/models \
    WORKER_HEARTBEAT_FILE=/tmp/prognos-worker.heartbeat
WORKDIR /app
RUN groupadd --system prognos && useradd --system --gid prognos --home /app prognos \
 && mkdir -p /var/lib/prognos && chown prognos:prognos /var/lib/prognos
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
# bin/prognos.js runs dist/ because src/ is absent; dist/web/public holds the dashboard's files.
COPY bin/prognos.js ./bin/
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY --chown=prognos:prognos models ./models
USER prognos
EXPOSE 3000
VOLUME ["/var/lib/prognos"]
# The API's probe: /readyz through the CLI, which loads only its healthcheck command (~0.1 s)
# and gives /readyz 4 s, well inside the 10 s timeout; compose.yaml gives workers their own
# (`prognos healthcheck --worker`).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s \
  CMD ["node", "bin/prognos.js", "healthcheck"]
ENTRYPOINT ["node", "bin/prognos.js"]
CMD ["serve"]
