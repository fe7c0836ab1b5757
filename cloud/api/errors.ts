import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorBodySchema } from './error-body.js';
import { TicketNotFoundError, TicketOutcomeError, TicketTransitionError } from '../tickets/ticket-errors.js';

export type ErrorBody = z.infer<typeof ErrorBodySchema>;

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

/**
 * One error handler for the whole API: a 4xx names the field or the rule at fault; a 5xx says only
 * that something failed and logs the cause, so no stack trace or SQL ever reaches a client.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = (e: ApiError) => reply.code(e.statusCode).send({ error: e.code, message: e.message, ...e.extra } satisfies ErrorBody);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const fields = error.validation.map((issue) => ({
        path: [where, ...String(issue.instancePath).split('/').filter(Boolean)].join('.'),
        message: issue.message ?? 'invalid',
      }));
      return answer(new ApiError(400, 'invalid_request', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields }));
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
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // fastify's own 4xx (malformed JSON body, unsupported media type, body too large)
      return answer(new ApiError(error.statusCode, error.code ?? 'bad_request', error.message));
    } else {
      request.log.error({ err: error }, 'request failed');
    }
    return answer(new ApiError(500, 'internal_error', 'the request could not be completed; it has been logged'));
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = { error: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` };
    return reply.code(404).send(body);
  });
}
