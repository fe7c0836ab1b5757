import type { FastifyInstance } from 'fastify';
import { AppError } from '../platform/app-error.js';

/** Methods that change nothing (RFC 9110 section 9.2.1): never refused here. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser's state-changing request must come from the console's own pages. The session cookie is
 * SameSite=Strict, so no other site's request carries it (RFC 6265bis section 8.8); this check is the
 * second line (OWASP CSRF Prevention Cheat Sheet, "Verifying Origin with standard headers"): a
 * browser sends Origin with every request whose method is not GET or HEAD (Fetch standard, section
 * 3.1 "Origin header"), and one naming another host, or "null", is refused. A request without Origin
 * comes from no browser page (curl, a script); a bearer-token call carries no ambient credential and
 * is never checked. The host compared is the one the browser addressed (the Host header), so it
 * holds behind a reverse proxy that keeps Host.
 */
export function installSameOriginGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method) || request.headers.authorization !== undefined) return;
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (hostOf(origin) !== request.headers.host) {
      throw new AppError('forbidden', 'cross_site_request', 'a state-changing request from a page of another site is refused', { details: { origin } });
    }
  });
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
