import { describe, expect, it } from 'vitest';
import { topicMatchesFilter } from '../../cloud/platform/mqtt-topic-filter.js';

describe('MQTT topic filters [MQTT-4.7]', () => {
  it('matches "+" to one level and a trailing "#" to any number, the parent level included', () => {
    expect(topicMatchesFilter('estatecare/v1/gw/+/alerts', 'estatecare/v1/gw/gw-1/alerts')).toBe(true);
    expect(topicMatchesFilter('estatecare/v1/gw/+/alerts', 'estatecare/v1/gw/gw-1/events')).toBe(false);
    expect(topicMatchesFilter('estatecare/v1/gw/+/alerts', 'estatecare/v1/gw/a/b/alerts')).toBe(false);
    expect(topicMatchesFilter('estatecare/v1/gw/+', 'estatecare/v1/gw')).toBe(false);
    expect(topicMatchesFilter('estatecare/#', 'estatecare/v1/gw/gw-1/alerts')).toBe(true);
    expect(topicMatchesFilter('estatecare/#', 'estatecare')).toBe(true);
    expect(topicMatchesFilter('estatecare/v1', 'estatecare/v1/gw')).toBe(false);
  });

  it('matches a shared subscription by its inner filter, and no wildcard first level to a "$" topic', () => {
    expect(topicMatchesFilter('$share/ingest/estatecare/v1/gw/+/alerts', 'estatecare/v1/gw/gw-1/alerts')).toBe(true);
    expect(topicMatchesFilter('$share/ingest/estatecare/v1/gw/+/alerts', 'estatecare/v1/gw/gw-1/status')).toBe(false);
    expect(topicMatchesFilter('#', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatchesFilter('+/broker/uptime', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatchesFilter('$SYS/#', '$SYS/broker/uptime')).toBe(true);
  });
});
