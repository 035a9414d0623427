import { z } from 'zod';
import { errorResponseSchema } from '@inbox-crm/shared/schemas';
import type { RouteSpec } from './api-router';

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
}

function objectProperties(schema: z.ZodType | undefined): Array<[string, JsonSchema, boolean]> {
  if (!schema) return [];
  const json = toJsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => [name, property, required.has(name)]);
}

/** OpenAPI 3.1 for every declared route: generated from the same zod schemas that validate. */
export function buildOpenApiDocument(
  routes: RouteSpec[],
  info: { version: string; serverUrl: string },
) {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorSchema = toJsonSchema(errorResponseSchema, 'output');
  for (const route of routes) {
    const openApiPath = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters = [
      ...objectProperties(route.params).map(([name, schema]) => ({
        name,
        in: 'path',
        required: true,
        schema,
      })),
      ...objectProperties(route.query).map(([name, schema, required]) => ({
        name,
        in: 'query',
        required,
        schema,
      })),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = response.schema
        ? {
            description: response.description,
            content: { 'application/json': { schema: toJsonSchema(response.schema, 'output') } },
          }
        : { description: response.description };
    }
    const errorResponse = {
      description: 'Error',
      content: { 'application/json': { schema: errorSchema } },
    };
    if (route.auth !== 'none')
      responses['401'] ??= { ...errorResponse, description: 'Not signed in' };
    if (route.params || route.query || route.body) {
      responses['400'] ??= { ...errorResponse, description: 'Invalid input, each field named' };
    }
    let requestBody: unknown;
    if (route.bodyKind === 'multipart') {
      requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: route.body ? toJsonSchema(route.body, 'input') : { type: 'object' },
          },
        },
      };
    } else if (route.body) {
      requestBody = {
        required: true,
        content: { 'application/json': { schema: toJsonSchema(route.body, 'input') } },
      };
    }
    paths[openApiPath] ??= {};
    paths[openApiPath][route.method] = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      operationId: `${route.method}${openApiPath.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
      ...(route.auth === 'none' ? { security: [] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'inbox-crm API',
      version: info.version,
      description:
        'The CRM behind the Outlook add-in, the Thunderbird extension and the admin console. ' +
        'Authenticate with `Authorization: Bearer <personal API token or Entra ID access token>`, ' +
        'or with the console session cookie.',
    },
    servers: [{ url: `${info.serverUrl}/api/v1` }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'inbox-crm.sid' },
      },
    },
    paths,
  };
}
