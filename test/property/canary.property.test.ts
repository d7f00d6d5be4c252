/**
 * Property test over IstioCanaryRevision (fast-check): any combination of mesh release, stable
 * (unrevisioned or revisioned), canary release, phase, stages, pins, tags and data-plane release
 * either fails with the library's validation error naming one of the canary's props, or synthesizes
 * a stack that keeps the upgrade's invariants. `npm test` runs a bounded number (FUZZ_RUNS, default 60).
 *
 * Invariants (from Istio's behaviour, transcribed in test/istio/revision-tag-template.ts, and from the input):
 * - every tag points at a revision whose istiod is in the stack, and ztunnel's revision is one too;
 * - every enrolled namespace's waypoints are programmed by exactly one istiod;
 * - the data plane is never newer than the newest istiod, nor more than one minor behind it;
 * - every depends_on names a resource of the stack; every official-chart value exists in its minor's chart.
 */
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { ISTIO_CHART_REPOSITORY, IstioVersion } from '../../lib/catalog/istio-versions';
import { CanaryPhase, CanaryStage } from '../../lib/istio/canary-phase';
import { DataPlaneUpdate, IstioCanaryRevision } from '../../lib/istio/istio-canary-revision';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { ChartValuesReference } from '../conformance/istio-reference';
import { canaryStack, danglingDependsOn } from '../istio/canary-util';
import { waypointControllers } from '../istio/revision-tag-template';
import { resourcesOf, sharedIstioDir, synthJson } from '../util';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;
const PROPS = ['props', 'mesh', 'stable', 'canaryVersion', 'canaryRevision', 'phase', 'stages', 'stableTag', 'canaryTag', 'defaultTag',
  'pinnedNamespaces', 'dataPlaneVersion', 'dataPlaneUpdate', 'istiodValues', 'helmTimeoutSeconds', 'helmProvider', 'kubernetesProvider'];

const versions = IstioVersion.supported();
const version = fc.constantFrom(...versions);
const minorOf = (v: string) => v.split('.').slice(0, 2).join('.');
const values = (r: Record<string, unknown>) => (parse((r.values as string[])[0]) ?? {}) as Record<string, any>;
const cmp = (a: IstioVersion, b: IstioVersion) => {
  const [am, an] = a.minor.split('.').map(Number);
  const [bm, bn] = b.minor.split('.').map(Number);
  return am - bm || an - bn || a.patch - b.patch;
};

/** Valid hops are rare among random pairs: draw mostly coherent (mesh ≤ stable < canary ≤ next minor) upgrades. */
const nextOk = (stable: IstioVersion) => versions.filter((v) => cmp(v, stable) > 0 && Number(v.minor.split('.')[1]) - Number(stable.minor.split('.')[1]) <= 1);
const chain = fc.integer({ min: 0, max: versions.length - 2 }).chain((m) => fc.record({
  mesh: fc.constant(versions[m]),
  stableIndex: fc.option(fc.integer({ min: m, max: versions.length - 2 }), { nil: undefined }),
  pick: fc.nat(),
  coherent: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(true), fc.constant(false)),
  randomCanary: version,
}));
/** Mostly absent (the default), sometimes one of the given (often invalid) values. */
const rare = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: arb, weight: 1 });
const input = fc.record({
  chain,
  stableRevision: rare(fc.constantFrom('blue', 'green', 'Bad_Rev', 'default')),
  canaryRevision: rare(fc.constantFrom('green', 'canary', 'prod-stable')),
  phase: fc.constantFrom('installed', 'stage-1', 'stage-2', 'stage-3', 'promoted', 'old-removed'),
  stages: fc.array(fc.oneof(
    { arbitrary: fc.constantFrom('shop', 'apps', 'legacy').map((n) => CanaryStage.namespaces(n)), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 100 }).map((p) => CanaryStage.percent(p)), weight: 4 },
    { arbitrary: fc.constantFrom(CanaryStage.namespaces('nope'), CanaryStage.percent(120), CanaryStage.percent(-1)), weight: 1 },
  ), { maxLength: 3 }),
  stableTag: rare(fc.constantFrom('blue', 'default', 'Stable')),
  canaryTag: rare(fc.constantFrom('green', 'prod-stable')),
  defaultTag: rare(fc.boolean()),
  pinnedNamespaces: rare(fc.subarray(['shop', 'apps', 'legacy', 'nope'])),
  dataPlane: fc.constantFrom('default', 'stable', 'canary', 'canary', 'canary', 'any'),
  anyDataPlane: version,
  onDelete: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
});

