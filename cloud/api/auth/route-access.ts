import type { FastifyInstance } from 'fastify';
import type { Permission } from '../../access/permissions.js';

/**
 * Who may call a route, declared on every route as `config: { access }`:
 * - 'public': anyone, signed in or not (sign-in itself, health, metrics, the API's documentation);
 * - 'signed_in': any signed-in caller; the route scopes what it answers by the caller's roles;
 * - { permission }: a caller holding the permission in at least one estate; the route checks the
 *   estate of what it touches (a thing of an estate where the caller holds no role is not found).
 */
export type RouteAccess = 'public' | 'signed_in' | { permission: Permission };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** The OpenAPI document and its viewer (registered by @fastify/swagger-ui, which takes no route config). */
const DOCUMENTATION_PREFIX = '/docs';

export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

const DECLARED = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** Every route registered on the app with who may call it (for the authorization matrix test). */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return DECLARED.get(app) ?? [];
}

/**
 * Refuses to register a route that does not say who may call it, so a new route cannot be open by
 * omission: building the app fails naming the route. Installed before any route is registered.
 */
export function requireAccessDeclarations(app: FastifyInstance): void {
  const declared: DeclaredRoute[] = [];
  DECLARED.set(app, declared);
  app.addHook('onRoute', (route) => {
    if (route.url === DOCUMENTATION_PREFIX || route.url.startsWith(`${DOCUMENTATION_PREFIX}/`)) {
      route.config = { ...route.config, access: 'public' };
      return;
    }
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (access === undefined) {
      throw new Error(`${String(route.method)} ${route.url}: declare who may call it with config.access ('public', 'signed_in' or { permission })`);
    }
    for (const method of [route.method].flat()) declared.push({ method, url: route.url, access });
  });
}

export function accessOf(config: unknown): RouteAccess | undefined {
  return (config as { access?: RouteAccess } | undefined)?.access;
}
