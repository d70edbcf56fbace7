# Pulse: one image for the API (default command), the Temporal worker and the migration job.
#   docker build -t pulse .
#   docker run pulse                                # API: node dist/api/server.js
#   docker run pulse node dist/worker/main.js       # worker
#   docker run pulse node dist/scripts/migrate.js   # migrations (one-shot)

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: full install (dev deps for tsc), compile, then drop dev deps ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependencies first so source edits do not invalidate the install layer.
# npm 10 (bundled with Node 20) ignores package.json's allowScripts and runs the
# install scripts in the lockfile; none of them needs a compiler.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime: production deps + compiled output, non-root ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app

# Files stay root-owned and read-only for the `node` user (uid 1000) that runs the app.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# db/migrate.ts resolves `<its dir>/../migrations`: that is /app/migrations under tsx and
# /app/dist/migrations once compiled, and tsc does not copy .sql files, so ship both.
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/migrations ./dist/migrations
# api/console/router.ts serves `<its dir>/../../console/dist`: the console's bundle (npm run build).
COPY --from=build /app/console/dist ./dist/console/dist
# The worker loads the workflows' bundle that `npm run build` wrote (no webpack at start).
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js

USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]
