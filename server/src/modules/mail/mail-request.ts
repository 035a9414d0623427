import busboy from 'busboy';
import type { Request } from 'express';
import type { z } from 'zod';
import { AppError, ValidationError, type FieldIssue } from '../../errors/app-error';

/** The mail endpoints' input: the JSON body, plus the raw .eml when the client uploaded it. */
export interface MailRequest<Body> {
  body: Body;
  eml?: Buffer;
}

/** Largest `payload` JSON field of a multipart upload (the text and HTML of one mail). */
const maxPayloadBytes = 8 * 1024 * 1024;

/**
 * Reads a mail endpoint's request: `application/json` (already parsed by the API's JSON parser),
 * or `multipart/form-data` with a `payload` field (the same JSON) and an `eml` file part. The
 * .eml is streamed with a cap of `maxEmlBytes`: beyond it the request ends in a 413 without the
 * rest being buffered. Validation issues name fields as `body.…`, like every other route.
 */
export async function readMailRequest<Schema extends z.ZodType>(
  req: Request,
  schema: Schema,
  maxEmlBytes: number,
): Promise<MailRequest<z.output<Schema>>> {
  if (!req.is('multipart/form-data')) {
    return { body: validate(schema, req.body ?? {}) };
  }
  const declaredLength = Number(req.headers['content-length'] ?? 0);
  if (declaredLength > maxEmlBytes + maxPayloadBytes) {
    req.resume(); // discard without buffering so the client reads our answer
    throw tooLarge(maxEmlBytes);
  }
  const { payload, eml } = await readMultipart(req, maxEmlBytes);
  if (payload === undefined)
    throw new ValidationError([
      { field: 'body.payload', message: 'is required (the JSON body as a form field)' },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    throw new ValidationError([{ field: 'body.payload', message: 'is not valid JSON' }]);
  }
  return { body: validate(schema, parsed), ...(eml ? { eml } : {}) };
}

function validate<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    field: ['body', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ValidationError(issues);
}

function tooLarge(maxEmlBytes: number): AppError {
  return new AppError(
    'payload_too_large',
    `The mail is larger than the limit of ${maxEmlBytes} bytes`,
    {
      maxBytes: maxEmlBytes,
    },
  );
}

function readMultipart(
  req: Request,
  maxEmlBytes: number,
): Promise<{ payload?: string; eml?: Buffer }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: maxEmlBytes, fields: 4, fieldSize: maxPayloadBytes },
      });
    } catch {
      reject(new ValidationError([{ field: 'body', message: 'is not a valid multipart body' }]));
      return;
    }
    let payload: string | undefined;
    let failure: AppError | undefined;
    let eml: Promise<Buffer> | undefined;
    parser.on('field', (name, value, info) => {
      if (name !== 'payload') return;
      if (info.valueTruncated)
        failure ??= new ValidationError([
          { field: 'body.payload', message: `is larger than ${maxPayloadBytes} bytes` },
        ]);
      payload = value;
    });
    parser.on('file', (name, stream) => {
      if (name !== 'eml' || eml) {
        stream.resume();
        return;
      }
      eml = new Promise((resolveFile, rejectFile) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('limit', () => {
          chunks.length = 0; // stop holding what we will not use; busboy discards the rest
          rejectFile(tooLarge(maxEmlBytes));
        });
        stream.on('error', rejectFile);
        stream.on('close', () => {
          if (!(stream as { truncated?: boolean }).truncated) resolveFile(Buffer.concat(chunks));
        });
      });
      eml.catch(() => undefined); // reported once the whole request is read
    });
    parser.on('error', () =>
      reject(new ValidationError([{ field: 'body', message: 'is not a valid multipart body' }])),
    );
    parser.on('close', () => {
      if (failure) {
        reject(failure);
        return;
      }
      if (!eml) {
        resolve({ payload });
        return;
      }
      eml.then((content) => resolve({ payload, eml: content }), reject);
    });
    req.pipe(parser);
  });
}
