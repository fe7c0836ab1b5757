// Charts drawn with elements the page already has (meter, SVG): no library.
import { el } from './core.js';

/**
 * A horizontal bar per period: the share as its length, the figures as its words. With a target
 * (closure against 98 %), the meter's low and high mark it, so the browser colours a bar below it
 * as poor (HTML Living Standard, the meter element's optimum, low and high).
 */
export function shareChart(title, points, target = null) {
  const marks = target === null ? {} : { low: target, high: target, optimum: 1 };
  return el(
    'figure',
    { class: 'chart' },
    el('figcaption', {}, title),
    points.map(({ label, share }) =>
      el(
        'div',
        { class: 'bar-row' },
        el('span', { class: 'bar-label' }, label),
        el('span', { class: 'bar' }, el('meter', { min: 0, max: 1, value: share.rate ?? 0, ...marks })),
        el('span', { class: 'bar-value' }, share.rate === null ? '–' : `${Math.round(share.rate * 100)}% (${share.count}/${share.of})`),
      ),
    ),
  );
}
