/**
 * Distribution-free statistics over benchmark rounds: the order-statistic confidence interval of
 * a median (binomial method, as in Hahn & Meeker / R `confintr::ci_quantile`) and paired deltas.
 * The run (round), not the request, is the independent unit. Pure functions.
 */

/** `P(B ≤ k)` for `B ~ Binomial(n, p)`, summed term by term (exact enough for n ≤ 1000). */
export function binomialCdf(k: number, n: number, p = 0.5): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let term = Math.pow(1 - p, n); // P(B = 0)
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return Math.min(1, sum);
}

/**
 * Coverage of `[x₍l₎, x₍n+1−l₎]` (1-based order statistics of n i.i.d. continuous samples) for
 * the true median: `1 − 2·P(B ≤ l − 1)` with `B ~ Binomial(n, ½)`.
 */
export function medianIntervalCoverage(n: number, l: number): number {
  return 1 - 2 * binomialCdf(l - 1, n, 0.5);
}

/** A median with its order-statistic confidence interval. */
export interface MedianInterval {
  readonly n: number;
  readonly median: number;
  readonly lower: number;
  readonly upper: number;
  /** 1-based ranks of the bounds in the sorted sample. */
  readonly lowerRank: number;
  readonly upperRank: number;
  /** Exact coverage of the interval for the true median (may differ from the nominal level). */
  readonly coverage: number;
}

/**
 * Median of a sample (mean of the two middle values for an even count); `undefined` if empty.
 */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Symmetric rank `l` of the order-statistic interval whose exact coverage is nearest to the
 * nominal `confidence` (ties go to the wider interval). For n = 5, 8, 10, 12 at 95 % this gives
 * [x₁,x₅] 93.75 %, [x₂,x₇] 92.97 %, [x₂,x₉] 97.85 %, [x₃,x₁₀] 96.1 %.
 */
export function medianIntervalRank(n: number, confidence = 0.95): number {
  let best = 1;
  let bestGap = Number.POSITIVE_INFINITY;
  for (let l = 1; l <= Math.floor((n + 1) / 2); l++) {
    const gap = Math.abs(medianIntervalCoverage(n, l) - confidence);
    if (gap < bestGap - 1e-12) {
      best = l;
      bestGap = gap;
    }
  }
  return best;
}

/**
 * Median and its distribution-free order-statistic confidence interval; `undefined` for an
 * empty sample. With one value the interval is degenerate and its coverage is 0.
 */
export function medianConfidenceInterval(values: readonly number[], confidence = 0.95): MedianInterval | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const l = medianIntervalRank(n, confidence);
  const u = n + 1 - l;
  return {
    n,
    median: median(s) as number,
    lower: s[l - 1],
    upper: s[u - 1],
    lowerRank: l,
    upperRank: u,
    coverage: medianIntervalCoverage(n, l),
  };
}

/**
 * Paired per-round differences `other[r] − base[r]` over the rounds present (not `undefined`)
 * in both maps, in increasing round order.
 */
export function pairedDeltas(
  base: ReadonlyMap<number, number | undefined>,
  other: ReadonlyMap<number, number | undefined>,
): { readonly round: number; readonly delta: number }[] {
  const out: { round: number; delta: number }[] = [];
  for (const round of [...base.keys()].sort((a, b) => a - b)) {
    const b = base.get(round);
    const o = other.get(round);
    if (b !== undefined && o !== undefined) out.push({ round, delta: o - b });
  }
  return out;
}
