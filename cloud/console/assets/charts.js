// Charts drawn with elements the page already has (meter, SVG): no library.
import { el } from './core.js';

/** A horizontal bar per period: the share as its length, the figures as its words. */
export function shareChart(title, points) {
  return el(
    'figure',
    { class: 'chart' },
    el('figcaption', {}, title),
    points.map(({ label, share }) =>
      el(
        'div',
        { class: 'bar-row' },
        el('span', { class: 'bar-label' }, label),
        el('span', { class: 'bar' }, el('meter', { min: 0, max: 1, value: share.rate ?? 0 })),
        el('span', { class: 'bar-value' }, share.rate === null ? '–' : `${Math.round(share.rate * 100)}% (${share.count}/${share.of})`),
      ),
    ),
  );
}
