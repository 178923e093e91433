# syntax=docker/dockerfile:1
#
# Image of the vpa command and its long-lived workers (see docker-compose.yml).
# Three stages: `deps` installs the production dependencies, `build` bundles the TypeScript
# sources into plain JavaScript (tools/bundle, rolldown), and the final stage holds only the
# bundle, the fixtures and the production node_modules. Running the bundle instead of the sources
# keeps each worker ~50 MB smaller (no type stripper, minified module text; BENCHMARKS.md,
# "Worker memory").
#
#   docker build -t vpa .
#   docker run --rm vpa help
#   docker run --rm -e DATABASE_URL=... -e REDIS_URL=... vpa worker alerts
#
# Node comes from the base image: the node@24 npm package (a devDependency that `./vpa` uses to
# bring its own Node) is not installed here, and neither are vitest, biome, typescript or turbo.

ARG NODE_IMAGE=node:24-slim

# ---------------------------------------------------------------------------------------------
# deps: production node_modules, from the lock file. Only the manifests are copied, so this
# layer is rebuilt only when a package.json or package-lock.json changes.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Every workspace's package.json (root "workspaces": packages/*, apps/*, tools/*, test-support):
# npm links each one as node_modules/@vpa/<name>; a workspace missing here is missing at run time.
# test-support is left out: it has only devDependencies and nothing at run time imports it.
COPY apps/alerts/package.json apps/alerts/
COPY apps/api/package.json apps/api/
COPY apps/backtest/package.json apps/backtest/
COPY apps/cli/package.json apps/cli/
COPY apps/scanner/package.json apps/scanner/
COPY packages/db/package.json packages/db/
COPY packages/market-data/package.json packages/market-data/
COPY packages/runtime/package.json packages/runtime/
COPY packages/vpa-core/package.json packages/vpa-core/
# `vpa services` and `vpa status` (finding Redis and PostgreSQL); `vpa backup` finds pg_dump with it.
COPY tools/dev-services/package.json tools/dev-services/
# The bundler (its devDependency is installed by the build stage only).
COPY tools/bundle/package.json tools/bundle/
# `npm ci`: exactly the versions of the committed lock (which records every platform's optional
# packages, so it installs this image's). No install scripts run: no production dependency needs
# one (msgpackr's native part ships prebuilt in @msgpackr-extract/*).
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts --loglevel=error \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------
# build: every dependency (the bundler is a devDependency) and the sources, bundled into /app/dist
# (main.js, one chunk per lazily loaded worker kind, the chart font in dist/assets).
FROM deps AS build
RUN npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
COPY packages ./packages
COPY apps ./apps
COPY tools ./tools
RUN node tools/bundle/src/main.ts /app/dist

# ---------------------------------------------------------------------------------------------
# runtime: Node 24 + the bundle + production node_modules (for the packages the bundle leaves
# out: native ones such as @resvg/resvg-js), run as the unprivileged `node` user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# See ./vpa: a 16 MiB young generation keeps a worker ~100 MB smaller at the same speed.
ENV NODE_OPTIONS=--max-semi-space-size=16
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# The bundle and the demo's bars, owned by root and read-only for `node`.
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY fixtures ./fixtures

USER node
# /health, /ready and /metrics: scanner 9464, alerts 9465, backtest 9466, stream 9467 (HTTP_PORT
# overrides); the API, its dashboard and its /health on 8080 (API_PORT overrides).
EXPOSE 9464 9465 9466 9467 8080
# Liveness through Node's fetch (slim images have no curl). One worker runs per container: without
# HTTP_PORT or API_PORT, the worker is on its kind's default port, so any default answering is enough.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const given = [process.env.HTTP_PORT, process.env.API_PORT].filter(Boolean); const ports = given.length > 0 ? given : ['9464', '9465', '9466', '9467', '8080']; Promise.any(ports.map((port) => fetch('http://127.0.0.1:' + port + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => { if (!r.ok) throw new Error('HTTP ' + r.status); }))).then(() => process.exit(0), () => process.exit(1));"]
# Workers stop gracefully on SIGTERM within SHUTDOWN_TIMEOUT_MS (docker stop's default grace
# period is 10 s: pass --time, or stop_grace_period in compose, when SHUTDOWN_TIMEOUT_MS is larger).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/main.js"]
CMD ["worker", "scanner"]
