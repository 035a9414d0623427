import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors/app-error';
import { getActor, type Actor } from './actor';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

/**
 * One API route, declared once: express registration, zod validation of params/query/body, the
 * authentication requirement and the OpenAPI document all come from this object.
 */
export interface RouteSpec<
  Params extends z.ZodType = z.ZodType,
  Query extends z.ZodType = z.ZodType,
  Body extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** Express path below `/api/v1`, e.g. `/leads/:id/won`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** `none` only for sign-in and similar; everything else needs an authenticated actor. */
  auth?: 'required' | 'none';
  params?: Params;
  query?: Query;
  body?: Body;
  /** `multipart`: the handler reads the request stream itself (mail uploads). */
  bodyKind?: 'json' | 'multipart';
  responses: Record<number, ResponseSpec>;
}

export interface RouteInput<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
  /** The authenticated caller (routes with `auth: 'none'` get `undefined`). */
  actor: Actor;
  req: Request;
  res: Response;
}

/** A status other than 200, or headers: return `reply(201, body)` from a handler. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

export function reply(status: number, body?: unknown, headers?: Record<string, string>): Reply {
  return new Reply(status, body, headers);
}

type Output<Schema> = Schema extends z.ZodType ? z.output<Schema> : undefined;

export class ApiRouter {
  readonly express = Router();
  readonly routes: RouteSpec[] = [];

  add<Params extends z.ZodType, Query extends z.ZodType, Body extends z.ZodType>(
    spec: RouteSpec<Params, Query, Body>,
    handler: (
      input: RouteInput<Output<Params>, Output<Query>, Output<Body>>,
    ) => Promise<unknown> | unknown,
  ): void {
    this.routes.push(spec as unknown as RouteSpec);
    this.express[spec.method](spec.path, async (req, res) => {
      const actor = spec.auth === 'none' ? (req.actor as Actor) : getActor(req);
      const issues: FieldIssue[] = [];
      const params = parsePart(spec.params, req.params, 'params', issues);
      const query = parsePart(spec.query, req.query, 'query', issues);
      const body =
        spec.bodyKind === 'multipart' ? undefined : parsePart(spec.body, req.body, 'body', issues);
      if (issues.length > 0) throw new ValidationError(issues);
      const result = await handler({
        params: params as Output<Params>,
        query: query as Output<Query>,
        body: body as Output<Body>,
        actor,
        req,
        res,
      });
      if (res.headersSent) return;
      if (result instanceof Reply) {
        res.set(result.headers).status(result.status);
        if (result.body === undefined) res.end();
        else res.json(result.body);
        return;
      }
      if (result === undefined) res.status(204).end();
      else res.json(result);
    });
  }
}

function parsePart(
  schema: z.ZodType | undefined,
  value: unknown,
  part: 'params' | 'query' | 'body',
  issues: FieldIssue[],
): unknown {
  if (!schema) return undefined;
  // A request without a JSON body arrives as `undefined`; validate it as an empty object so the
  // client is told which fields are missing.
  const result = schema.safeParse(value ?? (part === 'body' ? {} : value));
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({ field: [part, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}
