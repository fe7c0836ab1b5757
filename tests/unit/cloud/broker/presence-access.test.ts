import { describe, expect, it } from 'vitest';
import { mayPublish, maySubscribe } from '../../../../cloud/broker/broker-access.js';
import { CLOUD_PRESENCE_TOPIC, topicFor } from '../../../../shared/contract/index.js';

const gateway = { kind: 'gateway', gatewayId: 'gw-1' } as const;
const service = { kind: 'service' } as const;

describe('who may use the cloud presence topic on the cloud broker', () => {
  it('lets the cloud write it and every gateway read it, and nobody else write it', () => {
    expect(mayPublish(service, CLOUD_PRESENCE_TOPIC)).toBe(true);
    expect(maySubscribe(gateway, CLOUD_PRESENCE_TOPIC)).toBe(true);
    expect(mayPublish(gateway, CLOUD_PRESENCE_TOPIC)).toBe(false);
  });

  it('still confines a gateway to its own topics', () => {
    expect(mayPublish(gateway, topicFor('gw-1', 'alerts'))).toBe(true);
    expect(mayPublish(gateway, topicFor('gw-2', 'alerts'))).toBe(false);
    expect(maySubscribe(gateway, topicFor('gw-2', 'receipts'))).toBe(false);
    expect(maySubscribe(gateway, 'estatecare/v1/cloud/#')).toBe(false);
  });
});
