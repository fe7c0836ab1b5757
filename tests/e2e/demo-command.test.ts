import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('shows its progress, opens a ticket for the staged lift incident and a care visit for the fallen resident, serves them on the API, and stops on SIGINT', async () => {
    // Left by an earlier run: a fresh start removes it.
    mkdirSync(join(dataDir, 'gateway'), { recursive: true });
    writeFileSync(join(dataDir, 'gateway', 'left-by-an-earlier-run'), '');
    run = runCli([
      'demo', '--data-dir', dataDir, '--api-port', '0', '--cloud-mqtt-port', '0', '--gateway-mqtt-port', '0',
      '--incident-after', '1', '--care-incident-after', '2', '--care-quiet-limit', '15',
    ]);
    await run.waitForLine(/started fresh \(--keep-data keeps it across runs\)/);
    await run.waitForLine(/starting the cloud/);
    expect(existsSync(join(dataDir, 'gateway', 'left-by-an-earlier-run'))).toBe(false);
    const [, apiUrl] = await run.waitForLine(/API\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/tickets/);
    const [, ticketId] = await run.waitForLine(/ticket opened\s+P1 lift_entrapment\s+asset lift-b1-a .* id ([0-9a-f-]{36})/);
    await run.waitForLine(/incident staged: the resident of flat 1-1203 \(hh-b1-1203\) comes in and falls at home/);
    // The care visit follows the fall, with its reason in words.
    const [, careReason, careTicketId] = await run.waitForLine(/ticket opened\s+P2 care_visit\s+unit hh-b1-1203\s+"([^"]*no activity[^"]*)"\s+id ([0-9a-f-]{36})/, 90_000);
    expect(careReason).toMatch(/Last seen: door/);

    // Signs in as the printed demo supervisor, with the printed password.
    const [, login, password] = run.stdout().match(/sign in .* as .*\b(demo\.supervisor)\b.* password (\S+)/) ?? [];
    expect(login, run.stdout()).toBeDefined();
    const signIn = await fetch(`${apiUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
    expect(signIn.status, await signIn.clone().text()).toBe(201);
    const { token } = (await signIn.json()) as { token: string };
    expect((await fetch(`${apiUrl}/api/v1/tickets?status=open`)).status).toBe(401);

    // Dispatched at once to the people on duty, and their message shown as the log channel renders it.
    expect(run.stdout()).toMatch(/notification \(log channel\)\n\s+【电梯困人】新工单 · P1/);
    const response = await fetch(`${apiUrl}/api/v1/tickets?status=assigned,acknowledged`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const { tickets } = (await response.json()) as { tickets: Array<{ id: string; type: string; estate_id: string }> };
    expect(tickets).toContainEqual(expect.objectContaining({ id: ticketId, type: 'lift_entrapment', estate_id: 'demo-estate' }));

    // The demo housekeeper sees the care visit of the flat (and it names its unit, never a name).
    const housekeeperSignIn = await fetch(`${apiUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'demo.housekeeper', password }) });
    expect(housekeeperSignIn.status).toBe(201);
    const housekeeperToken = ((await housekeeperSignIn.json()) as { token: string }).token;
    const careTickets = await fetch(`${apiUrl}/api/v1/tickets?mine=true`, { headers: { authorization: `Bearer ${housekeeperToken}` } });
    const visible = ((await careTickets.json()) as { tickets: Array<{ id: string; type: string }> }).tickets;
    expect(visible).toContainEqual(expect.objectContaining({ id: careTicketId, type: 'care_visit' }));
    expect(visible.map((ticket) => ticket.type)).not.toContain('lift_entrapment');
    // The demo facilities worker has the lift entrapment in their own work.
    const facilitiesSignIn = await fetch(`${apiUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'demo.facilities', password }) });
    expect(facilitiesSignIn.status).toBe(201);
    const facilitiesToken = ((await facilitiesSignIn.json()) as { token: string }).token;
    const facilitiesWork = await fetch(`${apiUrl}/api/v1/tickets?mine=true`, { headers: { authorization: `Bearer ${facilitiesToken}` } });
    expect(((await facilitiesWork.json()) as { tickets: Array<{ id: string }> }).tickets).toContainEqual(expect.objectContaining({ id: ticketId }));

    const health = await fetch(`${apiUrl}/healthz`);
    expect(health.status).toBe(200);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/stopped/);
    expect(run.stderr()).not.toMatch(/"level":(50|60)/); // no error or fatal log lines
  }, 240_000); // a fresh PGlite, three memory-hard password hashes for the demo accounts, and 15 s of a resident's quiet, on a loaded machine

  it('refuses to start fresh in a directory it did not write, naming what is there', async () => {
    const foreign = mkdtempSync(join(tmpdir(), 'estatecare-not-demo-'));
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const refused = runCli(['demo', '--data-dir', foreign, '--api-port', '0', '--cloud-mqtt-port', '0', '--gateway-mqtt-port', '0']);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toMatch(/holds notes\.txt, which the demo did not write/);
    expect(existsSync(join(foreign, 'notes.txt'))).toBe(true);
    rmSync(foreign, { recursive: true, force: true });
  });
});
