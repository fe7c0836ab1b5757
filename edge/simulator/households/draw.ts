import { seededRandom, type Random } from '../random.js';

/**
 * Seeded draws for the household simulator. Every purpose of every household has its own stream
 * (seed, household, purpose), so adding a habit to one household does not reshuffle the others.
 */

export function streamRandom(seed: number, household: number, purpose: string): Random {
  // FNV-1a over the whole name, the seed included: a seed XORed into the offset basis would cancel
  // against the first character (seed 1's household 0 drew the same life as seed 2's household 3).
  let hash = 2166136261;
  for (const char of `${seed}:${household}:${purpose}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return seededRandom(hash >>> 0);
}

export function uniform(random: Random, low: number, high: number): number {
  return low + (high - low) * random();
}

export function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

/** A normal draw (Box-Muller), cut at +-3 sd so a rare draw stays a plausible one. */
export function normal(random: Random, mean: number, sd: number): number {
  const u = Math.max(random(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return mean + sd * Math.max(-3, Math.min(3, z));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** `count` distinct items of `items`, in their original order. */
export function pickSome<T>(random: Random, items: readonly T[], count: number): T[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, items.length)) chosen.add(Math.floor(random() * items.length));
  return items.filter((_, index) => chosen.has(index));
}