test(`IstioCanaryRevision: ${RUNS} generated upgrades keep the invariants or fail naming a prop`, () => {
  let synthesized = 0;
  fc.assert(fc.property(input, (i) => {
    const c = i.chain;
    const { stack, mesh } = canaryStack(c.mesh);
    const stable = c.stableIndex === undefined ? undefined : { version: versions[c.stableIndex], revision: i.stableRevision };
    const stableVersion = stable?.version ?? c.mesh;
    const candidates = nextOk(stableVersion);
    const canaryVersion = c.coherent && candidates.length > 0 ? candidates[c.pick % candidates.length] : c.randomCanary;
    const dataPlaneVersion = i.dataPlane === 'stable' ? stableVersion : i.dataPlane === 'canary' ? canaryVersion : i.dataPlane === 'any' ? i.anyDataPlane : undefined;
    let upgrade: IstioCanaryRevision;
    try {
      upgrade = new IstioCanaryRevision(stack, 'Upgrade', {
        mesh, stable, canaryVersion, canaryRevision: i.canaryRevision, phase: CanaryPhase.of(i.phase),
        stages: i.stages, stableTag: i.stableTag, canaryTag: i.canaryTag, defaultTag: i.defaultTag, pinnedNamespaces: i.pinnedNamespaces,
        dataPlaneVersion, dataPlaneUpdate: i.onDelete ? DataPlaneUpdate.ON_DELETE : undefined,
      });
    } catch (e) {
      if (!(e instanceof IstioMeshValidationError)) throw e;
      expect(PROPS).toContain(e.prop.split(/[.[]/)[0]);
      return;
    }
    synthesized++;
    const json = synthJson(stack);
    const istiods = resourcesOf(json, 'helm_release').filter(([, r]) => r.chart === 'istiod');
    const revisions = istiods.map(([, r]) => (values(r).revision as string | undefined) ?? 'default');
    expect(new Set(revisions).size).toBe(revisions.length);
    for (const target of Object.values(upgrade.tagTargets)) expect(revisions).toContain(target);
    const ztunnel = resourcesOf(json, 'helm_release').find(([, r]) => r.name === 'ztunnel')![1];
    expect(revisions).toContain((values(ztunnel).revision as string | undefined) ?? 'default');
    const hooks = Object.values(upgrade.tags).map((t) => t.kubernetesObjects[0] as any);
    for (const [ns, label] of Object.entries(upgrade.namespaceRevisions)) expect([ns, waypointControllers(revisions, hooks, label).length]).toEqual([ns, 1]);
    const newest = istiods.map(([, r]) => IstioVersion.of(r.version as string)).sort(cmp).pop()!;
    const dp = IstioVersion.of(ztunnel.version as string);
    expect(cmp(dp, newest)).toBeLessThanOrEqual(0);
    expect(Number(newest.minor.split('.')[1]) - Number(dp.minor.split('.')[1])).toBeLessThanOrEqual(1);
    expect(danglingDependsOn(json)).toEqual([]);
    for (const [, r] of resourcesOf(json, 'helm_release').filter(([, x]) => x.repository === ISTIO_CHART_REPOSITORY)) {
      const dir = sharedIstioDir(minorOf(r.version as string));
      if (dir) expect(new ChartValuesReference(dir, r.chart as string).problems(values(r))).toEqual([]);
    }
  }), { numRuns: RUNS, seed: SEED });
  // The invariants must actually be exercised, not only the refusals.
  expect(synthesized).toBeGreaterThan(RUNS / 20); // about 18 % of the draws pass validation
});
