import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { RulesConfigSchema } from '../../shared/contract/index.js';
import { seededRandom } from '../../edge/simulator/random.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import type { Caller } from '../../cloud/access/caller.js';
import { buildTestApi } from '../support/test-api.js';
import { TEST_POLICY } from '../contract/people/people-context.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { alertItem, BASE_TIME } from '../support/wire-fixtures.js';
import { adminToken, bearer, supervisorToken } from '../support/staff-tokens.js';
import { fuzzCases, operationsOf, type FuzzCase, type KnownValues, type OpenApiDocument } from '../support/openapi-fuzz-cases.js';

/** Who sends a case: the headers of their credentials. */
interface Sender {
  who: string;
  headers: Record<string, string>;
}

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
/**
 * Cases per operation, each sent signed out and signed in: as an administrator of the estate in
 * even rounds through the operation's kinds of case, as a supervisor in odd ones.
 */
const CASES_PER_OPERATION = 48;
/** Change it to explore; the cases of one seed are the same on every run. */
const SEED = 20261205;
const ESTATE = 'estate-fuzz';
const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** 4xx answers that concern the request as a whole, not one field of it. */
const WHOLE_REQUEST_STATUSES = new Set([401, 403, 404, 405, 409, 413, 415, 429]);
const FIELD_PATH = /^(body|params|querystring|headers)(\.|$)/;
const ERROR_CODE = /^[a-z][a-z0-9_]*$/;
/** What a stack trace or the server's files look like in an answer. */
const INTERNALS: ReadonlyArray<[string, RegExp]> = [
  ['a stack frame', /\n\s*at \S+/],
  ['a source position', /[\w-]+\.(?:ts|js|mjs|cjs):\d+/],
  ['node_modules', /node_modules/],
  ['a file URL', /file:\/\//],
  ['the repository path', new RegExp(REPOSITORY_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))],
  ['a JavaScript error', /\b(?:TypeError|ReferenceError|RangeError)\b|Cannot read propert|is not a function/],
  ['an SQL error', /SQLSTATE|syntax error at or near|violates .* constraint|relation ".*" does not exist/],
];

/** A seed of its own per operation: adding a route leaves every other route's cases as they were. */
function seedOf(operationKey: string): number {
  return createHash('sha256').update(`${SEED}:${operationKey}`).digest().readUInt32BE(0);
}

/** What is wrong with one answer, by the rules of cloud/api/errors.ts; empty when nothing is. */
function problemsOf(response: LightMyRequestResponse): string[] {
  const problems: string[] = [];
  if (response.statusCode >= 500) problems.push(`answered ${response.statusCode}`);
  for (const [what, pattern] of INTERNALS) if (pattern.test(response.body)) problems.push(`the body shows ${what}`);
  if (response.statusCode < 400) return problems;
  let body: { error?: unknown; message?: unknown; fields?: Array<{ path?: unknown; message?: unknown }> };
  try {
    body = JSON.parse(response.body) as typeof body;
  } catch {
    return [...problems, 'the error body is not JSON'];
  }
  if (typeof body.error !== 'string' || !ERROR_CODE.test(body.error)) problems.push(`error code ${JSON.stringify(body.error)} is not a snake_case code`);
  if (typeof body.message !== 'string' || body.message === '') problems.push('no message');
  if (response.statusCode >= 500 || WHOLE_REQUEST_STATUSES.has(response.statusCode)) return problems;
  const fields = body.fields ?? [];
  if (fields.length === 0) problems.push(`a ${response.statusCode} that names no field`);
  for (const field of fields) {
    if (typeof field.path !== 'string' || !FIELD_PATH.test(field.path)) problems.push(`field path ${JSON.stringify(field.path)} names no part of the request`);
    if (typeof field.message !== 'string' || field.message === '') problems.push(`field ${String(field.path)} has no message`);
  }
  return problems;
}

/**
 * Every operation of the OpenAPI document, signed out, as an administrator and as a supervisor of
 * the estate, with malformed requests generated from its parameters and body schema (see
 * tests/support/openapi-fuzz-cases.ts): no answer is a 5xx or shows the server's internals, and
 * every 4xx carries a code and names the field at fault, unless it is about the request as a whole.
 */
