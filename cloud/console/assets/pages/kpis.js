import { content, t, el, api, showError, estatesWith } from '../core.js';
import { shareChart } from '../charts.js';

/** The closure rate a work-order desk is held to. */
const CLOSURE_TARGET = 0.98;
/** Days or weeks, as the page's address says (?bucket=week), with how many of them to show. */
const SPANS = { day: 7, week: 8 };

function spanSwitch(bucket) {
  return el(
    'p',
    { class: 'span-switch' },
    Object.keys(SPANS).map((span) => (span === bucket ? el('strong', {}, t(`kpis.span_${span}`)) : el('a', { href: `/kpis?bucket=${span}`, 'data-bucket': span }, t(`kpis.span_${span}`)))),
  );
}

async function kpisPage() {
  const bucket = new URLSearchParams(location.search).get('bucket') === 'week' ? 'week' : 'day';
  content.append(spanSwitch(bucket));
  for (const estate of estatesWith(['supervisor', 'estate_manager'])) {
    // The last seven days, or eight weeks, of the estate's calendar ('en-CA' formats a date as YYYY-MM-DD).
    const day = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: estate.time_zone }).format(new Date(ms));
    const to = day(Date.now());
    const from = day(Date.now() - (bucket === 'week' ? SPANS.week * 7 - 1 : SPANS.day - 1) * 86400000);
    try {
      const report = await api('GET', `/api/v1/estates/${encodeURIComponent(estate.id)}/kpis?from=${from}&to=${to}&bucket=${bucket}`);
      const points = (pick) => report.buckets.map((bucket) => ({ label: bucket.start.slice(5), share: pick(bucket.figures) }));
      content.append(
        el(
          'section',
          { class: 'card', 'data-estate': estate.id, 'data-bucket': bucket },
          el('h2', {}, estate.name),
          el('p', { class: 'kpi-total', id: `opened-${estate.id}` }, `${report.totals.opened}`),
          shareChart(t('kpis.ack_in_time'), points((f) => f.acknowledged_in_time)),
          shareChart(t('kpis.on_site_in_time'), points((f) => f.on_site_in_time)),
          shareChart(t('kpis.closure_rate'), points((f) => f.closure), CLOSURE_TARGET),
          shareChart(t('kpis.false_alarm_rate'), report.false_alarms_by_rule.map((row) => ({ label: row.rule, share: row.false_alarms }))),
        ),
      );
    } catch (error) {
      showError(error);
    }
  }
}

kpisPage();
