# syntax=docker/dockerfile:1
#
# The gateway as a container image: multi-stage (the TypeScript build and
# its dev dependencies stay in the build stage), production dependencies
# only, a non-root user, a HEALTHCHECK on /healthz. See docs/deploy.md
# ("Container"), which also says exactly what of this file was verified.
#
#   docker build -t jira-mcp-gateway .
#   docker compose up          # with PostgreSQL: compose.yaml
#
# NODE_IMAGE may name a mirror or a pinned digest (node:22-bookworm-slim@sha256:…).
ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: compile src/ to dist/ with the dev dependencies (TypeScript) ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: compiling needs no native module (better-sqlite3, argon2).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- deps: production dependencies only (better-sqlite3 and argon2 bring
# prebuilt native binaries for this platform; pg and the AWS SDK are plain JS) ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# Only used when better-sqlite3 finds no prebuilt binary to download (no
# egress to GitHub): it then compiles SQLite. This stage is discarded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: node, the compiled gateway, its production node_modules ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json LICENSE ./
# DATA_DIR: the SQLite file and master key (STORAGE=sqlite), the sandbox's
# database. Owned by the unprivileged `node` user (uid 1000) of the base image.
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# The base image has no curl: Node's own fetch asks /healthz (liveness only;
# orchestrators should probe /readyz for readiness, see docs/deploy.md).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# serve drains in-flight requests on SIGTERM (SHUTDOWN_TIMEOUT_SECONDS, default
# 10): give the container a longer stop timeout than that.
STOPSIGNAL SIGTERM
# Node as PID 1 receives the signal itself (no npm wrapper, which would not forward it).
ENTRYPOINT ["node", "dist/entry/node.js"]
CMD ["serve"]
