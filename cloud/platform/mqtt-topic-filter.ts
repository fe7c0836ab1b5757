/**
 * Whether a topic filter matches a topic name [MQTT-4.7]: "+" stands for one level, a trailing "#"
 * for any number of levels (none included), and a filter of a shared subscription
 * ("$share/{group}/{filter}", MQTT-4.8.2) matches what its inner filter does. A filter starting with
 * a wildcard does not match a topic starting with "$" [MQTT-4.7.2-1].
 */
export function topicMatchesFilter(filter: string, topic: string): boolean {
  const inner = innerFilter(filter);
  if (topic.startsWith('$') && (inner.startsWith('+') || inner.startsWith('#'))) return false;
  const filterLevels = inner.split('/');
  const topicLevels = topic.split('/');
  for (let level = 0; level < filterLevels.length; level++) {
    const wanted = filterLevels[level];
    if (wanted === '#') return level === filterLevels.length - 1;
    if (level >= topicLevels.length) return false;
    if (wanted !== '+' && wanted !== topicLevels[level]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/** "$share/{group}/{filter}" -> "{filter}"; any other filter as it is. */
function innerFilter(filter: string): string {
  if (!filter.startsWith('$share/')) return filter;
  const afterGroup = filter.indexOf('/', '$share/'.length);
  return afterGroup === -1 ? filter : filter.slice(afterGroup + 1);
}
