import type { FastifyInstance } from 'fastify';
import { isConsolePath } from '../console/console-paths.js';

const API_PREFIX = '/api/';
/** The OpenAPI viewer is an HTML page with its own scripts and styles: it keeps no content policy of ours. */
const DOCUMENTATION_PREFIX = '/docs';

/**
 * A JSON API's answers are never a page to render, frame or cache (OWASP REST Security Cheat Sheet,
 * "Security Headers"): nothing loads from them, no site frames them, no Referer leaves with a
 * link out of them, and no shared cache or browser keeps a copy of an /api/ answer (a session
 * token, a generated password, a resident's record). Set on every answer, errors and 404s
 * included. Installed before the routes.
 */
const EVERY_ANSWER: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
const CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/**
 * The console's pages load their one script and one style from this origin, and the script talks
 * to this origin's API and live stream; nothing inline runs and nothing loads from anywhere else
 * (CSP Level 3: 'self' matches the page's own origin only).
 */
const CONSOLE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0] ?? '/';
    for (const [name, value] of Object.entries(EVERY_ANSWER)) reply.header(name, value);
    if (path.startsWith(API_PREFIX)) reply.header('cache-control', 'no-store');
    if (isConsolePath(path)) reply.header('content-security-policy', CONSOLE_CONTENT_SECURITY_POLICY);
    else if (path !== DOCUMENTATION_PREFIX && !path.startsWith(`${DOCUMENTATION_PREFIX}/`)) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    return payload;
  });
}
