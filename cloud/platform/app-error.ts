/**
 * The coded errors services throw. A service says what went wrong in domain terms (kind, a stable
 * code, a message for people, the fields at fault); only the HTTP layer turns a kind into a status
 * (app-error-status.ts), so no service ever throws an HTTP error.
 */
export const APP_ERROR_KINDS = [
  'not_found',
  'conflict',
  'forbidden',
  'unauthenticated',
  'unavailable',
  'invalid',
  'rate_limited',
] as const;
export type AppErrorKind = (typeof APP_ERROR_KINDS)[number];

/** One field at fault in an invalid input: its dotted path inside the input ("contacts.0.phone"). */
export interface FieldIssue {
  path: string;
  message: string;
}

export interface AppErrorExtras {
  /** For kind invalid: every field at fault. */
  fields?: readonly FieldIssue[];
  /** Safe to show to the caller (ids, versions, a retry time); never personal data. */
  details?: Readonly<Record<string, unknown>>;
  cause?: unknown;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly fields: readonly FieldIssue[];
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    readonly kind: AppErrorKind,
    /** Stable, machine-readable: "household_not_found", "stale_version". */
    readonly code: string,
    message: string,
    extras: AppErrorExtras = {},
  ) {
    super(message, extras.cause === undefined ? undefined : { cause: extras.cause });
    this.fields = extras.fields ?? [];
    this.details = extras.details;
  }
}

export function isAppError(error: unknown, kind?: AppErrorKind): error is AppError {
  return error instanceof AppError && (kind === undefined || error.kind === kind);
}

/**
 * Nothing with this id that the caller may see. The message depends only on what was asked for, so
 * an id of another estate reads exactly like one that does not exist.
 */
export function notFound(what: string, id: string): AppError {
  return new AppError('not_found', `${what.replace(/ /g, '_')}_not_found`, `no ${what} with id ${id}`, { details: { id } });
}

/** One field at fault; path is the field's dotted path in the input. */
export function invalidField(path: string, message: string): AppError {
  return new AppError('invalid', 'invalid_input', `${path}: ${message}`, { fields: [{ path, message }] });
}

export function forbidden(message: string): AppError {
  return new AppError('forbidden', 'forbidden', message);
}
