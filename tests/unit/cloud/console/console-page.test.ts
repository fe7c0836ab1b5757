import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../../cloud/console/console-page.js';
import { messagesOf } from '../../../../cloud/console/console-language.js';
import { isConsolePath } from '../../../../cloud/console/console-paths.js';
import type { Caller } from '../../../../cloud/access/caller.js';

const housekeeper: Caller = {
  identity: { kind: 'staff', staffId: 's1', login: 'hk</script><b>', sessionId: 'x' },
  grants: [{ estateId: 'e1', role: 'housekeeper', buildingIds: null }],
  allEstates: false,
};

describe('the console page shell', () => {
  const html = renderPage(
    { page: 'work', language: 'zh', me: { login: 'hk</script><b>', estates: [{ id: 'e1', name: '</script>花园', time_zone: 'Asia/Shanghai', roles: ['housekeeper'] }] }, messages: messagesOf('zh') },
    housekeeper,
    '/work',
  );

  it('loads only its own page module and style, and runs nothing inline', () => {
    expect([...html.matchAll(/<script[^>]*>/g)].map((match) => match[0])).toEqual(['<script type="module" src="/console/pages/work.js">', '<script type="application/json" id="page-data">']);
    expect(html).toContain('<link rel="stylesheet" href="/console/console.css">');
    expect(html).not.toMatch(/ on\w+=|style=/);
  });

  it('keeps text a signed-in person controls from closing the data block or becoming markup', () => {
    const block = /<script type="application\/json" id="page-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(block).me.estates[0].name).toBe('</script>花园');
    expect(html).toContain('hk&lt;/script&gt;&lt;b&gt;');
    expect(html).not.toContain('<b>');
  });

  it('shows a housekeeper her work, not the supervisor, fleet or settings pages', () => {
    expect([...html.matchAll(/<nav>.*?<\/nav>/g)][0]![0]).toBe('<nav><a href="/work" aria-current="page">我的工单</a></nav>');
  });

  it('shows each role the pages its permissions reach', () => {
    const navOf = (role: 'supervisor' | 'facilities' | 'admin') => {
      const caller: Caller = { identity: { kind: 'staff', staffId: 's2', login: role, sessionId: 'y' }, grants: [{ estateId: 'e1', role, buildingIds: null }], allEstates: false };
      const page = renderPage({ page: 'work', language: 'en', me: { login: role, estates: [] }, messages: messagesOf('en') }, caller, '/work');
      return [...page.matchAll(/<a href="([^"]+)"/g)].map((match) => match[1]).filter((href) => !href!.startsWith('/language/'));
    };
    expect(navOf('supervisor')).toEqual(['/work', '/open-tickets', '/roster', '/households', '/kpis', '/fleet']);
    expect(navOf('facilities')).toEqual(['/work', '/fleet']);
    expect(navOf('admin')).toEqual(['/work', '/roster', '/fleet', '/settings']);
  });

  it('knows its own paths from the API, its documentation, health and metrics', () => {
    expect(['/', '/work', '/sign-in', '/tickets/abc', '/open-tickets', '/roster', '/households', '/households/e1/u1', '/console/pages/work.js', '/console/core.js', '/language/en'].every(isConsolePath)).toBe(true);
    expect(['/api/v1/tickets', '/docs', '/health', '/metrics', '/workers'].some(isConsolePath)).toBe(false);
  });
});
