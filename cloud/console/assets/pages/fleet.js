import { content, t, el, api, localTime, showError } from '../core.js';

/** How often the fleet page asks again: a gateway's status changes on the broker, not through this page. */
const FLEET_REFRESH_MS = 5000;

/** Each field bus's counters since the gateway started, as its last online status gave them. */
function busTable(buses) {
  const columns = ['bus_id', 'transactions', 'timeouts', 'checksum_errors', 'exception_replies', 'transport_errors', 'devices', 'devices_offline'];
  return el(
    'div',
    { class: 'scroll' },
    el(
      'table',
      { class: 'buses' },
      el('thead', {}, el('tr', {}, columns.map((column) => el('th', { scope: 'col' }, t(`fleet.bus.${column}`))))),
      el(
        'tbody',
        {},
        buses.map((bus) =>
          el(
            'tr',
            { 'data-bus-id': bus.bus_id },
            columns.map((column) => el('td', { class: column, 'data-warn': String(column !== 'bus_id' && column !== 'transactions' && column !== 'devices' && bus[column] > 0) }, String(bus[column]))),
          ),
        ),
      ),
    ),
  );
}

function gatewayCard(gateway) {
  const uplink = gateway.uplink === 'online' ? t('fleet.online') : gateway.uplink === 'offline' ? t('fleet.offline') : t('fleet.never');
  const facts = [
    gateway.watermark ? [t('fleet.watermark'), localTime(gateway.watermark, gateway.estate_id)] : null,
    gateway.outbox ? [t('fleet.outbox'), t('fleet.outbox_depth', { n: gateway.outbox.depth })] : null,
    [t('fleet.devices_offline'), gateway.devices_offline.length ? gateway.devices_offline.join(', ') : t('fleet.none_offline')],
    gateway.config_version ? [t('fleet.config_version'), gateway.config_version] : null,
  ].filter(Boolean);
  return el(
    'li',
    { class: `card gateway ${gateway.uplink}`, 'data-gateway-id': gateway.id, 'data-uplink': gateway.uplink },
    el('strong', {}, gateway.name),
    ' ',
    el('span', { class: 'uplink' }, uplink),
    gateway.uplink === 'offline' && gateway.offline_reason ? el('span', { class: 'reason' }, t(`fleet.reason.${gateway.offline_reason}`)) : null,
    el('span', { class: 'times' }, gateway.last_seen_at ? `${t('fleet.last_seen')} ${localTime(gateway.last_seen_at, gateway.estate_id)}` : ''),
    el('dl', { class: 'facts' }, facts.map(([name, value]) => el('div', { class: 'field' }, el('dt', {}, name), el('dd', {}, value)))),
    gateway.buses && gateway.buses.length ? busTable(gateway.buses) : null,
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
