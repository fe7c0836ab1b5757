import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Caller } from '../../access/caller.js';
import { callerHolds } from '../../access/access-scope.js';
import type { SignInService } from '../../access/sign-in-service.js';
import { AppError } from '../../platform/app-error.js';
import { accessOf } from './route-access.js';
import { presentedToken } from './presented-token.js';

export type Authenticator = Pick<SignInService, 'authenticate'>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; null on a public route called without credentials. */
    caller: Caller | null;
  }
}

/**
 * Who is asking, and whether they may call this route, before anything else looks at the request:
 * - onRequest resolves the Caller from a bearer token or the session cookie (a public route called
 *   without credentials goes on with none; credentials that do not hold are 401 everywhere else);
 * - preValidation checks the route's declared access, so a caller who may not call the route learns
 *   nothing about what its body should hold.
 * Installed before the request guards and routes.
 */
export function installAuthentication(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('caller', null);

  app.addHook('onRequest', async (request) => {
    const access = accessOf(request.routeOptions.config);
    // No route (404/405 answers) or a public one: nothing to check, and no database work for /metrics.
    if (access === undefined || access === 'public') return;
    request.caller = await authenticator.authenticate(presentedToken(request.headers));
  });

  app.addHook('preValidation', async (request) => {
    const access = accessOf(request.routeOptions.config);
    if (access === undefined || access === 'public' || access === 'signed_in') return;
    if (!callerHolds(signedInCaller(request), access.permission)) {
      throw new AppError('forbidden', 'forbidden', `none of your roles allows ${access.permission}`, { details: { permission: access.permission } });
    }
  });
}

/** The caller of a route that is not public (the hooks above guarantee one). */
export function signedInCaller(request: FastifyRequest): Caller {
  if (!request.caller) throw new AppError('unauthenticated', 'not_signed_in', 'sign in, or send an API token as "Authorization: Bearer <token>"');
  return request.caller;
}
