import path from 'node:path';
import express, { Router } from 'express';
import { defineRoute, serve, type RouteDoc } from '../route';
import { buildOpenApiDocument } from './document';

export const openapiRoutes = {
  document: defineRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    tag: 'operations',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  }),
  docs: defineRoute({
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'Browsable API documentation (Swagger UI)',
    tag: 'operations',
    responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
  }),
};

/**
 * GET /openapi.json (the document of `routes`) and GET /docs, without authentication. Swagger UI's assets come from the
 * swagger-ui-dist package, served from node_modules: the page works with no CDN in reach.
 */
export function openapiRouter(routes: readonly RouteDoc[]): Router {
  const router = Router();
  let document: Record<string, unknown> | undefined;

  serve(router, openapiRoutes.document, (_req, res) => {
    document ??= buildOpenApiDocument(routes);
    res.json(document);
  });

  const assets = swaggerUiAssets();
  serve(router, openapiRoutes.docs, (_req, res) => {
    if (!assets) {
      res
        .status(501)
        .type('text/plain')
        .send('API docs need the swagger-ui-dist package; /openapi.json is available.');
      return;
    }
    res.type('html').send(DOCS_PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(DOCS_INIT);
  });
  if (assets) router.use('/docs/assets', express.static(assets, { index: false, maxAge: '1d' }));

  return router;
}

function swaggerUiAssets(): string | undefined {
  try {
    return path.dirname(require.resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Pulse API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const DOCS_INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
});
`;
