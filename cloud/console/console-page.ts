import type { Caller } from '../access/caller.js';
import { roleMay } from '../access/permissions.js';
import type { Permission } from '../access/permissions.js';
import { message, messagesOf, type Language } from './console-language.js';
import { CONSOLE_STYLE, pageScript } from './console-paths.js';
import type { ConsoleEstate } from './estate-directory.js';
import type { MessageKey } from './messages/zh.js';

export type PageName = 'sign-in' | 'work' | 'ticket' | 'kpis' | 'fleet' | 'settings' | 'open-tickets' | 'roster' | 'households' | 'household';

/** What the page's script starts from, so it asks the API only for the data of the page itself. */
export interface PageData {
  page: PageName;
  language: Language;
  ticket_id?: string;
  /** The household page's estate and unit. */
  household?: { estate_id: string; unit_id: string };
  me: { login: string | null; estates: Array<ConsoleEstate & { roles: string[] }> } | null;
  messages: Readonly<Record<MessageKey, string>>;
}

interface NavLink {
  href: string;
  label: MessageKey;
  /** Shown to a caller holding one of them in some estate; undefined: to everyone signed in. */
  needs?: readonly Permission[];
}

const NAV: readonly NavLink[] = [
  { href: '/work', label: 'nav.work' },
  { href: '/open-tickets', label: 'nav.open_tickets', needs: ['ticket.supervise'] },
  { href: '/roster', label: 'nav.roster', needs: ['dispatch.read'] },
  { href: '/households', label: 'nav.households', needs: ['household.enrol'] },
  { href: '/kpis', label: 'nav.kpis', needs: ['kpi.read'] },
  { href: '/fleet', label: 'nav.fleet', needs: ['gateway.read'] },
  { href: '/settings', label: 'nav.settings', needs: ['staff.manage', 'dispatch.policy'] },
];

const TITLES: Readonly<Record<PageName, MessageKey>> = {
  'sign-in': 'sign_in.title',
  work: 'work.title',
  ticket: 'ticket.title',
  kpis: 'kpis.title',
  fleet: 'fleet.title',
  settings: 'settings.title',
  'open-tickets': 'open_tickets.title',
  roster: 'roster.title',
  households: 'households.title',
  household: 'household.title',
};

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/**
 * JSON inside <script type="application/json">: a data block the browser never runs (so the content
 * security policy's script-src does not apply to it). "<" is escaped so no text in it can close the
 * element (HTML Living Standard, section 4.12.1.3 "Restrictions for contents of script elements").
 */
const dataBlock = (data: PageData): string => JSON.stringify(data).replace(/</g, '\\u003c');

export function holdsAnywhere(caller: Caller, permission: Permission): boolean {
  return caller.grants.some((grant) => roleMay(grant.role, permission));
}

/** The HTML shell of one page: header, navigation, the page's own frame, and the data its script starts from. */
export function renderPage(data: PageData, caller: Caller | null, path: string): string {
  const t = (key: MessageKey) => escapeHtml(message(data.language, key));
  const other: Language = data.language === 'zh' ? 'en' : 'zh';
  const links = caller
    ? NAV.filter((link) => link.needs === undefined || link.needs.some((permission) => holdsAnywhere(caller, permission)))
        .map((link) => `<a href="${link.href}"${path === link.href ? ' aria-current="page"' : ''}>${t(link.label)}</a>`)
        .join('')
    : '';
  const signOut = caller ? `<button type="button" id="sign-out" class="link">${t('nav.sign_out')}</button>` : '';
  const who = data.me?.login ? `<span class="who">${escapeHtml(data.me.login)}</span>` : '';
  return `<!doctype html>
<html lang="${data.language === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t(TITLES[data.page])} · ${t('app.title')}</title>
<link rel="stylesheet" href="${CONSOLE_STYLE}">
<script type="module" src="${pageScript(data.page)}"></script>
</head>
<body data-page="${data.page}">
<header class="bar"><nav>${links}</nav><span class="tools">${who}<a href="/language/${other}?back=${encodeURIComponent(path)}" lang="${other === 'zh' ? 'zh-CN' : 'en'}">${t('nav.language')}</a>${signOut}</span></header>
<main><h1>${t(TITLES[data.page])}</h1>${data.page === 'sign-in' ? signInForm(t) : '<div id="content" aria-live="polite"></div>'}</main>
<script type="application/json" id="page-data">${dataBlock(data)}</script>
</body>
</html>
`;
}

function signInForm(t: (key: MessageKey) => string): string {
  return `<form id="sign-in-form" class="card">
<label>${t('sign_in.login')}<input name="login" autocomplete="username" required></label>
<label>${t('sign_in.password')}<input name="password" type="password" autocomplete="current-password" required></label>
<p class="error" id="sign-in-error" role="alert" hidden></p>
<button type="submit" class="primary">${t('sign_in.submit')}</button>
</form>`;
}
