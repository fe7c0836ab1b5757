/**
 * Time as simulated meters see it: the wall clock (or a test's clock), optionally running faster
 * from the moment the meters start (timeScale 60: an hour a minute), so a demo shows a day's
 * routine in minutes.
 */
export function simulatedClock(now: () => number, timeScale: number): () => number {
  const start = now();
  return () => start + (now() - start) * timeScale;
}

/** A per-meter seed from the line's seed and the meter's number, so each household differs. */
export function meterSeed(lineSeed: number, address: string): number {
  let hash = lineSeed >>> 0;
  for (const char of address) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return hash;
}
