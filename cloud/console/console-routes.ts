import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../../shared/package-root.js';
import { LocalIdSchema } from '../../shared/contract/index.js';
import { estatesOf, type Caller } from '../access/caller.js';
import type { Authenticator } from '../api/auth/authentication.js';
import { presentedToken } from '../api/auth/presented-token.js';
import { AppError } from '../platform/app-error.js';
import { LANGUAGE_COOKIE, LANGUAGES, languageOf, messagesOf, type Language } from './console-language.js';
import { renderPage, type PageData, type PageName } from './console-page.js';
import { CONSOLE_ASSET_PREFIX, CONSOLE_PAGES, isConsolePath } from './console-paths.js';
import type { EstateDirectory } from './estate-directory.js';

/** The console's script modules and style, shipped beside this module's source. */
const ASSETS_DIR = join(PACKAGE_ROOT, 'cloud', 'console', 'assets');
const ASSET_TYPES: Readonly<Record<string, string>> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** Every file of the assets folder by its path under it ("core.js", "pages/work.js"), read once at start. */
function readAssets(): Array<{ path: string; type: string; body: Buffer }> {
  return readdirSync(ASSETS_DIR, { recursive: true, encoding: 'utf8' })
    .filter((path) => extname(path) in ASSET_TYPES)
    .map((path) => ({ path: path.split('\\').join('/'), type: ASSET_TYPES[extname(path)]!, body: readFileSync(join(ASSETS_DIR, path)) }));
}

/** A year: the choice of language outlives the session. */
const LANGUAGE_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

export interface ConsoleDesk {
  authenticator: Authenticator;
  estates: EstateDirectory;
}

/**
 * The console's pages: an HTML shell per page, rendered here in the reader's language with who they
 * are, and one script that fills it from the JSON API with the session cookie (README.md says why).
 * A page asked for without a session goes to sign-in; the data behind every page is the API's, which
 * checks every call. Pages are public routes so that an unsigned visitor is redirected, not given 401.
 */
export function consoleRoutes(desk: ConsoleDesk): FastifyPluginAsync {
  return async (app) => {

    /** The signed-in caller, or null when there is no session or it has ended. */
    const callerOf = async (request: FastifyRequest): Promise<Caller | null> => {
      try {
        return await desk.authenticator.authenticate(presentedToken(request.headers));
      } catch (error) {
        if (error instanceof AppError && error.kind === 'unauthenticated') return null;
        throw error;
      }
    };

    const page = async (request: FastifyRequest, reply: FastifyReply, name: PageName, extra: Partial<PageData> = {}) => {
      const caller = await callerOf(request);
      if (!caller && name !== 'sign-in') return reply.redirect(CONSOLE_PAGES.signIn, 303);
      if (caller && name === 'sign-in') return reply.redirect(CONSOLE_PAGES.work, 303);
      const language = languageOf(request.headers);
      const data: PageData = { page: name, language, me: caller ? await meOf(caller) : null, messages: messagesOf(language), ...extra };
      reply.header('cache-control', 'no-store');
      return reply.type('text/html; charset=utf-8').send(renderPage(data, caller, request.url));
    };

    const meOf = async (caller: Caller): Promise<PageData['me']> => {
      const estates = await desk.estates(estatesOf(caller));
      return {
        login: caller.identity.kind === 'operator' ? null : caller.identity.login,
        estates: estates.map((estate) => ({ ...estate, roles: caller.grants.filter((grant) => grant.estateId === estate.id).map((grant) => grant.role) })),
      };
    };

    const config = { access: 'public' as const };
    // Pages, not API: left out of the OpenAPI document (and so of the API's fuzzing and contract).
    const hide = true;
    app.get(CONSOLE_PAGES.home, { config, schema: { hide } }, async (request, reply) => reply.redirect((await callerOf(request)) ? CONSOLE_PAGES.work : CONSOLE_PAGES.signIn, 303));
    app.get(CONSOLE_PAGES.signIn, { config, schema: { hide } }, (request, reply) => page(request, reply, 'sign-in'));
    app.get(CONSOLE_PAGES.work, { config, schema: { hide } }, (request, reply) => page(request, reply, 'work'));
    app.get(CONSOLE_PAGES.kpis, { config, schema: { hide } }, (request, reply) => page(request, reply, 'kpis'));
    app.get(CONSOLE_PAGES.fleet, { config, schema: { hide } }, (request, reply) => page(request, reply, 'fleet'));
    app.get(CONSOLE_PAGES.settings, { config, schema: { hide } }, (request, reply) => page(request, reply, 'settings'));
    app.get(CONSOLE_PAGES.openTickets, { config, schema: { hide } }, (request, reply) => page(request, reply, 'open-tickets'));
    app.get(CONSOLE_PAGES.roster, { config, schema: { hide } }, (request, reply) => page(request, reply, 'roster'));
    app.get(CONSOLE_PAGES.households, { config, schema: { hide } }, (request, reply) => page(request, reply, 'households'));
    app.get(CONSOLE_PAGES.household, { config, schema: { hide, params: z.object({ estate_id: LocalIdSchema, unit_id: LocalIdSchema }) } }, (request, reply) =>
      page(request, reply, 'household', { household: request.params as { estate_id: string; unit_id: string } }),
    );
    app.get(CONSOLE_PAGES.ticket, { config, schema: { hide, params: z.object({ id: z.uuid({ message: 'ticket id must be a UUID' }) }) } }, (request, reply) =>
      page(request, reply, 'ticket', { ticket_id: (request.params as { id: string }).id }),
    );

    app.get(
      CONSOLE_PAGES.language,
      { config, schema: { hide, params: z.object({ language: z.enum(LANGUAGES) }), querystring: z.object({ back: z.string().max(500).optional() }) } },
      async (request, reply) => {
        const { language } = request.params as { language: Language };
        const back = (request.query as { back?: string }).back ?? CONSOLE_PAGES.work;
        // Only back to a page of the console: never an address of another site (an open redirect).
        const target = back.startsWith('/') && !back.startsWith('//') && isConsolePath(back.split('?')[0]!) ? back : CONSOLE_PAGES.work;
        reply.header('set-cookie', `${LANGUAGE_COOKIE}=${language}; Path=/; Max-Age=${LANGUAGE_COOKIE_MAX_AGE_S}; SameSite=Strict`);
        return reply.redirect(target, 303);
      },
    );

    // One route per file: nothing but what the folder held at start can be asked for.
    for (const asset of readAssets()) {
      app.get(`${CONSOLE_ASSET_PREFIX}${asset.path}`, { config, schema: { hide } }, async (_request, reply) => reply.header('cache-control', 'no-cache').type(asset.type).send(asset.body));
    }
  };
}
