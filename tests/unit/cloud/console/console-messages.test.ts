import { describe, expect, it } from 'vitest';
import { zh } from '../../../../cloud/console/messages/zh.js';
import { en } from '../../../../cloud/console/messages/en.js';
import { languageOf, message } from '../../../../cloud/console/console-language.js';
import { OUTCOME_CODES_BY_CATEGORY } from '../../../../cloud/tickets/ticket-outcomes.js';
import { TICKET_STATUSES } from '../../../../cloud/tickets/ticket.js';
import { NOTIFICATION_PURPOSES } from '../../../../cloud/notifications/notification-purpose.js';
import { DELIVERY_STATUSES } from '../../../../cloud/notifications/delivery-log-repository.js';

const slots = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the console catalogues', () => {
  it('hold the same keys in Chinese and English, each text with the same slots', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh) as Array<keyof typeof zh>) expect([key, slots(en[key])]).toEqual([key, slots(zh[key])]);
  });

  it('name every ticket category, status and outcome code, notification purpose and delivery status the API can answer', () => {
    const keys = new Set(Object.keys(zh));
    const needed = [
      ...Object.keys(OUTCOME_CODES_BY_CATEGORY).map((type) => `category.${type}`),
      ...TICKET_STATUSES.map((status) => `status.${status}`),
      ...Object.values(OUTCOME_CODES_BY_CATEGORY).flat().map((code) => `outcome.${code}`),
      ...NOTIFICATION_PURPOSES.map((purpose) => `purpose.${purpose}`),
      ...DELIVERY_STATUSES.map((status) => `delivery.${status}`),
    ];
    expect(needed.filter((key) => !keys.has(key))).toEqual([]);
  });

  it('fills slots, and reads the language from its cookie, Chinese otherwise', () => {
    expect(message('en', 'work.due_in', { what: 'Accept', time: '5 min' })).toBe('Accept due in 5 min');
    expect(languageOf({ cookie: 'theme=dark; estatecare_lang=en' })).toBe('en');
    expect(languageOf({ cookie: 'estatecare_lang=fr' })).toBe('zh');
    expect(languageOf({})).toBe('zh');
  });
});
