import type { z } from 'zod';
import { ApiError } from '@inbox-crm/shared/api';

export type FieldErrors = Record<string, string>;

export type FormResult<Output> = { ok: true; data: Output } | { ok: false; errors: FieldErrors };

/** Validates a form with the same zod schema the server uses; errors keyed by top-level field path. */
export function validateForm<Schema extends z.ZodType>(
  schema: Schema,
  values: unknown,
): FormResult<z.output<Schema>> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/**
 * The server's field errors (`body.alias.name`) in the form's terms (`alias.name`); anything not
 * about a field becomes the form-level message.
 */
export function errorsFromApi(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) {
    return { form: error instanceof Error ? error.message : String(error) };
  }
  const errors: FieldErrors = {};
  for (const issue of error.fieldIssues) {
    const field = issue.field.replace(/^(body|query|params)\.?/, '') || 'form';
    errors[field] ??= issue.message;
  }
  if (error.code === 'conflict') {
    const fields = (error.details as { fields?: string[] } | undefined)?.fields ?? [];
    for (const field of fields) errors[field] ??= 'is already used';
  }
  if (Object.keys(errors).length === 0) errors.form = error.userMessage;
  return errors;
}

/** `2.5` from an input's text, `undefined` for empty, NaN passes through for zod to refuse. */
export function numberFromInput(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return Number(trimmed.replace(',', '.'));
}
