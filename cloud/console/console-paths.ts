/**
 * The console's pages, its static files and its live stream. Everything else the app serves is the
 * JSON API (/api/), its documentation (/docs), health and metrics, which keep their own headers.
 */
export const CONSOLE_PAGES = {
  home: '/',
  signIn: '/sign-in',
  work: '/work',
  ticket: '/tickets/:id',
  kpis: '/kpis',
  fleet: '/fleet',
  settings: '/settings',
  openTickets: '/open-tickets',
  roster: '/roster',
  households: '/households',
  household: '/households/:estate_id/:unit_id',
  language: '/language/:language',
} as const;

/** Scripts, style and the live stream. */
export const CONSOLE_ASSET_PREFIX = '/console/';
export const CONSOLE_STYLE = `${CONSOLE_ASSET_PREFIX}console.css`;
/** The module a page starts from; it imports the shared modules (core.js, tickets.js, charts.js) it needs. */
export const pageScript = (page: string): string => `${CONSOLE_ASSET_PREFIX}pages/${page}.js`;
export const WORK_STREAM = `${CONSOLE_ASSET_PREFIX}work-stream`;

const EXACT_PATHS: ReadonlySet<string> = new Set(['/', '/sign-in', '/work', '/kpis', '/fleet', '/settings', '/open-tickets', '/roster', '/households']);
const PREFIXES = ['/tickets/', '/households/', '/language/', CONSOLE_ASSET_PREFIX];

/** Whether a request path (no query) is one of the console's. */
export function isConsolePath(path: string): boolean {
  return EXACT_PATHS.has(path) || PREFIXES.some((prefix) => path.startsWith(prefix));
}
