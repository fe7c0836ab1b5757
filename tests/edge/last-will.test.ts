import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { tempDataDir } from './edge-fixtures.js';
import { afterAll, describe, expect, it } from 'vitest';
import { topicFor, type DecodedMessage } from '../../shared/contract/index.js';
import { ContractObserver, MOSQUITTO_URL, clearRetainedStatus } from './mqtt-observer.js';

type Status = Extract<DecodedMessage, { channel: 'status' }> & { retained: boolean };
const isStatus = (online: boolean) => (m: DecodedMessage & { retained: boolean }): m is Status =>
  m.channel === 'status' && m.message.status.online === online;

describe('last will', () => {
  const gatewayId = `test-will-${randomUUID().slice(0, 8)}`;

  afterAll(async () => {
    await clearRetainedStatus(gatewayId);
  });

  it('leaves a retained {online:false, reason:"connection_lost"} when the gateway dies', async () => {
    const observer = await ContractObserver.watch(`observer-${gatewayId}`, topicFor(gatewayId, 'status'));
    const config = { gateway: { id: gatewayId }, uplink: { url: MOSQUITTO_URL }, local_broker: { embedded: true, port: 0 }, data_dir: tempDataDir() };
    const script = fileURLToPath(new URL('./gateway-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve());
        child.once('exit', (code) => reject(new Error(`gateway child exited with ${code}`)));
      });
      await observer.waitFor(isStatus(true), 'online status');
      child.kill('SIGKILL');
      const will = await observer.waitFor(isStatus(false), 'the last will');
      expect(will.message).toMatchObject({ gateway_id: gatewayId, status: { online: false, reason: 'connection_lost' } });
      const late = await ContractObserver.watch(`late-${gatewayId}`, topicFor(gatewayId, 'status'));
      const retained = await late.waitFor((m): m is Status => m.channel === 'status' && m.retained, 'retained status');
      expect(retained.message.status).toEqual({ online: false, reason: 'connection_lost' });
      await late.close();
    } finally {
      child.kill('SIGKILL');
      await observer.close();
    }
  });
});
