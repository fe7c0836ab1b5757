/** What a log line keeps of an error. */
export interface LoggableError {
  type: string;
  code?: string;
  message: string;
  stack?: string;
  cause?: LoggableError;
}

/**
 * The API logger's serializer of `err`, in place of pino's, which copies every field of the error.
 * An error as a log line may carry it: its class, code (a SQLSTATE from the database), message,
 * stack and cause, and nothing else. Drivers add fields that hold the request's values: pg and PGlite
 * errors carry `detail` ("Failing row contains (...)"), `where` ("JSON data, line 1: ..."), and
 * PGlite's also `query` and `params`, so logging the error object whole would write a rules config's
 * care profiles into the log (PIPL Art. 28: sensitive personal information). A database's own message
 * names the rule broken, not the row.
 */
export function loggableError(error: unknown, depth = 0): LoggableError {
  if (!(error instanceof Error)) return { type: typeof error, message: 'a thrown value that is not an Error' };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: error.message,
    ...(error.stack ? { stack: error.stack } : {}),
    ...(error.cause !== undefined && depth < 3 ? { cause: loggableError(error.cause, depth + 1) } : {}),
  };
}
