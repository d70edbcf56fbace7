import pino from 'pino';
import { z } from 'zod';
import { createApp } from '../../api/app';
import { contactListQuerySchema, MAX_PAGE_SIZE } from '../../api/contacts/list-schemas';
import { createSmartListSchema } from '../../api/lists/schemas';
import { markNulFree } from '../../api/openapi/document';
import { problemSchema } from '../../api/openapi/response-schemas';
import { ROUTES } from '../../api/openapi/routes';
import { CONTACT_SORTS } from '../../db/contact-queries';
import { anInteraction } from '../support/builders';
import { startHarness, type ApiResponse, type Harness, type TestAccount } from '../support/harness';

let h: Harness;
let doc: any;
beforeAll(async () => {
  h = await startHarness();
  const res = await fetch(`${h.baseUrl}/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(async () => {
  await h?.shutdown();
});

/** "get /contacts/:contactId" for every route Express would dispatch to, read from the app's router. */
function expressRoutes(): string[] {
  const app = createApp({
    db: h.db,
    temporal: h.client,
    taskQueue: h.taskQueue,
    logger: pino({ level: 'silent' }),
  });
  const found: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
          found.push(`${method} ${layer.route.path}`);
      } else if (Array.isArray(layer.handle?.stack)) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as any).router.stack);
  return found;
}

/** The documented response schema for this answer; fails if the status is not documented. */
function documentedSchema(method: string, path: string, status: number): z.ZodType | undefined {
  const route = ROUTES.find((r) => r.method === method && r.path === path);
  if (!route) throw new Error(`${method} ${path} is not documented`);
  if (!doc.paths[path.replace(/:(\w+)/g, '{$1}')][method].responses[status]) {
    throw new Error(`${method} ${path} answered ${status}, which is not documented`);
  }
  // Errors without a schema of their own are documented as Problem.
  return route.responses[status]?.body?.schema ?? (status >= 400 ? problemSchema : undefined);
}

/** Asserts the answer is one the document describes, body included. */
function expectDocumented(method: string, path: string, res: ApiResponse): void {
  const schema = documentedSchema(method, path, res.status);
  if (res.status >= 400) expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  if (schema) {
    const result = schema.safeParse(res.body);
    if (!result.success) {
      throw new Error(
        `${method} ${path} ${res.status} does not match its schema: ${z.prettifyError(result.error)}`,
      );
    }
  }
}

describe('GET /openapi.json', () => {
  it('when fetched without an API key, then it is an OpenAPI 3.1 document with bearer auth and unauthenticated operations routes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(doc.paths['/readyz'].get.security).toEqual([]);
    expect(doc.paths['/contacts'].get.security).toBeUndefined();
  });

  it('when compared with the routes Express serves, then every route is documented and every documented route exists', () => {
    const served = expressRoutes().filter((r) => !r.startsWith('get /docs/'));
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    // A route missing here needs an entry in api/openapi/routes.ts, with the schemas its router validates with.
    expect({ undocumented: served.filter((r) => !documented.includes(r)) }).toEqual({ undocumented: [] });
    expect({ documentedButNotServed: documented.filter((r) => !served.includes(r)) }).toEqual({
      documentedButNotServed: [],
    });
  });

  it('when a schema is referenced, then it resolves, and every path parameter is declared', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const name = /#\/components\/schemas\/(.+)"$/.exec(ref)?.[1];
      expect([ref, name && doc.components.schemas[name] !== undefined]).toEqual([ref, true]);
    }
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name);
        expect([path, declared]).toEqual([path, inPath]);
      }
    }
  });

  it('when GET /contacts is documented, then its parameters are the fields of the schema the route validates with', () => {
    const params = doc.paths['/contacts'].get.parameters as any[];
    expect(params.map((p) => p.name)).toEqual(Object.keys(contactListQuerySchema.shape));
    const byName = Object.fromEntries(params.map((p) => [p.name, p]));
    expect(byName.sort.schema.enum).toEqual([...CONTACT_SORTS]);
    expect(byName.limit.schema).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: 50,
    });
    expect(byName.empty.schema).toEqual({ type: 'boolean' });
    expect(byName.tag).toMatchObject({ explode: true, schema: { type: 'array' } });
    expect(byName.cursor.schema.type).toBe('string');
    expect(params.every((p) => p.in === 'query' && p.required === false)).toBe(true);

    const { $schema: _ignored, ...createList } = z.toJSONSchema(createSmartListSchema, { io: 'input' });
    // Request strings also say they hold no NUL, which every route refuses (api/middleware/storable-text.ts).
    expect(doc.components.schemas.SmartListInput).toEqual(markNulFree(createList));
  });

  it('when every route is called, then each answer matches the response the document gives for its status', async () => {
    const account: TestAccount = await h.newAccount();
    const call = async (method: string, path: string, url: string, body?: unknown, key?: string | null) => {
      const res = await account.call(method.toUpperCase(), url, body, key);
      expectDocumented(method, path, res);
      return res;
    };

    await call('get', '/healthz', '/healthz');
    await call('get', '/readyz', '/readyz');
    await call('post', '/profiles', '/profiles', { id: 'engagement', name: 'Engagement', rules: [] });
    await call('put', '/profiles/:profileId/draft/rules', '/profiles/engagement/draft/rules', {
      rules: [{ id: 'opened', interactionType: 'email_opened', points: 2 }],
    });
    await call('post', '/profiles/:profileId/publish', '/profiles/engagement/publish');
    await call('get', '/profiles', '/profiles');
    await call('get', '/profiles/:profileId', '/profiles/engagement');
    await call('post', '/contacts', '/contacts', {
      id: 'c1',
      name: 'Ada',
      email: 'ada@example.com',
      tags: ['vip'],
    });
    await call('post', '/contacts', '/contacts', { id: 'c1', phone: '+15551234567' });
    await call('post', '/contacts/:contactId/interactions', '/contacts/c1/interactions', [
      anInteraction(),
      anInteraction(),
    ]);
    await call('get', '/contacts/:contactId', '/contacts/c1');
    await call('get', '/contacts/:contactId/score', '/contacts/c1/score');
    await call('get', '/contacts/:contactId/ledger', '/contacts/c1/ledger');
    await call('get', '/contacts', '/contacts?tag=vip&limit=1');
    const created = await call('post', '/lists', '/lists', { name: 'VIPs', filter: { tag: ['vip'] } });
    await call('get', '/lists', '/lists');
    await call('get', '/lists/:listId', `/lists/${created.body.id}`);
    await call('patch', '/lists/:listId', `/lists/${created.body.id}`, { name: 'Very important' });
    await call('get', '/lists/:listId/contacts', `/lists/${created.body.id}/contacts`);
    await call('delete', '/lists/:listId', `/lists/${created.body.id}`);

    // Errors are problem+json as documented.
    await call('get', '/contacts', '/contacts?limit=0');
    await call('get', '/contacts', '/contacts', undefined, null);
    await call('post', '/lists', '/lists', { name: 'x' }, account.keys.read);
    await call('get', '/lists/:listId', `/lists/${created.body.id}`);
    await call('post', '/profiles', '/profiles', { id: 'engagement', name: 'again' });
  });
});

describe('GET /docs', () => {
  it('when opened without an API key, then a Swagger UI page loads its assets from this server and points at /openapi.json', async () => {
    const page = await fetch(`${h.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(
      expect.arrayContaining(['/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js']),
    );
    expect(assets.every((a) => a.startsWith('/'))).toBe(true);
    for (const asset of assets) {
      const res = await fetch(h.baseUrl + asset);
      expect([asset, res.status]).toEqual([asset, 200]);
      await res.arrayBuffer();
    }
    expect(await (await fetch(`${h.baseUrl}/docs/init.js`)).text()).toContain("url: '/openapi.json'");
  });
});
