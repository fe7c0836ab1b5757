/** Items a telemetry query returns when it names no limit. */
export const DEFAULT_QUERY_LIMIT = 1_000;
/** Most items one telemetry query returns, whatever it asks for; page by time range beyond that. */
export const MAX_QUERY_LIMIT = 10_000;

export function queryLimit(requested: number | undefined): number {
  if (requested === undefined) return DEFAULT_QUERY_LIMIT;
  return Math.max(1, Math.min(MAX_QUERY_LIMIT, Math.floor(requested)));
}
