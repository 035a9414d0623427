import type { Document } from 'bson';

/** Error codes and names as a real mongod uses them (src/mongo/base/error_codes.yml). */
export const ErrorCode = {
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  WriteConflict: 112,
  CommandNotSupported: 115,
  InvalidPipelineOperator: 168,
  NoSuchTransaction: 251,
  OperationNotSupportedInTransaction: 263,
  DuplicateKey: 11000,
  UnknownField: 40415,
  UnrecognizedPipelineStage: 40324,
  ChangeStreamNotSupported: 40573,
} as const;

const codeNames: Record<number, string> = {
  2: 'BadValue',
  9: 'FailedToParse',
  14: 'TypeMismatch',
  20: 'IllegalOperation',
  26: 'NamespaceNotFound',
  27: 'IndexNotFound',
  28: 'PathNotViable',
  40: 'ConflictingUpdateOperators',
  43: 'CursorNotFound',
  48: 'NamespaceExists',
  59: 'CommandNotFound',
  66: 'ImmutableField',
  72: 'InvalidOptions',
  73: 'InvalidNamespace',
  85: 'IndexOptionsConflict',
  86: 'IndexKeySpecsConflict',
  112: 'WriteConflict',
  115: 'CommandNotSupported',
  168: 'InvalidPipelineOperator',
  251: 'NoSuchTransaction',
  263: 'OperationNotSupportedInTransaction',
  11000: 'DuplicateKey',
};

export function codeNameOf(code: number): string {
  return codeNames[code] ?? `Location${code}`;
}

/**
 * A command or statement failure with the shape a real server reports:
 * `{ ok: 0, errmsg, code, codeName, errorLabels?, ...extra }`.
 */
export class MongoCommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly extra: Document;
  readonly errorLabels: string[];

  constructor(
    code: number,
    message: string,
    options: { extra?: Document; errorLabels?: string[]; codeName?: string } = {},
  ) {
    super(message);
    this.name = 'MongoCommandError';
    this.code = code;
    this.codeName = options.codeName ?? codeNameOf(code);
    this.extra = options.extra ?? {};
    this.errorLabels = options.errorLabels ?? [];
  }

  toReply(): Document {
    const reply: Document = {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: this.codeName,
      ...this.extra,
    };
    if (this.errorLabels.length > 0) reply.errorLabels = this.errorLabels;
    return reply;
  }

  /** The element of a `writeErrors` array (no labels: a real server never puts them there). */
  toWriteError(index: number): Document {
    return { index, code: this.code, codeName: this.codeName, errmsg: this.message, ...this.extra };
  }
}

/** Something MongoDB supports but this server deliberately does not: fail loudly, name the server. */
export function unsupported(what: string, code: number = ErrorCode.BadValue): MongoCommandError {
  return new MongoCommandError(
    code,
    `${what} is not supported by the inbox-crm in-process test server`,
  );
}

export function badValue(message: string): MongoCommandError {
  return new MongoCommandError(ErrorCode.BadValue, message);
}
