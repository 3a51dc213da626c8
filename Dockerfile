# Ponte: API and workers in one image (APP_ROLE=all|api|worker chooses what a container runs).
#   docker build -t ponte .
#   docker compose up            # the whole stack, see docker-compose.yml

# ---- build: full dependencies, compile TypeScript, then drop the dev dependencies ----
# Debian 13 (trixie) in both stages: its postgresql-client-17 can dump and restore the PostgreSQL 16
# server of docker-compose.yml (a client at least as new as the server); Debian 12 ships only 15.
FROM node:20-trixie-slim AS build
WORKDIR /app
# swagger-ui-dist pulls @scarf/scarf, whose install script reports to a third party.
ENV SCARF_ANALYTICS=false
# Manifests first, so that the dependency layer is reused while only the sources change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime ----
FROM node:20-trixie-slim AS runtime
# pg_dump/pg_restore for the backup module, from Debian's own packages (no third-party source):
# postgresql-client-17 installs /usr/lib/postgresql/17/bin, where Ponte looks (the newest
# /usr/lib/postgresql/<major>/bin, or PG_BIN_DIR). It must be at least the server's major: with a
# PostgreSQL newer than 17, install that client instead (README, "Backups").
# fonts-dejavu-core: the analytics PDF reports embed DejaVu Sans (ANALYTICS_REPORT_FONT_DIR).
ARG PG_CLIENT_MAJOR=17
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends tini "postgresql-client-${PG_CLIENT_MAJOR}" fonts-dejavu-core; \
    rm -rf /var/lib/apt/lists/*; \
    /usr/lib/postgresql/${PG_CLIENT_MAJOR}/bin/pg_dump --version

WORKDIR /app
ENV NODE_ENV=production PORT=3000
# Owned by root and only readable by the app user: the process cannot rewrite its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# BACKUP_DIR (./backups): the one folder the app writes; mount a volume there (docker-compose.yml).
RUN mkdir -p /app/backups && chown node:node /app/backups && chmod 700 /app/backups
COPY --from=build /app/data ./data

USER node
EXPOSE 3000
# Liveness only (/health); readiness (/health/ready) belongs to the orchestrator. Slim has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini as PID 1 forwards SIGTERM to node, whose handler drains requests and jobs before exiting.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--max-semi-space-size=32", "--heap-growing-percent=50", "dist/src/main.js"]
