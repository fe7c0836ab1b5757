import type { FastifyError, FastifyInstance, FastifySchemaValidationError, HTTPMethods } from 'fastify';
import type { z } from 'zod';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorBodySchema } from './error-body.js';
import { TicketNotFoundError, TicketOutcomeError, TicketTransitionError } from '../tickets/ticket-errors.js';
import { isAppError, type AppError } from '../platform/app-error.js';
import { httpStatusOf } from '../platform/app-error-status.js';

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type FieldError = NonNullable<ErrorBody['fields']>[number];

/** Coded errors the API answers with; the code is stable, the message is for people. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Pick<ErrorBody, 'details' | 'fields'> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A 400 naming each field at fault, the same shape as a schema validation failure. */
export function invalidRequest(fields: FieldError[]): ApiError {
  return new ApiError(400, 'invalid_request', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields });
}

/**
 * One error handler for the whole API: a 4xx names the field or the rule at fault; a 5xx says only
 * that something failed and logs the cause, so no stack trace or SQL ever reaches a client. No answer
 * echoes a value of the request, and no log line carries one (the API's logger writes errors
 * through loggable-error.ts).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = (e: ApiError) => reply.code(e.statusCode).send({ error: e.code, message: e.message, ...e.extra } satisfies ErrorBody);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      return answer(invalidRequest(error.validation.flatMap((issue) => fieldErrorsOf(where, issue))));
    }
    if (error instanceof TicketNotFoundError) return answer(new ApiError(404, error.code, error.message));
    if (error instanceof TicketTransitionError) {
      return answer(new ApiError(409, error.code, error.message, { details: { status: error.currentStatus, action: error.action } }));
    }
    if (error instanceof TicketOutcomeError) {
      return answer(
        new ApiError(400, error.code, error.message, {
          fields: [{ path: 'body.outcome_code', message: `not an outcome of a ${error.category} ticket` }],
          details: { type: error.category, outcome_codes: [...error.allowed] },
        }),
      );
    }
    if (error instanceof ApiError) return answer(error);
    if (isAppError(error)) {
      const retryAfter = error.details?.['retry_after_s'];
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return answer(apiErrorOf(error));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // fastify's own 4xx (malformed JSON body, unsupported media type, body too large); their
      // messages state the rule broken, not the body's content.
      return answer(new ApiError(error.statusCode, error.code ?? 'bad_request', error.message));
    } else {
      request.log.error({ err: error }, 'request failed');
    }
    return answer(new ApiError(500, 'internal_error', 'the request could not be completed; it has been logged'));
  });

  // A known path asked with a method it does not take is a 405 with the methods it does take
  // (RFC 9110 section 15.5.6), not a 404.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = methodsOf(app, path);
    if (allowed.length > 0) {
      const body: ErrorBody = { error: 'method_not_allowed', message: `${path} takes ${allowed.join(', ')}, not ${request.method}`, details: { allow: allowed } };
      return reply.code(405).header('allow', allowed.join(', ')).send(body);
    }
    const body: ErrorBody = { error: 'not_found', message: `no route for ${request.method} ${path}` };
    return reply.code(404).send(body);
  });
}

/**
 * A service's coded error as the API answers it: the status of its kind (app-error-status.ts), its
 * code, and the fields at fault named where the request carried them (the body, unless a route
 * passed a path that already names its part).
 */
function apiErrorOf(error: AppError): ApiError {
  const fields = error.fields.map((field) => ({ path: /^(body|params|querystring|headers)\b/.test(field.path) ? field.path : `body.${field.path}`, message: field.message }));
  return new ApiError(httpStatusOf(error.kind), error.code, error.message, {
    ...(fields.length ? { fields } : {}),
    ...(error.details ? { details: { ...error.details } } : {}),
  });
}

/** One field per issue; an unknown key names itself (zod reports it on the object that holds it). */
function fieldErrorsOf(where: string, issue: FastifySchemaValidationError): FieldError[] {
  const path = [where, ...String(issue.instancePath).split('/').filter(Boolean)].join('.');
  const unknownKeys = issue.keyword === 'unrecognized_keys' ? issue.params.keys : undefined;
  if (Array.isArray(unknownKeys)) {
    return unknownKeys.map((key) => ({ path: `${path}.${String(key)}`, message: where === 'querystring' ? 'not a parameter of this route' : 'not a field of this route' }));
  }
  return [{ path, message: issue.message ?? 'invalid' }];
}

/** The methods some route answers on this concrete path. */
function methodsOf(app: FastifyInstance, path: string): HTTPMethods[] {
  return (app.supportedMethods as HTTPMethods[]).filter((method) => app.findRoute({ method, url: path }) !== null);
}
