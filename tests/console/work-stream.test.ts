import { connect, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/net.js';
import { ConsoleRig, PHONE, SCREENSHOT_DIR, launchChromium, openPage, PASSWORD } from './console-rig.js';

interface StreamEvent {
  id: string;
  event: string;
  data: { tickets?: Array<{ id: string }>; resumed_from?: number | null; id?: string };
}

/** The work stream as a browser's EventSource reads it (HTML Living Standard, section 9.2.6), minus reconnecting. */
async function openStream(baseUrl: string, cookie: string, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/console/work-stream`, { headers: { cookie, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    /** The next event, skipping comment lines. */
    async next(): Promise<StreamEvent> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)] as const));
          if (fields.has('event')) return { id: fields.get('id')!, event: fields.get('event')!, data: JSON.parse(fields.get('data')!) };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
}

/**
 * The live stream of "my work" and the walls around the console: a dropped connection resumes with
 * nothing missed, a client that stops reading holds up no one, a housekeeper of another estate
 * reaches none of another estate's tickets, cross-site requests are refused, and the console's
 * pages get a content policy of their own while the API keeps its strict one.
 */
/** What a phone fetches for its first page (HTML, script, style, uncompressed): about 45 KB now, with headroom. */
const FIRST_LOAD_BUDGET_BYTES = 64 * 1024;

describe('the console stream and its walls', () => {
  let rig: ConsoleRig;

  beforeAll(async () => {
    rig = await ConsoleRig.start();
  }, 120_000);

  afterAll(async () => {
    await rig?.stop();
  });

  /** A housekeeper of a new care flat, signed in. */
  async function housekeeperOfNewFlat() {
    const flat = await rig.careFlat();
    const person = await rig.person('housekeeper', rig.estateId, [flat.buildingId]);
    return { flat, person, cookie: await rig.sessionCookie(person.login) };
  }

  const myWork = async (cookie: string): Promise<Array<{ id: string; status: string }>> =>
    ((await (await fetch(`${rig.url}/api/v1/tickets?mine=true`, { headers: { cookie } })).json()) as { tickets: Array<{ id: string; status: string }> }).tickets;

  it('starts with the whole list, sends each new ticket, and after a drop resumes from Last-Event-ID with nothing missed', async () => {
    const { flat, cookie } = await housekeeperOfNewFlat();
    const first = await openStream(rig.url, cookie);
    expect([first.status, first.contentType]).toEqual([200, 'text/event-stream; charset=utf-8']);
    const snapshot = await first.next();
    expect(snapshot).toMatchObject({ event: 'snapshot', data: { tickets: [], resumed_from: null } });

    await rig.raiseCareVisit(flat.unitId);
    const live = await first.next();
    expect(live.event).toBe('ticket');
    first.close();

    // While nobody listens, a second ticket opens and is assigned.
    await rig.raiseCareVisit(flat.unitId);
    const assigned = await eventually('the second ticket assigned', async () => ((await myWork(cookie)).length === 2 ? myWork(cookie) : undefined));
    const second = assigned.find((ticket) => ticket.id !== live.data.id)!;

    const resumed = await openStream(rig.url, cookie, live.id);
    const again = await resumed.next();
    resumed.close();
    expect(again.event).toBe('snapshot');
    expect(again.data.resumed_from).toBe(Number(live.id));
    expect(again.data.tickets!.map((ticket) => ticket.id).sort()).toEqual([live.data.id, second.id].sort());
    expect(Number(again.id)).toBeGreaterThan(Number(live.id));
  });

  it('a client that stops reading holds up no one: another stream still gets its ticket', async () => {
    const stalled = await housekeeperOfNewFlat();
    const reading = await housekeeperOfNewFlat();
    const url = new URL(rig.url);
    const socket: Socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`GET /console/work-stream HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${stalled.cookie}\r\n\r\n`);
    socket.pause();
    try {
      const stream = await openStream(rig.url, reading.cookie);
      await stream.next();
      await rig.raiseCareVisit(stalled.flat.unitId);
      await rig.raiseCareVisit(reading.flat.unitId);
      const event = await stream.next();
      stream.close();
      expect(event.event).toBe('ticket');
      expect((await myWork(reading.cookie)).map((ticket) => ticket.id)).toEqual([event.data.id]);
    } finally {
      socket.destroy();
    }
  });

  it("a housekeeper of another estate reaches none of it: not the ticket, its household, its stream or its page", async () => {
    const { flat, cookie } = await housekeeperOfNewFlat();
    await rig.raiseCareVisit(flat.unitId);
    const [ticket] = await eventually('the ticket assigned', async () => ((await myWork(cookie)).length === 1 ? myWork(cookie) : undefined));
    const stranger = await rig.person('housekeeper', rig.otherEstateId);
    const strangerCookie = await rig.sessionCookie(stranger.login);

    const asStranger = (path: string, method = 'GET') => fetch(`${rig.url}${path}`, { method, headers: { cookie: strangerCookie } });
    expect((await asStranger(`/api/v1/tickets/${ticket!.id}`)).status).toBe(404);
    expect((await asStranger(`/api/v1/tickets/${ticket!.id}/ack`, 'POST')).status).toBe(404);
    const household = await asStranger(`/api/v1/estates/${rig.estateId}/households/${flat.unitId}?purpose=care_visit`);
    expect(household.status).toBe(404);
    const stream = await openStream(rig.url, strangerCookie);
    const snapshot = await stream.next();
    stream.close();
    expect(snapshot.data.tickets).toEqual([]);

    const browser = await launchChromium();
    try {
      const { page, hosts, errors } = await openPage(browser, PHONE, 'zh-CN');
      await page.goto(`${rig.url}/sign-in`);
      await page.locator('input[name=login]').fill(stranger.login);
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.locator('button[type=submit]').click();
      await page.waitForURL('**/work');
      await page.goto(`${rig.url}/tickets/${ticket!.id}`);
      await page.locator('#ticket-missing').waitFor();
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'other-estate-ticket.png') });
      expect(await page.locator('[data-action]').count()).toBe(0);
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await browser.close();
    }
  });

  it('refuses a state-changing request from a page of another site, and takes one from its own', async () => {
    const { flat, cookie } = await housekeeperOfNewFlat();
    await rig.raiseCareVisit(flat.unitId);
    const [ticket] = await eventually('the ticket assigned', async () => ((await myWork(cookie)).length === 1 ? myWork(cookie) : undefined));
    const ack = (origin: string) => fetch(`${rig.url}/api/v1/tickets/${ticket!.id}/ack`, { method: 'POST', headers: { cookie, origin } });
    const refused = await ack('https://evil.example');
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([403, 'cross_site_request']);
    expect((await ack('null')).status).toBe(403);
    expect((await ack(rig.url)).status).toBe(200);
  });

  it("gives the console's pages a policy allowing only its own script and style, keeps the API's, and weighs the first load of my work", async () => {
    const { cookie } = await housekeeperOfNewFlat();
    const get = (path: string) => fetch(`${rig.url}${path}`, { headers: { cookie } });
    const [html, style, api] = await Promise.all([get('/work'), get('/console/console.css'), get('/api/v1/ticket-categories')]);
    expect(html.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect((await fetch(`${rig.url}/work`, { redirect: 'manual' })).headers.get('location')).toBe('/sign-in');
    const page = await html.text();
    const modules = await moduleGraph(get, /<script type="module" src="([^"]+)">/.exec(page)![1]!);
    const bytes = { html: Buffer.byteLength(page), script: modules.bytes, style: (await style.arrayBuffer()).byteLength, modules: modules.paths };
    expect(modules.types).toEqual(['text/javascript; charset=utf-8']);
    writeFileSync(join(SCREENSHOT_DIR, 'first-load-bytes.json'), `${JSON.stringify(bytes, null, 2)}\n`);
    // The page's module with what it imports, and the style: a budget keeps the first load light on a phone's weak signal.
    expect(bytes.html + bytes.script + bytes.style).toBeLessThan(FIRST_LOAD_BUDGET_BYTES);
  });
});

/** A page's module and every module it imports, as the browser fetches them: their bytes, paths and content types. */
async function moduleGraph(get: (path: string) => Promise<Response>, entry: string): Promise<{ bytes: number; paths: string[]; types: string[] }> {
  const seen = new Set<string>();
  const types = new Set<string>();
  let bytes = 0;
  const visit = async (path: string): Promise<void> => {
    if (seen.has(path)) return;
    seen.add(path);
    const response = await get(path);
    expect(response.status, path).toBe(200);
    types.add(response.headers.get('content-type') ?? '');
    const text = await response.text();
    bytes += Buffer.byteLength(text);
    for (const [, specifier] of text.matchAll(/^import [^;]* from '([^']+)';$/gm)) await visit(new URL(specifier!, `http://console${path}`).pathname);
  };
  await visit(entry);
  return { bytes, paths: [...seen], types: [...types] };
}
