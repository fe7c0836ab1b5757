import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorBodySchema } from './error-body.js';
import { TicketNotFoundError, TicketTransitionError } from '../tickets/ticket-errors.js';

/** Coded errors the API answers with; the code is stable, the message is for people. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * One error handler for the whole API: a 4xx names the field or the rule at fault; a 5xx says only
 * that something failed and logs the cause, so no stack trace or SQL ever reaches a client.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const fields = error.validation.map((issue) => ({
        path: [where, ...String(issue.instancePath).split('/').filter(Boolean)].join('.'),
        message: issue.message ?? 'invalid',
      }));
      const body: ErrorBody = {
        error: 'invalid_request',
        message: fields.map((f) => `${f.path}: ${f.message}`).join('; '),
        fields,
      };
      return reply.code(400).send(body);
    }
    if (error instanceof TicketNotFoundError) {
      return reply.code(404).send({ error: error.code, message: error.message } satisfies ErrorBody);
    }
    if (error instanceof TicketTransitionError) {
      const body: ErrorBody = { error: error.code, message: error.message, details: { status: error.currentStatus, action: error.action } };
      return reply.code(409).send(body);
    }
    if (error instanceof ApiError) {
      const body: ErrorBody = { error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
      return reply.code(error.statusCode).send(body);
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // fastify's own 4xx (malformed JSON body, unsupported media type, body too large)
      const body: ErrorBody = { error: error.code ?? 'bad_request', message: error.message };
      return reply.code(error.statusCode).send(body);
    } else {
      request.log.error({ err: error }, 'request failed');
    }
    const body: ErrorBody = { error: 'internal_error', message: 'the request could not be completed; it has been logged' };
    return reply.code(500).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = { error: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` };
    return reply.code(404).send(body);
  });
}
