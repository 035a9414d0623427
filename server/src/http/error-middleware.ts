import type { ErrorRequestHandler, RequestHandler } from 'express';
import mongoose from 'mongoose';
import { ZodError } from 'zod';
import type { ErrorResponse } from '@inbox-crm/shared/schemas';
import { AppError, ValidationError, type FieldIssue } from '../errors/app-error';

/** Turns anything thrown below into an AppError; unknown errors become a bare 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    return new ValidationError(
      error.issues.map((issue) => ({
        field: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  if (error instanceof mongoose.Error.ValidationError) {
    const issues: FieldIssue[] = Object.values(error.errors).map((fieldError) => ({
      field: fieldError.path,
      message: fieldError.message,
    }));
    return new ValidationError(issues);
  }
  if (error instanceof mongoose.Error.CastError) {
    return new ValidationError([{ field: error.path, message: `is not a valid ${error.kind}` }]);
  }
  if (error instanceof mongoose.mongo.MongoServerError && error.code === 11000) {
    const fields = Object.keys((error.keyValue as Record<string, unknown> | undefined) ?? {});
    return new AppError(
      'conflict',
      `A record with the same ${fields.join(', ') || 'key'} already exists`,
      {
        fields,
      },
    );
  }
  const httpError = error as { type?: string; status?: number; expose?: boolean } | null;
  if (httpError?.type === 'entity.parse.failed') {
    return new ValidationError([{ field: 'body', message: 'is not valid JSON' }]);
  }
  if (httpError?.type === 'entity.too.large') {
    return new AppError('payload_too_large', 'The request body is too large');
  }
  if (httpError?.type === 'charset.unsupported' || httpError?.type === 'encoding.unsupported') {
    return new AppError('unsupported_media_type', 'Unsupported request encoding');
  }
  return new AppError('internal', 'Something went wrong on the server; it has been logged');
}

/** The one error middleware: one JSON shape, never a stack trace, 5xx logged with the request id. */
export const errorMiddleware: ErrorRequestHandler = (error, req, res, _next) => {
  const appError = toAppError(error);
  if (appError.status >= 500) {
    req.log?.error({ err: error }, 'request failed');
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: ErrorResponse = {
    error: { code: appError.code, message: appError.message, details: appError.details },
  };
  res.status(appError.status).json(body);
};

export const notFoundMiddleware: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
};
