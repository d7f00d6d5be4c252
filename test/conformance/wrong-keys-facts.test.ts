import { ISTIO_MINORS } from '../../lib/catalog/istio-versions';
import { knownWrongKeys } from '../../lib/catalog/istio-wrong-keys';
import { leafPaths } from '../../lib/private/helm-values';
import { IstioChart } from '../../lib/private/istio-chart-values';
import { readHopFacts } from '../facts';
import { sharedIstioDir } from '../util';
import { ChartValuesReference } from './istio-reference';

/**
 * The known-wrong-key list grows per minor from the facts file: every value a hop removes from a
 * chart (present in minor N's values.yaml, not read by N+1's) that the facts file's section for that
 * hop (§3) names must be a known-wrong key of that chart from N+1 on, so escape values that still
 * set it fail synth instead of being ignored.
 */
const facts = readHopFacts();
const hops = ISTIO_MINORS.slice(1).map((m, i) => [ISTIO_MINORS[i].minor, m.minor] as const);

function section(text: string, from: string, to: string): string {
  const start = text.search(new RegExp(`^### 3\\.\\d+ ${from.replace('.', '\\.')} → ${to.replace('.', '\\.')}$`, 'm'));
  if (start < 0) throw new Error(`facts: no §3 section for ${from} → ${to}`);
  const body = text.indexOf('\n', start) + 1;
  const next = text.slice(body).search(/^### |^## /m);
  return next < 0 ? text.slice(start) : text.slice(start, body + next);
}

function asValues(p: string): Record<string, unknown> {
  return p.split('.').reduceRight<unknown>((acc, part) => ({ [part]: acc }), 'x') as Record<string, unknown>;
}

/**
 * Removed from values.yaml but still read: 1.25+ templates take `coalesce(.platform, .global.platform)`
 * (facts §2.3, relnote 54264), so `global.platform` keeps working without a default in base.
 */
const STILL_READ = new Set(['base:global.platform']);

describe('values removed by a hop that the facts name are known-wrong keys from that hop on', () => {
  const maybe = facts && hops.every(([x, y]) => sharedIstioDir(x) && sharedIstioDir(y)) ? test : test.skip;

  maybe('every hop', () => {
    const found: string[] = [];
    for (const [from, to] of hops) {
      const tokens = new Set([...section(facts!.text, from, to).matchAll(/`([A-Za-z_.]+)`/g)].map((m) => m[1]));
      for (const chart of Object.values(IstioChart)) {
        const before = new ChartValuesReference(sharedIstioDir(from)!, chart);
        const after = new ChartValuesReference(sharedIstioDir(to)!, chart);
        const paths = leafPaths((before as unknown as { defaults: Record<string, unknown> }).defaults).map((p) => p.split('.').slice(0, 3).join('.'));
        for (const p of new Set(paths)) {
          if (after.problems(asValues(p)).length === 0 || STILL_READ.has(`${chart}:${p}`)) continue; // still read by the next minor
          const bare = before.flattened || !['istiod', 'cni'].includes(chart) ? p : p.split('.').slice(1).join('.');
          const named = tokens.has(p) || tokens.has(bare) || [...tokens].some((t) => !t.includes('.') && t.length >= 8 && p.endsWith(`.${t}`));
          if (!named) continue;
          found.push(`${from}→${to} ${chart}:${p}`);
          const rules = knownWrongKeys(chart, to).map((r) => r.path);
          expect({ hop: `${from} → ${to}`, chart, path: p, covered: rules.some((r) => p === r || p.startsWith(`${r}.`) || bare === r) })
            .toEqual({ hop: `${from} → ${to}`, chart, path: p, covered: true });
        }
      }
    }
    // Not vacuous: the facts name removals in several hops (1.23 cni.logLevel, 1.24 base remote values, 1.26 rollingMaxUnavailable, 1.27 multiCluster).
    expect(found.length).toBeGreaterThanOrEqual(4);
  });
});
