import type { AppErrorKind } from './app-error.js';

/** The HTTP status of each error kind (RFC 9110 section 15; 429 is RFC 6585 section 4). */
const STATUS_OF_KIND: Readonly<Record<AppErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

export function httpStatusOf(kind: AppErrorKind): number {
  return STATUS_OF_KIND[kind];
}
