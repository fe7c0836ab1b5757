import type { FastifyPluginAsync } from 'fastify';
import type { ServerResponse } from 'node:http';
import { actorOf } from '../access/caller.js';
import { signedInCaller } from '../api/auth/authentication.js';
import type { TicketDesk } from '../api/routes/tickets.js';
import { toTicketView } from '../api/ticket-view.js';
import { ticketVisibilityOf } from '../tickets/ticket-scope.js';
import { MAX_LIST_LIMIT } from '../tickets/ticket-repository.js';
import { OPEN_TICKET_STATUSES } from '../tickets/ticket.js';
import type { Logger } from '../../shared/log/logger.js';
import { WORK_STREAM } from './console-paths.js';
import type { WorkFeed } from './work-feed.js';

/**
 * How often a stream looks again without being told: catches changes made by another cloud
 * instance, and doubles as the keep-alive that finds a connection gone.
 */
export const BACKSTOP_LOOK_MS = 5_000;

/**
 * A client that has not taken this much of its stream is dropped rather than buffered for: a slow
 * phone never holds memory or time of the server, and on reconnecting it gets the whole list again.
 */
export const MAX_UNSENT_BYTES = 256 * 1024;

/**
 * "My work" as a server-sent event stream (HTML Living Standard, section 9.2 "Server-sent events"),
 * authenticated by the session cookie like any API call. Every connection starts with a `snapshot`
 * of the whole list (bounded: MAX_LIST_LIMIT), so a reconnect cannot miss a ticket however long the
 * gap; then `ticket` (a ticket new to the list or changed) and `gone` (it left the list) as they
 * happen. Each event's id is the latest updated_at (epoch ms) the client has been sent; the browser
 * sends it back as Last-Event-ID on reconnecting, and the snapshot repeats it as `resumed_from`, so
 * the page can announce the tickets that changed while it was away.
 */
export function workStreamRoute(desk: Pick<TicketDesk, 'list'>, feed: WorkFeed, logger: Logger): FastifyPluginAsync {
  return async (app) => {
    const open = new Set<ServerResponse>();
    app.addHook('onClose', async () => {
      for (const response of open) response.end();
    });

    app.get(WORK_STREAM, { config: { access: 'signed_in' }, schema: { hide: true } }, async (request, reply) => {
      const caller = signedInCaller(request);
      const visibleTo = ticketVisibilityOf(caller);
      const assigneeId = actorOf(caller).id;
      const lastEventId = Number(request.headers['last-event-id']);
      const resumedFrom = Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : null;

      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      open.add(response);

      /** updated_at (epoch ms) of each ticket on the client's list as last sent. */
      const sent = new Map<string, number>();
      let cursor = resumedFrom ?? 0;
      let first = true;
      let looking: Promise<void> | null = null;
      let lookAgainAfter = false;

      const write = (event: string, data: unknown): void => {
        response.write(`id: ${cursor}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };

      const look = async (): Promise<void> => {
        const tickets = await desk.list({ visibleTo, assigneeId, statuses: OPEN_TICKET_STATUSES, limit: MAX_LIST_LIMIT });
        if (response.destroyed) return;
        if (response.writableLength > MAX_UNSENT_BYTES) {
          logger.warn({ unsentBytes: response.writableLength }, 'work stream client too slow; dropped, it gets the whole list when it reconnects');
          response.destroy();
          return;
        }
        for (const ticket of tickets) cursor = Math.max(cursor, ticket.updatedAt);
        if (first) {
          first = false;
          for (const ticket of tickets) sent.set(ticket.id, ticket.updatedAt);
          write('snapshot', { tickets: tickets.map(toTicketView), resumed_from: resumedFrom });
          return;
        }
        let wrote = false;
        const now = new Set<string>();
        for (const ticket of tickets) {
          now.add(ticket.id);
          if (sent.get(ticket.id) === ticket.updatedAt) continue;
          sent.set(ticket.id, ticket.updatedAt);
          write('ticket', toTicketView(ticket));
          wrote = true;
        }
        for (const id of sent.keys()) {
          if (now.has(id)) continue;
          sent.delete(id);
          write('gone', { id });
          wrote = true;
        }
        // A comment line (section 9.2.6): keeps the connection in use, so a dead one is found.
        if (!wrote) response.write(': still here\n\n');
      };

      /** One look at a time per stream; a signal during a look runs one more after it. */
      const lookAgain = (): void => {
        if (looking) {
          lookAgainAfter = true;
          return;
        }
        looking = look()
          .catch((error: unknown) => logger.error({ err: error }, 'work stream look failed; the next signal or backstop tries again'))
          .finally(() => {
            looking = null;
            if (lookAgainAfter && !response.destroyed) {
              lookAgainAfter = false;
              lookAgain();
            }
          });
      };

      const unwatch = feed.watch(lookAgain);
      const backstop = setInterval(lookAgain, BACKSTOP_LOOK_MS);
      backstop.unref();
      response.on('close', () => {
        unwatch();
        clearInterval(backstop);
        open.delete(response);
      });
      lookAgain();
    });
  };
}
