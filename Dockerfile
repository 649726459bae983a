# syntax=docker/dockerfile:1
# Multi-stage: dependencies are installed once with the lockfile, the runtime image carries
# only production dependencies and runs as an unprivileged user.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PROGNOS_DATA_DIR=/var/lib/prognos \
    PROGNOS_MODELS_DIR=/app/models
WORKDIR /app
RUN groupadd --system prognos && useradd --system --gid prognos --home /app prognos \
 && mkdir -p /var/lib/prognos && chown prognos:prognos /var/lib/prognos
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
COPY --chown=prognos:prognos models ./models
USER prognos
EXPOSE 3000
VOLUME ["/var/lib/prognos"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/prognos.js"]
CMD ["serve"]
