import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError, HTTPMethods } from 'fastify';
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
    const answer = (e: ApiError) => sendError(reply, e);
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
      return answer(internalError());
    }
    return answer(frameworkRefusalOf(error, request) ?? loggedInternalError(error, request));
  });

  // A known path asked with a method it does not take is a 405 with the methods it does take
  // (RFC 9110 section 15.5.6), not a 404.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = methodsOf(app, path);
    if (allowed.length > 0) {
      const body: ErrorBody = { error: 'method_not_allowed', message: `this path takes ${allowed.join(', ')} only`, details: { allow: allowed } };
      return reply.code(405).header('allow', allowed.join(', ')).send(body);
    }
    const body: ErrorBody = { error: 'not_found', message: 'no such route: see /docs for the API' };
    return reply.code(404).send(body);
  });
}

function internalError(): ApiError {
  return new ApiError(500, 'internal_error', 'the request could not be completed; it has been logged');
}

function loggedInternalError(error: FastifyError, request: FastifyRequest): ApiError {
  request.log.error({ err: error }, 'request failed');
  return internalError();
}

/**
 * fastify's own refusals of a request before a route sees it (the codes of fastify/lib/errors.js),
 * as coded answers naming the part of the request at fault. fastify's messages are not passed on:
 * FST_ERR_BAD_URL's and FST_ERR_MAX_PARAM_LENGTH's quote the URL. Any other 4xx of fastify keeps
 * its status with the generic code of that status.
 */
function frameworkRefusalOf(error: FastifyError, request: FastifyRequest): ApiError | undefined {
  const bodyField = (message: string): Pick<ErrorBody, 'fields'> => ({ fields: [{ path: 'body', message }] });
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      // secure-json-parse refuses "__proto__" and "constructor": {"prototype"} keys (prototype pollution) as it refuses bad syntax.
      return new ApiError(400, 'invalid_json', 'the body is not valid JSON', bodyField('not valid JSON, or it holds a "__proto__" or "constructor.prototype" key, which is refused'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'invalid_json', 'the body is empty but its content-type says JSON', bodyField('empty: send a JSON document, or no content-type'));
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'invalid_content_length', 'the content-length does not match the body', { fields: [{ path: 'headers.content-length', message: 'does not match the length of the body' }] });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'body_too_large', `the body is larger than the ${request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit} bytes a request may carry`);
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_INVALID_URL':
      return new ApiError(400, 'invalid_url', 'the path is not a valid URL', { fields: [{ path: 'params', message: 'a path segment is not valid percent-encoded UTF-8 (RFC 3986 section 2.1)' }] });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError(414, 'uri_too_long', 'a path parameter is too long', { fields: [{ path: 'params', message: `a path parameter is longer than ${request.server.initialConfig.maxParamLength} characters` }] });
  }
  const status = error.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return new ApiError(status, (STATUS_CODES[status] ?? 'bad request').toLowerCase().replace(/[^a-z0-9]+/g, '_'), STATUS_CODES[status] ?? 'the request was refused');
}

/**
 * fastify's frameworkErrors option: what routing refuses (a malformed percent-encoding, a path
 * parameter over maxParamLength) is answered here, not by the error handler; without it fastify
 * writes its own body, which quotes the URL.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void sendError(reply, frameworkRefusalOf(error, request) ?? loggedInternalError(error, request));
}

function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.statusCode).send({ error: error.code, message: error.message, ...error.extra } satisfies ErrorBody);
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
