import { z } from 'zod';
import { STORABLE_TEXT_PATTERN } from '../middleware/storable-text';
import { problemSchema } from './response-schemas';
import type { Named, ResponseDoc, RouteDoc } from '../route';

/**
 * The OpenAPI 3.1 document, generated with zod's own z.toJSONSchema from the schemas the routes
 * validate with. OpenAPI 3.1 schema objects are JSON Schema 2020-12, which is what
 * z.toJSONSchema emits, so no adapter library sits between the two.
 *
 * Request schemas are rendered as their input (what a client sends: defaults are optional),
 * response schemas as their output (what the server sends: defaults are filled in).
 */

/** The API contract's version: bump it when routes or schemas change incompatibly. */
export const API_VERSION = '0.1.0';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

const PROBLEM: Named = { name: 'Problem', schema: problemSchema };
const PROBLEM_JSON = 'application/problem+json';

export function buildOpenApiDocument(routes: readonly RouteDoc[]): JsonSchema {
  const components = new Components();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[route.method] = operation(route, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pulse API',
      version: API_VERSION,
      description:
        'Engagement scoring: contacts, interactions, score profiles and smart lists. Every route except the operations ones takes an API key, which decides the account. Errors are application/problem+json (RFC 9457). No string anywhere in a request (values, keys, query and path) may contain NUL (U+0000) or an unpaired UTF-16 surrogate: such a request is a 400 naming the field.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    tags: [
      { name: 'contacts', description: 'Contacts, their interactions and scores' },
      { name: 'lists', description: 'Smart lists: saved contact filters' },
      { name: 'profiles', description: 'Score profiles: rules, drafts and published versions' },
      { name: 'operations', description: 'Health and documentation; no API key' },
      {
        name: 'admin',
        description:
          'Accounts and API keys, for operators: the operator token, not an API key (off unless PULSE_OPERATOR_TOKEN is set)',
      },
      {
        name: 'settings',
        description: "An account's outbound integrations: webhook URL and secret, SMS provider",
      },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        operatorToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'Authorization: Bearer <PULSE_OPERATOR_TOKEN>; only the /admin routes take it',
        },
      },
      schemas: components.schemas,
    },
  };
}

function operation(route: RouteDoc, components: Components): JsonSchema {
  const parameters = [
    ...(route.params ? parametersOf(route.params, 'path') : []),
    ...(route.query ? parametersOf(route.query, 'query') : []),
  ];
  const responses: Record<string, ResponseDoc> = { ...route.responses };
  const validates = Boolean(route.params || route.query || route.body);
  if (validates) responses[400] ??= { description: 'invalid request: `errors` names each bad field' };
  if (route.scope) {
    responses[401] ??= { description: 'no API key, or an unknown or revoked one' };
    responses[403] ??= { description: `the API key lacks the "${route.scope}" scope` };
  }
  if (route.auth === 'operator') {
    responses[401] ??= { description: 'no operator token, or a wrong one' };
    responses[404] ??= {
      description: 'no such resource, or the admin routes are off (no PULSE_OPERATOR_TOKEN)',
    };
  }
  if (route.params) responses[404] ??= { description: 'no such resource in this account' };
  if (route.scope) responses[503] ??= { description: 'Postgres or Temporal is unavailable; retry later' };

  const scopeNote =
    route.scope &&
    `Requires the \`${route.scope}\` scope${route.scope === 'admin' ? '' : ' (or a higher one)'}.`;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...((route.description || scopeNote) && {
      description: [route.description, scopeNote].filter(Boolean).join('\n\n'),
    }),
    tags: [route.tag],
    ...(route.auth === 'operator' ? { security: [{ operatorToken: [] }] } : !route.scope && { security: [] }),
    ...(parameters.length > 0 && { parameters }),
    ...(route.body && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: components.ref(route.body, 'input') } },
      },
    }),
    ...(route.rawBody && {
      requestBody: {
        required: true,
        description: route.rawBody.description,
        content: { [route.rawBody.contentType]: { schema: {} } },
      },
    }),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, doc]) => [
        status,
        responseObject(Number(status), doc, components),
      ]),
    ),
  };
}

function responseObject(status: number, doc: ResponseDoc, components: Components): JsonSchema {
  const body = doc.body ?? (status >= 400 ? PROBLEM : undefined);
  const contentType = doc.contentType ?? (status >= 400 ? PROBLEM_JSON : 'application/json');
  if (!body) {
    return { description: doc.description, ...(doc.contentType && { content: { [doc.contentType]: {} } }) };
  }
  return {
    description: doc.description,
    content: { [contentType]: { schema: components.ref(body, 'output') } },
  };
}

/**
 * One OpenAPI parameter per field of a params or query object. A query parameter is described by
 * the value it stands for once parsed (OpenAPI's view: `limit` is an integer, `tag` an array), so
 * a field that parses text into a number, boolean or array is shown as its output; the others
 * (a cursor decoding into an object, plain strings) as the text they accept.
 */
function parametersOf(schema: z.ZodObject, location: 'path' | 'query'): JsonSchema[] {
  const input = toJson(schema, 'input');
  const output = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set((input.required as string[] | undefined) ?? []);
  return Object.keys(schema.shape).map((name) => {
    const asInput = (input.properties as Record<string, JsonSchema>)[name]!;
    const asOutput = (output.properties as Record<string, JsonSchema>)[name];
    const parsedType = asOutput?.type;
    const useOutput =
      asInput.type === 'string' || asInput.anyOf
        ? ['integer', 'number', 'boolean', 'array'].includes(String(parsedType))
        : false;
    const { description, ...paramSchema } = useOutput ? asOutput! : asInput;
    markNulFree(paramSchema);
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' && { description }),
      schema: paramSchema,
      ...(paramSchema.type === 'array' && { style: 'form', explode: true }),
    };
  });
}

/** components.schemas, filled as routes refer to them; one name stands for one schema in one direction. */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly sources = new Map<string, { schema: z.ZodType; io: Io }>();

  ref(named: Named, io: Io): JsonSchema {
    const seen = this.sources.get(named.name);
    if (!seen) {
      this.sources.set(named.name, { schema: named.schema, io });
      this.schemas[named.name] = toJson(named.schema, io);
    } else if (seen.schema !== named.schema || seen.io !== io) {
      throw new Error(`OpenAPI component "${named.name}" names two different schemas`);
    }
    return { $ref: `#/components/schemas/${named.name}` };
  }
}

/**
 * z.toJSONSchema minus the $schema header, which an OpenAPI schema object does not carry. What
 * a client sends says, string by string, that it holds no NUL: the API refuses it everywhere
 * (api/middleware/storable-text.ts).
 */
function toJson(schema: z.ZodType, io: Io): JsonSchema {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
  }) as JsonSchema;
  if (io === 'input') markNulFree(json);
  return json;
}

/** Free-text strings (no pattern, format or fixed values of their own) get the NUL-free pattern, in place. */
export function markNulFree<T>(node: T): T {
  if (Array.isArray(node)) node.forEach(markNulFree);
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const schema = node as JsonSchema;
  const constrained = ['pattern', 'format', 'enum', 'const', 'allOf'].some((k) => k in schema);
  if (schema.type === 'string' && !constrained) schema.pattern = STORABLE_TEXT_PATTERN;
  Object.values(schema).forEach(markNulFree);
  return node;
}
