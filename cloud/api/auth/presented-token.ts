import type { IncomingHttpHeaders } from 'node:http';

/** The session cookie the console signs in with (an HttpOnly cookie: page scripts never see it). */
export const SESSION_COOKIE = 'estatecare_session';

/**
 * The secret a request presents: an `Authorization: Bearer <token>` header (API clients), else the
 * session cookie (the console). Cookie syntax per RFC 6265 section 4.2.1: `name=value` pairs
 * separated by "; "; our token is base64url, so its value needs no decoding.
 */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  return cookieValue(headers.cookie, SESSION_COOKIE);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * Set-Cookie for a new session: HttpOnly (page scripts never read it), SameSite=Strict (no
 * cross-site request carries it, RFC 6265bis section 8.8), Secure when served over HTTPS. No
 * Max-Age: the browser forgets it when closed, and the server ends the session on its own clock.
 */
export function sessionCookie(token: string, secure: boolean): string {
  return [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}

/** Set-Cookie that makes the browser forget the session cookie (RFC 6265 section 5.2.2: Max-Age=0). */
export function clearedSessionCookie(secure: boolean): string {
  return `${sessionCookie('', secure)}; Max-Age=0`;
}
