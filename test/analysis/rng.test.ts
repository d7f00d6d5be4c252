import { isValidSeed, MAX_SEED, mulberry32, randomInt, seededRoundOrders, shuffle } from '../../lib/analysis/rng';

/** mulberry32 written independently with BigInt arithmetic (mod 2^32), as the reference. */
function referenceMulberry32(seed: number): () => number {
  const M = 1n << 32n;
  let state = BigInt(seed) % M;
  const mul = (a: bigint, b: bigint): bigint => (a * b) % M;
  const shr = (a: bigint, n: bigint): bigint => a >> n;
  return () => {
    state = (state + 0x6d2b79f5n) % M;
    let t = state;
    t = mul(t ^ shr(t, 15n), t | 1n);
    t = (t ^ ((t + mul(t ^ shr(t, 7n), t | 61n)) % M)) % M;
    return Number(t ^ shr(t, 14n)) / 2 ** 32;
  };
}

describe('mulberry32', () => {
  test('matches an independent BigInt implementation', () => {
    for (const seed of [0, 1, 42, 12345, 0x7fffffff, MAX_SEED]) {
      const a = mulberry32(seed);
      const b = referenceMulberry32(seed);
      for (let i = 0; i < 500; i++) expect(a()).toBe(b());
    }
  });

  test('is in [0, 1), deterministic per seed, different across seeds, roughly uniform', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const xs = Array.from({ length: 20000 }, () => a());
    expect(Array.from({ length: 20000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 10 }, () => c())).not.toEqual(xs.slice(0, 10));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const deciles = new Array<number>(10).fill(0);
    for (const x of xs) deciles[Math.floor(x * 10)]++;
    // Each decile expects 2000; 5 sd of a binomial(20000, 0.1) is ~212.
    for (const d of deciles) expect(Math.abs(d - 2000)).toBeLessThan(212);
  });

  test('rejects invalid seeds', () => {
    for (const bad of [-1, 1.5, MAX_SEED + 1, NaN]) {
      expect(isValidSeed(bad)).toBe(false);
      expect(() => mulberry32(bad)).toThrow(RangeError);
    }
    expect(() => randomInt(mulberry32(1), 0)).toThrow(RangeError);
  });
});

describe('shuffle and seededRoundOrders', () => {
  test('a shuffle is a permutation and leaves its input alone', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const rng = mulberry32(3);
    for (let i = 0; i < 100; i++) {
      const s = shuffle(items, rng);
      expect([...s].sort()).toEqual(items);
    }
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(shuffle([], rng)).toEqual([]);
  });

  test('all 6 orders of 3 modes occur about equally often', () => {
    const counts = new Map<string, number>();
    const rng = mulberry32(2024);
    const n = 60000;
    for (let i = 0; i < n; i++) {
      const key = shuffle(['baseline', 'sidecar', 'ambient'], rng).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // Chi-square with 5 degrees of freedom; 20.5 is the 0.999 quantile.
    const expected = n / 6;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(20.5);
  });

  test('round orders are reproducible from the seed and differ between seeds', () => {
    const modes = ['baseline', 'sidecar', 'ambient'];
    const a = seededRoundOrders(modes, 8, 99);
    expect(a).toHaveLength(8);
    for (const r of a) expect([...r].sort()).toEqual([...modes].sort());
    expect(seededRoundOrders(modes, 8, 99)).toEqual(a);
    expect(seededRoundOrders(modes, 8, 100)).not.toEqual(a);
    // One stream: round r is the r-th shuffle of a single generator.
    const rng = mulberry32(99);
    expect(a).toEqual(Array.from({ length: 8 }, () => shuffle(modes, rng)));
    // Not every round in the same order.
    expect(new Set(a.map((r) => r.join(','))).size).toBeGreaterThan(1);
    expect(seededRoundOrders(modes, 0, 1)).toEqual([]);
    expect(() => seededRoundOrders(modes, -1, 1)).toThrow(RangeError);
  });
});
