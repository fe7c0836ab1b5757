import { content, t, el, api, localTime, duration, showError } from '../core.js';
import { seriesChart } from '../evidence-chart.js';

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
    el('button', { type: 'button', class: 'link', 'data-action': 'devices', onclick: () => showDevices(gateway) }, t('fleet.devices')),
  );
}

/** Where one gateway's devices are shown: outside the list, which is redrawn every few seconds. */
const detail = el('section', { class: 'card', id: 'gateway-detail', hidden: true });

/** A device's readings over the last day, one chart per point, below its row. */
async function showReadings(gateway, device, row) {
  const place = row.querySelector('.readings') || row.appendChild(el('div', { class: 'readings' }));
  try {
    const readings = await api('GET', `/api/v1/gateways/${encodeURIComponent(gateway.id)}/devices/${encodeURIComponent(device.device_id)}/readings?hours=24`);
    place.replaceChildren(
      ...(readings.series.length
        ? readings.series.map((series) => seriesChart(readings.window, { ...series, device_id: device.device_id }, gateway.estate_id))
        : [el('p', { class: 'empty' }, t('fleet.no_readings'))]),
    );
  } catch (error) {
    place.replaceChildren(el('p', { class: 'empty' }, error.code === 'household_device' ? t('fleet.household_device') : t('error.generic', { message: error.message })));
  }
}

/** One gateway's devices: offline now, the age of their newest data, availability over the last day. */
async function showDevices(gateway) {
  try {
    const health = await api('GET', `/api/v1/gateways/${encodeURIComponent(gateway.id)}?hours=24`);
    const now = Date.parse(health.window.to);
    detail.replaceChildren(
      el('h2', {}, t('fleet.devices_of', { gateway: gateway.name })),
      health.clock && health.clock.drifting ? el('p', { class: 'error' }, t('fleet.clock_drift', { seconds: Math.round(health.clock.offset_s) })) : null,
      el(
        'ul',
        { class: 'list devices', 'data-gateway-id': gateway.id },
        health.devices.map((device) => {
          const row = el(
            'li',
            { 'data-device-id': device.device_id, 'data-offline': String(device.offline_now) },
            el('strong', {}, device.device_id),
            ' ',
            el('span', { class: device.offline_now ? 'uplink offline' : 'uplink' }, t(device.offline_now ? 'fleet.offline' : 'fleet.online')),
            ' ',
            el('span', { class: 'times' }, device.newest_data_at ? t('fleet.newest_data', { age: duration(now - Date.parse(device.newest_data_at)) }) : t('fleet.no_data')),
            ' ',
            el('span', { class: 'availability' }, t('fleet.availability', { percent: Math.round(device.availability.ratio * 1000) / 10 })),
            ' ',
            el('button', { type: 'button', class: 'link', 'data-action': 'readings', onclick: () => showReadings(gateway, device, row) }, t('fleet.readings')),
          );
          return row;
        }),
      ),
    );
    detail.hidden = false;
    detail.scrollIntoView({ block: 'start' });
  } catch (error) {
    showError(error);
  }
}

async function fleetPage() {
  const list = el('ul', { class: 'list', id: 'fleet' });
  content.append(detail, list);
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
