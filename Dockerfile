# syntax=docker/dockerfile:1
# knowledge-mcp container image: TypeScript is compiled in a build stage; the runtime stage is a slim
# Node 20 with production dependencies only, running as the unprivileged `node` user.
# Build: docker build -t knowledge-mcp .   Run: docker run -p 3000:3000 -e API_KEYS=me:<16+ chars> knowledge-mcp
ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are skipped: tsc needs none, and it avoids compiling optional native test-only addons.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY connectors ./connectors
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
# glibc keeps freed memory in its arenas for reuse, and large blocks freed at start (likely V8's
# compiler zones while the embedded Postgres's WebAssembly is optimised) then stay in RSS. With a
# fixed threshold, blocks of 128 KB and more get their own mappings, given back when freed: ~25 MB
# less RSS after the first start.
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
# The layout mirrors the repository (dist/, migrations/, demo/ side by side) because the code finds
# migrations and the demo data relative to its own files.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY demo ./demo
COPY deploy/healthcheck.mjs deploy/seed.sh deploy/smoke.mjs ./deploy/
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
# No curl in the slim image: a tiny node script probes /healthz (over HTTPS when TLS_CERT_FILE is set).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "deploy/healthcheck.mjs"]
STOPSIGNAL SIGTERM
# Exec form, no npm and no shell in between: SIGTERM goes straight to node, which drains and exits 0.
CMD ["node", "dist/src/cli.js", "serve"]
