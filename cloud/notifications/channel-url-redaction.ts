import type { ChannelKind } from './channels/channel-kind.js';

const MASK = '***';

/**
 * A channel's URL as it may be shown or logged: every query value masked (a WeCom robot's key, a
 * DingTalk access_token), and a Feishu hook's id (the last path segment, which is its secret).
 */
export function redactedChannelUrl(kind: ChannelKind, url: string | null): string | null {
  if (url === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return MASK;
  }
  for (const key of [...new Set(parsed.searchParams.keys())]) parsed.searchParams.set(key, MASK);
  parsed.username = '';
  parsed.password = '';
  if (kind === 'feishu') parsed.pathname = parsed.pathname.replace(/[^/]+$/, MASK);
  return decodeURI(parsed.toString());
}
