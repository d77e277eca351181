# syntax=docker/dockerfile:1
# sps-exporter: build with dev dependencies, run with production dependencies only, as non-root.
# Targets: production (the default, the last stage) and simulator (the compose demo's fake SPS fleet).
# The Node the tests also run on: package.json config.containerNode (a test keeps them equal).
ARG NODE_VERSION=26.12.1

FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# The simulated SPS fleet for deploy/docker-compose.yml: tool code, never in the production image.
FROM build AS simulator
COPY tools ./tools
RUN npm run build:tools
USER node
ENTRYPOINT ["node", "build/tools/simulator/main.js"]

FROM node:${NODE_VERSION}-slim AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:${NODE_VERSION}-slim AS production
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json config.example.yaml ./
RUN mkdir -p /etc/sps-exporter && cp config.example.yaml /etc/sps-exporter/config.example.yaml
USER node
EXPOSE 9684
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["node", "dist/healthcheck.js"]
# V8 heap flags: the young generation at most 8 MB per semi-space, and old space growing 30% past
# what survived the last full collection; ~30 MB less RSS at 1000 nodes (docs/performance.md).
ENTRYPOINT ["node", "--max-semi-space-size=8", "--heap-growing-percent=30", "dist/main.js"]
CMD ["--config.file=/etc/sps-exporter/config.yaml"]
