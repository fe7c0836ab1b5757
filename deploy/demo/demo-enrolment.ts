import type { CareSettingsInput } from '../../cloud/estates/household-schemas.js';
import type { Clock } from '../../shared/time/clock.js';
import { toWireTime } from '../../shared/contract/index.js';

/**
 * The demo household's care settings. A home's limits are hours (6 h of daytime quiet); the demo's
 * are minutes, so that `npm start` shows within minutes what takes a morning in a home: quiet of a
 * few minutes at any hour raises a care visit. The morning check is off: it judges a morning against
 * the resident's learned routine, which a demo started a minute ago has none of.
 */
export function demoCareSettings(quietLimitMin: number): CareSettingsInput {
  const limitH = quietLimitMin / 60;
  return {
    inactivity: { day_from: '00:00', day_to: '23:59', day_limit_h: limitH, night_limit_h: limitH, learn_quiet: false, max_learned_extra_h: 0 },
    morning_check: { enabled: false },
  };
}

export interface DemoEnrolment {
  apiUrl: string;
  estateId: string;
  unitId: string;
  login: string;
  password: string;
  /** Minutes of quiet before a care visit (demoCareSettings). */
  quietLimitMin: number;
}

/**
 * Enrols the demo household in care through the HTTP API, as its supervisor would from the console:
 * sign in, record the resident's consent, then the care settings against the version the enrolment
 * returned (If-Match). The cloud derives the gateway's care config from these records and sends it.
 * A household kept from an earlier run (`--keep-data`) is left as it is.
 */
export async function enrolDemoHousehold(enrolment: DemoEnrolment, clock: Clock): Promise<void> {
  const { apiUrl, estateId, unitId } = enrolment;
  const session = await call(`${apiUrl}/api/v1/session`, 'POST', { login: enrolment.login, password: enrolment.password });
  const headers = { authorization: `Bearer ${(session.body as { token: string }).token}` };
  const households = `${apiUrl}/api/v1/estates/${estateId}/households`;
  const consent = {
    given_by: 'the resident',
    given_at: toWireTime(clock.now()),
    scope: 'care visits when the home is unusually quiet (demo)',
    document_ref: 'DEMO-CONSENT-0001',
  };
  const enrolled = await call(households, 'POST', { unit_id: unitId, consent }, headers, [409]);
  if (enrolled.status === 409) return;
  const { version } = enrolled.body as { version: number };
  await call(`${households}/${unitId}/settings`, 'PUT', demoCareSettings(enrolment.quietLimitMin), { ...headers, 'if-match': `"${version}"` });
}

async function call(url: string, method: string, body: unknown, headers: Record<string, string> = {}, accepted: number[] = []): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok && !accepted.includes(response.status)) {
    throw new Error(`demo enrolment: ${method} ${new URL(url).pathname} answered ${response.status}: ${JSON.stringify(answer)}`);
  }
  return { status: response.status, body: answer };
}
