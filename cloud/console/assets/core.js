// What every page of the console shares: its data block, texts, elements, the API, times. Plain
// JavaScript modules served as they are: no library, no build step.

export const data = JSON.parse(document.getElementById('page-data').textContent);

export const content = document.getElementById('content');

/** One text of the page's language with its {name} slots filled. */
export function t(key, values) {
  const text = data.messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (slot, name) => (values && name in values ? String(values[name]) : slot));
}

/** An element with attributes and children (strings become text: nothing is parsed as HTML). */
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
  }
}

/** A call to the API; a session that has ended sends the reader to sign in. */
export async function api(method, path, body, headers) {
  const response = await fetch(path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && data.page !== 'sign-in') location.assign('/sign-in');
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

export function estateOf(estateId) {
  return (data.me && data.me.estates.find((estate) => estate.id === estateId)) || { id: estateId, name: estateId, time_zone: 'Asia/Shanghai' };
}

/** A time as the estate's clock shows it. */
export function localTime(iso, estateId) {
  return new Intl.DateTimeFormat(data.language === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: estateOf(estateId).time_zone,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

export function duration(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return t('unit.seconds', { n: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('unit.minutes', { n: minutes });
  return t('unit.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

export function showError(error) {
  const note = el('p', { class: 'error', role: 'alert' }, t('error.generic', { message: error.message }));
  content.prepend(note);
  setTimeout(() => note.remove(), 8000);
}

export function estatesWith(roles) {
  return ((data.me && data.me.estates) || []).filter((estate) => estate.roles.some((role) => roles.includes(role)));
}

export function field(label, value) {
  return el('div', { class: 'field' }, el('dt', {}, label), el('dd', {}, value));
}

/** ISO weekday 1 (Monday) ... 7 (Sunday) in the page's language; 1 January 2024 was a Monday. */
export function weekdayName(isoDay) {
  return new Intl.DateTimeFormat(data.language === 'zh' ? 'zh-CN' : 'en-GB', { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, isoDay)));
}

export function weekdaysText(weekdays) {
  return weekdays.length === 7 ? t('roster.every_day') : weekdays.map(weekdayName).join(' ');
}

/** Milliseconds the zone's clock is ahead of UTC at the instant (from the zone's own reading of it). */
export function zoneOffsetMs(instantMs, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(instantMs))
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second) - Math.floor(instantMs / 1000) * 1000;
}

/** A datetime-local value ("2026-12-10T09:00") read as the estate's wall clock, as an ISO instant. */
/** An instant as a datetime-local value ("2026-12-10T09:00") on the estate's wall clock. */
export function isoToEstateTime(instantMs, timeZone) {
  return new Date(Math.floor(instantMs / 60000) * 60000 + zoneOffsetMs(instantMs, timeZone)).toISOString().slice(0, 16);
}

export function estateTimeToIso(value, timeZone) {
  const asUtc = Date.parse(`${value}:00Z`);
  let instant = asUtc - zoneOffsetMs(asUtc, timeZone);
  // Once more at the instant found, for a value near a change of the zone's offset.
  instant = asUtc - zoneOffsetMs(instant, timeZone);
  return new Date(instant).toISOString();
}

/** Households' reads name their purpose; it is written to the audit log with every read. */
export const SUPERVISION = 'purpose=supervision';

// Every signed-in page has the sign-out button in its header.
const signOut = document.getElementById('sign-out');
if (signOut) {
  signOut.addEventListener('click', async () => {
    await api('DELETE', '/api/v1/session').catch(() => null);
    location.assign('/sign-in');
  });
}
