import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from '../support/cli.js';

/**
 * The path `npm start` takes: the estatecare demo command on embedded defaults (aedes, PGlite, SQL
 * telemetry), run as its own process, until a ticket opens; then Ctrl-C stops it cleanly.
 */
describe('estatecare demo on embedded defaults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'estatecare-demo-'));
  let run: CliRun | undefined;

  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens a ticket for the staged lift incident, serves it on the API, and stops on SIGINT', async () => {
    run = runCli(['demo', '--data-dir', dataDir, '--api-port', '0', '--cloud-mqtt-port', '0', '--gateway-mqtt-port', '0', '--incident-after', '1']);
    const [, apiUrl] = await run.waitForLine(/API\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/tickets/);
    const [, ticketId] = await run.waitForLine(/ticket opened\s+P1 lift_entrapment\s+asset lift-b1-a .* id ([0-9a-f-]{36})/);

    // Signs in as the printed demo supervisor, with the printed password.
    const [, login, password] = run.stdout().match(/sign in .* as .*\b(demo\.supervisor)\b.* password (\S+)/) ?? [];
    expect(login, run.stdout()).toBeDefined();
    const signIn = await fetch(`${apiUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
    expect(signIn.status, await signIn.clone().text()).toBe(201);
    const { token } = (await signIn.json()) as { token: string };
    expect((await fetch(`${apiUrl}/api/v1/tickets?status=open`)).status).toBe(401);

    const response = await fetch(`${apiUrl}/api/v1/tickets?status=open`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const { tickets } = (await response.json()) as { tickets: Array<{ id: string; type: string; estate_id: string }> };
    expect(tickets).toContainEqual(expect.objectContaining({ id: ticketId, type: 'lift_entrapment', estate_id: 'demo-estate' }));

    const health = await fetch(`${apiUrl}/healthz`);
    expect(health.status).toBe(200);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/stopped/);
    expect(run.stderr()).not.toMatch(/"level":(50|60)/); // no error or fatal log lines
  }, 120_000); // a fresh PGlite and three memory-hard password hashes for the demo accounts, on a loaded machine
});
