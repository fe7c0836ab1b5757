// A ticket's evidence over its episode (GET /api/v1/tickets/{id}/evidence): each reading series as
// a line of its bucket means inside a band from the buckets' minimum to maximum (so a spike survives
// the thinning), the episode shaded; a care visit's household activity as hourly bars, never raw
// signals. Drawn as SVG elements: no library, nothing but the page's own origin.
import { t, el, localTime, showError, api } from './core.js';

const SVG = 'http://www.w3.org/2000/svg';
/** The drawing's own units; it scales to the card's width. */
const WIDTH = 320;
const HEIGHT = 110;
const PAD = { left: 34, right: 4, top: 6, bottom: 16 };
/** Events listed under the charts, newest first: enough to read a lift's last status changes. */
const MAX_EVENTS_SHOWN = 12;

function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) if (child) node.append(child);
  return node;
}

/** Short number for an axis: at most three significant digits. */
const short = (value) => (Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3)));

/** The x and y scales of a chart over the evidence window and the values' range. */
function scales(window, low, high) {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const span = high - low || Math.abs(high) || 1;
  const bottom = low - span * 0.05;
  const top = high + span * 0.05;
  return {
    x: (iso) => PAD.left + ((Date.parse(iso) - from) / (to - from || 1)) * (WIDTH - PAD.left - PAD.right),
    y: (value) => HEIGHT - PAD.bottom - ((value - bottom) / (top - bottom)) * (HEIGHT - PAD.top - PAD.bottom),
  };
}

/**
 * The frame every chart shares: the window's ends and the value range written, and, for a ticket,
 * its episode shaded (window.episode_from to window.episode_to, or to the end while it lasts).
 */
function frame(window, scale, low, high, estateId) {
  const x0 = window.episode_from ? scale.x(window.episode_from) : null;
  return [
    x0 === null ? null : svg('rect', { class: 'episode', x: x0, y: PAD.top, width: Math.max(1, scale.x(window.episode_to || window.to) - x0), height: HEIGHT - PAD.top - PAD.bottom }),
    svg('line', { class: 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: HEIGHT - PAD.bottom, y2: HEIGHT - PAD.bottom }),
    svg('text', { class: 'tick', x: PAD.left - 3, y: scale.y(high) + 4, 'text-anchor': 'end' }, String(short(high))),
    svg('text', { class: 'tick', x: PAD.left - 3, y: scale.y(low), 'text-anchor': 'end' }, String(short(low))),
    svg('text', { class: 'tick', x: PAD.left, y: HEIGHT - 3 }, localTime(window.from, estateId)),
    svg('text', { class: 'tick', x: WIDTH - PAD.right, y: HEIGHT - 3, 'text-anchor': 'end' }, localTime(window.to, estateId)),
  ].filter(Boolean);
}

/** One series (a device's point) over a window: its bucket means as a line inside the band from minimum to maximum. */
export function seriesChart(window, series, estateId) {
  const low = Math.min(...series.points.map((point) => point.min));
  const high = Math.max(...series.points.map((point) => point.max));
  const scale = scales(window, low, high);
  const band = [...series.points.map((point) => `${scale.x(point.t)},${scale.y(point.max)}`), ...[...series.points].reverse().map((point) => `${scale.x(point.t)},${scale.y(point.min)}`)].join(' ');
  const line = series.points.map((point) => `${scale.x(point.t)},${scale.y(point.mean)}`).join(' ');
  return el(
    'figure',
    { class: 'evidence-chart', 'data-device-id': series.device_id, 'data-point': series.point, 'data-points': series.points.length },
    el('figcaption', {}, `${series.device_id} · ${series.point}${series.unit ? ` (${series.unit})` : ''}`),
    svg(
      'svg',
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${series.device_id} ${series.point}` },
      ...frame(window, scale, low, high, estateId),
      svg('polygon', { class: 'band', points: band }),
      svg('polyline', { class: 'mean', points: line }),
    ),
  );
}

/** One measure of the household's hours as bars (door openings, litres of water). */
function activityChart(evidence, hours, measure, estateId) {
  const high = Math.max(1, ...hours.map((hour) => hour[measure] ?? 0));
  const scale = scales(evidence.window, 0, high);
  const hourWidth = Math.max(1, scale.x(new Date(Date.parse(evidence.window.from) + 3600_000).toISOString()) - scale.x(evidence.window.from) - 1);
  return el(
    'figure',
    { class: 'evidence-chart activity', 'data-measure': measure, 'data-points': hours.length },
    el('figcaption', {}, t(`evidence.${measure}`)),
    svg(
      'svg',
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': t(`evidence.${measure}`) },
      ...frame(evidence.window, scale, 0, high, estateId),
      // An hour without data of the measure (null) has no bar: it is not zero use.
      ...hours.filter((hour) => hour[measure] !== null).map((hour) => svg('rect', { class: 'bar', x: scale.x(hour.t), y: scale.y(hour[measure]), width: hourWidth, height: Math.max(0, scale.y(0) - scale.y(hour[measure])) })),
    ),
  );
}

/** The evidence section of a ticket page, filled once its answer arrives; an empty section when there is none. */
export function evidenceSection(ticket) {
  const section = el('section', { class: 'card', id: 'evidence' }, el('h2', {}, t('evidence.title')), el('p', { class: 'state' }, t('evidence.loading')));
  api('GET', `/api/v1/tickets/${ticket.id}/evidence`)
    .then((evidence) => {
      const charts = evidence.series.filter((series) => series.points.length > 0).map((series) => seriesChart(evidence.window, series, ticket.estate_id));
      const activity = evidence.household_activity;
      if (activity && activity.available && activity.hours.length) {
        for (const measure of ['door_openings', 'water_litres', 'minutes_above_standby']) charts.push(activityChart(evidence, activity.hours, measure, ticket.estate_id));
      }
      const events = [...evidence.events].reverse().slice(0, MAX_EVENTS_SHOWN);
      section.replaceChildren(
        el('h2', {}, t('evidence.title')),
        el('p', { class: 'hint' }, t('evidence.window', { from: localTime(evidence.window.from, ticket.estate_id), to: localTime(evidence.window.to, ticket.estate_id) })),
        charts.length ? charts : el('p', { class: 'empty' }, t(activity && !activity.available ? 'evidence.no_activity' : 'evidence.none')),
        events.length
          ? el('ol', { class: 'list events', id: 'evidence-events' }, events.map((event) => el('li', {}, el('time', {}, localTime(event.t, ticket.estate_id)), ` ${event.device_id} · ${event.type}`)))
          : null,
      );
      section.dataset.loaded = 'true';
    })
    .catch((error) => {
      section.remove();
      if (error.status !== 404 && error.status !== 403) showError(error);
    });
  return section;
}