describe('fuzzing every route of the OpenAPI document', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  const clock = new ManualClock(BASE_TIME);
  let signedOut: Sender;
  let signedIn: [Sender, Sender];
  let known: KnownValues;

  beforeAll(async () => {
    opened = await pglite.open();
    // Sign-in hashes at the contract tests' lower scrypt cost: the fuzz sends it hundreds of passwords.
    const api = await buildTestApi(opened.db, clock, TEST_POLICY);
    app = api.app;
    // Records for the valid part of each request to reach: an estate with a gateway, a unit with an
    // enrolled household and its contact, and a ticket.
    await api.registry.upsertEstate({ id: ESTATE, name: 'Fuzz Gardens' });
    await api.registry.upsertGateway({ id: 'gw-fuzz', estateId: ESTATE, name: 'Fuzz gateway' });
    await api.configs.set('gw-fuzz', RulesConfigSchema.parse({}), 'operator');
    const operator = await loadOperatorCaller(opened.db);
    const estates = new EstateService(opened.db, clock);
    await estates.addBuilding(operator, ESTATE, { id: 'b1', name: 'Building 1' });
    await estates.addUnit(operator, ESTATE, { id: 'hh-fuzz', building_id: 'b1', label: '1-101' });
    await estates.mapDevice(operator, ESTATE, { id: 'door-hh-fuzz', gateway_id: 'gw-fuzz', profile: 'door_controller_generic', unit_id: 'hh-fuzz' });
    const supervisorCaller: Caller = { identity: { kind: 'operator' }, grants: [{ estateId: ESTATE, role: 'supervisor', buildingIds: null }], allEstates: false };
    await api.households.enrol(supervisorCaller, ESTATE, { unit_id: 'hh-fuzz', consent: { given_by: 'the resident', given_at: '2026-11-01T09:00:00.000Z', scope: 'proactive care visits', document_ref: 'CF-1' } });
    const contact = await api.households.addContact(supervisorCaller, { estateId: ESTATE, unitId: 'hh-fuzz' }, 1, { name: '李明', relationship: 'son', phone: '13812345678' });
    const { ticket } = await api.tickets.handleAlert(
      { gatewayId: 'gw-fuzz', estateId: ESTATE, receivedAt: clock.now() },
      alertItem({ category: 'care_visit', rule: 'care_visit', subject: { kind: 'unit', id: 'hh-fuzz' } }),
    );
    known = { estate_id: [ESTATE], unit_id: ['hh-fuzz'], building_id: ['b1'], id: ['gw-fuzz', ticket.id], contact_id: [contact.contactId!], part_id: [contact.contactId!] };
    signedOut = { who: 'signed out', headers: {} };
    signedIn = [
      { who: 'admin', headers: bearer(await adminToken(opened.db, ESTATE, clock)) },
      { who: 'supervisor', headers: bearer(await supervisorToken(opened.db, ESTATE, clock)) },
    ];
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  it('answers every malformed request with a coded 4xx naming the field at fault, never a 5xx or a stack trace', { timeout: 120_000 }, async () => {
    // The document as a client reads it, so what is fuzzed is what is published.
    const published = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(published.statusCode).toBe(200);
    const operations = operationsOf(published.json<OpenApiDocument>());
    expect(operations.length).toBeGreaterThan(20);
    const byStatus = new Map<number, number>();
    /** One example per kind of case and problem found, with how often it happened. */
    const failures = new Map<string, { count: number; example: string }>();
    for (const operation of operations) {
      const cases = fuzzCases(operation, seededRandom(seedOf(operation.key)), CASES_PER_OPERATION, known);
      for (const fuzzCase of cases) {
        for (const identity of [signedOut, signedIn[fuzzCase.round % 2]!]) {
          const response = await send(fuzzCase, identity.headers);
          byStatus.set(response.statusCode, (byStatus.get(response.statusCode) ?? 0) + 1);
          const problems = problemsOf(response);
          if (problems.length === 0) continue;
          const signature = `${fuzzCase.kind} -> ${response.statusCode} ${problems.join('; ')}`;
          const seen = failures.get(signature) ?? { count: 0, example: `${operation.key} as ${identity.who}: ${fuzzCase.method} ${fuzzCase.url.slice(0, 160)} ${JSON.stringify(fuzzCase.headers).slice(0, 160)} -> ${response.body.slice(0, 300)}` };
          failures.set(signature, { ...seen, count: seen.count + 1 });
        }
      }
    }
    const total = [...byStatus.values()].reduce((sum, count) => sum + count, 0);
    const counts = [...byStatus].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
    console.log(`API fuzz, seed ${SEED}: ${operations.length} operations x ${CASES_PER_OPERATION} cases, each signed out and signed in = ${total} requests; by status ${counts.join(', ')}`);
    expect([...failures].map(([signature, { count, example }]) => `${signature} (${count}x), e.g. ${example}`)).toEqual([]);
    expect(byStatus.get(400) ?? 0).toBeGreaterThan(0);
  });

  function send(fuzzCase: FuzzCase, identity: Record<string, string>): Promise<LightMyRequestResponse> {
    return app.inject({
      method: fuzzCase.method as 'GET',
      url: fuzzCase.url,
      headers: { ...identity, ...fuzzCase.headers },
      ...(fuzzCase.payload === undefined ? {} : { payload: fuzzCase.payload }),
    });
  }
});
