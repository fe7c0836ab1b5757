import { content, t, el, api, localTime, showError } from '../core.js';

/** How often the fleet page asks again: a gateway's status changes on the broker, not through this page. */
const FLEET_REFRESH_MS = 5000;

function gatewayCard(gateway) {
  const uplink = gateway.uplink === 'online' ? t('fleet.online') : gateway.uplink === 'offline' ? t('fleet.offline') : t('fleet.never');
  return el(
    'li',
    { class: `card gateway ${gateway.uplink}`, 'data-gateway-id': gateway.id, 'data-uplink': gateway.uplink },
    el('strong', {}, gateway.name),
    ' ',
    el('span', { class: 'uplink' }, uplink),
    gateway.uplink === 'offline' && gateway.offline_reason ? el('span', { class: 'reason' }, t(`fleet.reason.${gateway.offline_reason}`)) : null,
    el('span', { class: 'times' }, gateway.last_seen_at ? `${t('fleet.last_seen')} ${localTime(gateway.last_seen_at, gateway.estate_id)}` : ''),
  );
}

async function fleetPage() {
  const list = el('ul', { class: 'list', id: 'fleet' });
  content.append(list);
  const refresh = async () => {
    try {
      const { gateways } = await api('GET', '/api/v1/gateways');
      list.replaceChildren(...gateways.map(gatewayCard));
      document.body.dataset.loaded = String(Date.now());
    } catch (error) {
      showError(error);
    }
  };
  await refresh();
  setInterval(refresh, FLEET_REFRESH_MS);
}

fleetPage();
