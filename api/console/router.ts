import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { defineRoute, serve } from '../route';

/** Where `npm run build` (scripts/build-console.ts) puts the console's bundle. */
export const CONSOLE_DIST = path.resolve(__dirname, '..', '..', 'console', 'dist');

export const consoleRoutes = {
  page: defineRoute({
    method: 'get',
    path: '/console',
    operationId: 'console',
    summary: 'The web console (sign in with an API key)',
    tag: 'operations',
    responses: {
      200: { description: 'HTML page', contentType: 'text/html' },
      503: { description: 'the console was not built (npm run build)', contentType: 'text/plain' },
    },
  }),
};

/**
 * GET /console and its assets, without authentication: the page holds no data, and every call it
 * makes sends the API key the person signed in with. Hash routing (#/contacts) keeps every page
 * on this one URL.
 */
export function consoleRouter(dist = CONSOLE_DIST): Router {
  const router = Router();
  serve(router, consoleRoutes.page, (_req, res) => {
    const index = path.join(dist, 'index.html');
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The console is not built: run npm run build.');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  // Asset names carry a content hash; the page itself is revalidated so a rebuild shows at once.
  router.use(
    '/console',
    express.static(dist, {
      index: 'index.html',
      maxAge: '1h',
      setHeaders: (res, file) => {
        if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  return router;
}
