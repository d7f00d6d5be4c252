/**
 * A small seeded pseudo-random number generator and a Fisher–Yates shuffle.
 *
 * The benchmark runs its modes in a random order per round; the order must be reproducible
 * from a seed recorded in the results, so `Math.random` is not usable. Pure: no I/O, no
 * module-level state (each generator owns its state in a closure).
 */

/** A generator of uniform floats in [0, 1). */
export type Rng = () => number;

/** Largest seed accepted: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff;

/** True when `seed` is an integer in [0, {@link MAX_SEED}]. */
export function isValidSeed(seed: number): boolean {
  return Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED;
}

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): a 32-bit state advanced by a Weyl sequence
 * and mixed by two multiply-xorshift rounds. Period 2^32, good enough to shuffle a handful of
 * modes; not for cryptography.
 *
 * @param seed an unsigned 32-bit integer; other values are rejected
 */
export function mulberry32(seed: number): Rng {
  if (!isValidSeed(seed)) {
    throw new RangeError(`seed must be an integer in [0, ${MAX_SEED}], got ${seed}`);
  }
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n) drawn from `rng`. */
export function randomInt(rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
  return Math.floor(rng() * n);
}

/** Returns a shuffled copy of `items` (Fisher–Yates, unbiased given a uniform `rng`). */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}

/**
 * The order of `items` for each of `rounds` rounds: round r (index r-1) is an independent
 * shuffle, all drawn from one generator seeded with `seed`, so the whole plan is a function of
 * (seed, items, rounds).
 */
export function seededRoundOrders<T>(items: readonly T[], rounds: number, seed: number): T[][] {
  if (!Number.isInteger(rounds) || rounds < 0) throw new RangeError(`rounds must be a non-negative integer, got ${rounds}`);
  const rng = mulberry32(seed);
  const orders: T[][] = [];
  for (let r = 0; r < rounds; r++) orders.push(shuffle(items, rng));
  return orders;
}
