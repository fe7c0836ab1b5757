import { content, t, el, api, localTime, showError, estatesWith } from '../core.js';
import { policyEditor } from '../policy-editor.js';

/** The newest deliveries of an estate's notifications, each with its channel, status and last error. */
function deliveryLog(deliveries, estateId) {
  if (deliveries.length === 0) return el('p', { class: 'empty' }, t('settings.no_deliveries'));
  return el(
    'ol',
    { class: 'list deliveries' },
    deliveries.map((delivery) =>
      el(
        'li',
        { class: `delivery ${delivery.status}`, 'data-delivery-id': delivery.id, 'data-status': delivery.status },
        el('time', {}, localTime(delivery.queued_at, estateId)),
        ' ',
        el('strong', { class: 'purpose' }, t(`purpose.${delivery.purpose}`)),
        ' ',
        el('span', { class: 'channel' }, delivery.channel_name || delivery.channel_kind),
        ' ',
        el('span', { class: 'status' }, t(`delivery.${delivery.status}`)),
        ' ',
        el('span', { class: 'attempts' }, t('settings.attempts', { n: delivery.attempts })),
        delivery.last_error ? el('span', { class: 'error' }, delivery.last_error) : null,
      ),
    ),
  );
}

async function settingsPage() {
  for (const estate of estatesWith(['admin'])) {
    const base = `/api/v1/estates/${encodeURIComponent(estate.id)}`;
    const log = el('section', { class: 'card', id: `deliveries-${estate.id}` });
    const loadLog = async () => {
      try {
        const { deliveries } = await api('GET', `${base}/notifications/deliveries?limit=20`);
        log.replaceChildren(el('h2', {}, t('settings.deliveries')), deliveryLog(deliveries, estate.id));
      } catch (error) {
        showError(error);
      }
    };
    try {
      const { channels } = await api('GET', `${base}/notification-channels`);
      content.append(
        el(
          'section',
          { class: 'card', 'data-estate': estate.id },
          el('h2', {}, estate.name),
          channels.length === 0
            ? el('p', {}, t('settings.none'))
            : el(
                'ul',
                { class: 'list' },
                channels.map((channel) => {
                  const result = el('span', { class: 'result', role: 'status' });
                  return el(
                    'li',
                    { 'data-channel-id': channel.id },
                    el('strong', {}, channel.name),
                    ` ${channel.kind} `,
                    el('button', {
                      type: 'button',
                      'data-action': 'test',
                      onclick: async () => {
                        result.textContent = '';
                        try {
                          const answer = await api('POST', `${base}/notification-channels/${channel.id}/test`);
                          result.textContent = answer.classification === 'ok' ? t('settings.test_sent') : t('error.generic', { message: answer.error || answer.classification });
                          result.dataset.classification = answer.classification;
                        } catch (error) {
                          result.textContent = t('error.generic', { message: error.message });
                        }
                        await loadLog();
                      },
                    }, t('settings.send_test')),
                    ' ',
                    result,
                  );
                }),
              ),
        ),
        log,
      );
      await loadLog();
    } catch (error) {
      showError(error);
    }
  }
}

/** Each estate's dispatch policy, for those who may change it (estate managers, administrators). */
async function policyPage() {
  for (const estate of estatesWith(['estate_manager', 'admin'])) {
    try {
      content.append(await policyEditor(estate));
    } catch (error) {
      showError(error);
    }
  }
}

settingsPage().then(policyPage);
