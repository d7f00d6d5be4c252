import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration';
import { Service } from 'kubernetes-models/v1/Service';
import { parse } from 'yaml';
import { ISTIO_CHART_REPOSITORY, IstioVersion } from '../../lib/catalog/istio-versions';
import { CanaryPhase, CanaryStage } from '../../lib/istio/canary-phase';
import { ChartValuesReference } from '../conformance/istio-reference';
import { SynthJson, release, resourcesOf, sharedIstioDir } from '../util';
import { CanaryOptions, danglingDependsOn, planDiff, synthCanary } from './canary-util';
import { waypointControllers } from './revision-tag-template';
import { IstioResourceChart } from '../../lib/istio/istio-resource-chart';
import { DataPlaneUpdate } from '../../lib/istio/istio-canary-revision';

/**
 * The upgrade walk the issue asks for: a mesh installed by IstioAmbientCluster at 1.22.8 (unrevisioned
 * istiod), canaried to 1.23.6 and then to 1.24.6, one synth per phase, as a pipeline would drive it.
 * Expected states come from the phase table (README "Canary upgrades") and Istio's documented order
 * (../shared/facts/istio-minor-hops.md §2.8: base/CRDs → istiod → cni → ztunnel → tags → delete old).
 */
const V = (v: string) => IstioVersion.of(v);
const values = (r: Record<string, unknown>) => (parse((r.values as string[])[0]) ?? {}) as Record<string, any>;
const STAGES = [CanaryStage.namespaces('shop'), CanaryStage.percent(100)];

interface Step {
  readonly name: string;
  readonly opts?: CanaryOptions;
  /** Expected: revision of each tag, `istio.io/rev` of each namespace, base defaultRevision, data plane. */
  readonly tags?: Record<string, string>;
  readonly namespaces?: Record<string, string>;
  readonly defaultRevision?: string;
  readonly istiods: string[];
  readonly dataPlane: { version: string; revision?: string };
}

const hop1 = (phase: string, dataPlane?: string): CanaryOptions => ({
  canaryVersion: V('1.23.6'), phase: CanaryPhase.of(phase), stages: STAGES, dataPlaneVersion: dataPlane ? V(dataPlane) : undefined,
});
const hop2 = (phase: string, dataPlane?: string): CanaryOptions => ({
  stable: { version: V('1.23.6') }, canaryVersion: V('1.24.6'), phase: CanaryPhase.of(phase), stages: STAGES,
  dataPlaneVersion: dataPlane ? V(dataPlane) : undefined,
});
const ns = (apps: string, legacy: string, shop: string) => ({ apps, legacy, shop });

const WALK: Step[] = [
  { name: 'mesh 1.22.8 as IstioAmbientCluster installs it', istiods: ['istiod'], dataPlane: { version: '1.22.8' } },
  { name: '1.23.6 installed', opts: hop1('installed'), tags: { 'prod-stable': 'default', 'prod-canary': '1-23-6' },
    namespaces: ns('prod-stable', 'prod-stable', 'prod-stable'), istiods: ['istiod', 'istiod-1-23-6'], dataPlane: { version: '1.22.8' } },
  { name: '1.23.6 stage-1', opts: hop1('stage-1'), tags: { 'prod-stable': 'default', 'prod-canary': '1-23-6' },
    namespaces: ns('prod-stable', 'prod-stable', 'prod-canary'), istiods: ['istiod', 'istiod-1-23-6'], dataPlane: { version: '1.22.8' } },
  { name: '1.23.6 stage-2', opts: hop1('stage-2'), tags: { 'prod-stable': 'default', 'prod-canary': '1-23-6' },
    namespaces: ns('prod-canary', 'prod-canary', 'prod-canary'), istiods: ['istiod', 'istiod-1-23-6'], dataPlane: { version: '1.22.8' } },
  { name: '1.23.6 promoted', opts: hop1('promoted'), tags: { 'prod-stable': '1-23-6', 'prod-canary': '1-23-6' }, defaultRevision: '1-23-6',
    namespaces: ns('prod-canary', 'prod-canary', 'prod-canary'), istiods: ['istiod', 'istiod-1-23-6'], dataPlane: { version: '1.22.8' } },
  { name: '1.23.6 promoted, data plane moved', opts: hop1('promoted', '1.23.6'), tags: { 'prod-stable': '1-23-6', 'prod-canary': '1-23-6' }, defaultRevision: '1-23-6',
    namespaces: ns('prod-canary', 'prod-canary', 'prod-canary'), istiods: ['istiod', 'istiod-1-23-6'], dataPlane: { version: '1.23.6', revision: '1-23-6' } },
  { name: '1.23.6 old removed', opts: hop1('old-removed', '1.23.6'), tags: { 'prod-stable': '1-23-6', 'prod-canary': '1-23-6' }, defaultRevision: '1-23-6',
    namespaces: ns('prod-stable', 'prod-stable', 'prod-stable'), istiods: ['istiod-1-23-6'], dataPlane: { version: '1.23.6', revision: '1-23-6' } },
  { name: '1.24.6 installed', opts: hop2('installed'), tags: { 'prod-stable': '1-23-6', 'prod-canary': '1-24-6' }, defaultRevision: '1-23-6',
    namespaces: ns('prod-stable', 'prod-stable', 'prod-stable'), istiods: ['istiod-1-23-6', 'istiod-1-24-6'], dataPlane: { version: '1.23.6', revision: '1-23-6' } },
  { name: '1.24.6 stage-1', opts: hop2('stage-1'), tags: { 'prod-stable': '1-23-6', 'prod-canary': '1-24-6' }, defaultRevision: '1-23-6',
    namespaces: ns('prod-stable', 'prod-stable', 'prod-canary'), istiods: ['istiod-1-23-6', 'istiod-1-24-6'], dataPlane: { version: '1.23.6', revision: '1-23-6' } },
  { name: '1.24.6 stage-2', opts: hop2('stage-2'), tags: { 'prod-stable': '1-23-6', 'prod-canary': '1-24-6' }, defaultRevision: '1-23-6',
    namespaces: ns('prod-canary', 'prod-canary', 'prod-canary'), istiods: ['istiod-1-23-6', 'istiod-1-24-6'], dataPlane: { version: '1.23.6', revision: '1-23-6' } },
  { name: '1.24.6 promoted', opts: hop2('promoted'), tags: { 'prod-stable': '1-24-6', 'prod-canary': '1-24-6' }, defaultRevision: '1-24-6',
    namespaces: ns('prod-canary', 'prod-canary', 'prod-canary'), istiods: ['istiod-1-23-6', 'istiod-1-24-6'], dataPlane: { version: '1.23.6', revision: '1-23-6' } },
  { name: '1.24.6 promoted, data plane moved', opts: hop2('promoted', '1.24.6'), tags: { 'prod-stable': '1-24-6', 'prod-canary': '1-24-6' }, defaultRevision: '1-24-6',
    namespaces: ns('prod-canary', 'prod-canary', 'prod-canary'), istiods: ['istiod-1-23-6', 'istiod-1-24-6'], dataPlane: { version: '1.24.6', revision: '1-24-6' } },
  { name: '1.24.6 old removed', opts: hop2('old-removed', '1.24.6'), tags: { 'prod-stable': '1-24-6', 'prod-canary': '1-24-6' }, defaultRevision: '1-24-6',
    namespaces: ns('prod-stable', 'prod-stable', 'prod-stable'), istiods: ['istiod-1-24-6'], dataPlane: { version: '1.24.6', revision: '1-24-6' } },
];

/** Exactly what changes between consecutive phases (Terraform addresses, labelled by release or namespace). */
const label = (ns_: string) => `rev-label.${ns_}`;
const ALL_LABELS = ['apps', 'legacy', 'shop'].map(label);
const EXPECTED_DIFFS: { create?: string[]; destroy?: string[]; update?: string[] }[] = [
  // → 1.23.6 installed: base (CRDs) first, the canary istiod and one release per tag beside the running mesh.
  { create: ['helm_release.istio-tag-prod-canary', 'helm_release.istio-tag-prod-stable', 'helm_release.istiod-1-23-6', ...ALL_LABELS], update: ['helm_release.istio-base'] },
  { update: [label('shop')] }, // stage-1 names shop
  { update: [label('apps'), label('legacy')] }, // stage-2: 100 % adds the rest
  { update: ['helm_release.istio-base', 'helm_release.istio-tag-prod-stable'] }, // promote: stable tag + defaultRevision
  { update: ['helm_release.istio-cni', 'helm_release.ztunnel'] }, // data plane in place, pointed at 1-23-6
  { destroy: ['helm_release.istiod'], update: ALL_LABELS }, // old control plane gone; namespaces back on the stable tag
  // → 1.24.6 installed: the 1-23-6 istiod keeps its address; only base, the canary tag and the new istiod change.
  { create: ['helm_release.istiod-1-24-6'], update: ['helm_release.istio-base', 'helm_release.istio-tag-prod-canary'] },
  { update: [label('shop')] },
  { update: [label('apps'), label('legacy')] },
  { update: ['helm_release.istio-base', 'helm_release.istio-tag-prod-stable'] },
  { update: ['helm_release.istio-cni', 'helm_release.ztunnel'] },
  { destroy: ['helm_release.istiod-1-23-6'], update: ALL_LABELS },
];

const synths: { json: SynthJson; upgrade?: ReturnType<typeof synthCanary>['upgrade'] }[] = WALK.map((s) => synthCanary(V('1.22.8'), s.opts));

describe('canary walk 1.22.8 → 1.23.6 → 1.24.6, one synth per phase', () => {
  test.each(WALK.slice(1).map((s, i) => [WALK[i].name, s.name, i + 1] as const))('%s → %s: exactly the expected resources change', (_a, _b, i) => {
    expect(planDiff(synths[i - 1].json, synths[i].json)).toEqual({ create: [], destroy: [], update: [], ...EXPECTED_DIFFS[i - 1] });
  });

  test.each(WALK.map((s, i) => [s.name, i] as const))('%s: tags, namespaces, istiods, base and data plane', (_n, i) => {
    const step = WALK[i];
    const { json, upgrade } = synths[i];
    const official = resourcesOf(json, 'helm_release').filter(([, r]) => r.repository === ISTIO_CHART_REPOSITORY);
    expect(official.filter(([, r]) => r.chart === 'istiod').map(([, r]) => r.name).sort()).toEqual(step.istiods);
    for (const [, r] of official.filter(([, x]) => x.chart === 'istiod')) expect(values(r).revision ?? 'default').toBe(r.name === 'istiod' ? 'default' : (r.name as string).slice('istiod-'.length));
    expect(values(release(json, 'istio-base')).defaultRevision).toBe(step.defaultRevision);
    expect(release(json, 'istio-cni').version).toBe(step.dataPlane.version);
    expect(release(json, 'ztunnel').version).toBe(step.dataPlane.version);
    expect(values(release(json, 'ztunnel')).revision).toBe(step.dataPlane.revision);
    if (!upgrade) return;
    expect(upgrade.tagTargets).toEqual(step.tags);
    expect(upgrade.namespaceRevisions).toEqual(step.namespaces);
    // each tag object names its target revision the way istiod reads it, and points at that revision's Service
    for (const [tag, chart] of Object.entries(upgrade.tags)) {
      const [mwc] = chart.kubernetesObjects as any[];
      expect(mwc.metadata.labels).toMatchObject({ 'istio.io/tag': tag, 'istio.io/rev': step.tags![tag] });
      expect(mwc.webhooks[0].clientConfig.service.name).toBe(step.tags![tag] === 'default' ? 'istiod' : `istiod-${step.tags![tag]}`);
      for (const o of chart.kubernetesObjects as any[]) {
        expect(() => (o.kind === 'Service' ? new Service(o) : new MutatingWebhookConfiguration(o)).validate()).not.toThrow();
      }
    }
    // the base (CRDs) is upgraded before the canary istiod, which is installed before cni and ztunnel move
    const base = `helm_release.${release(json, 'istio-base').logicalId}`;
    const canary = release(json, `istiod-${upgrade.canaryRevision}`);
    expect(canary.depends_on).toEqual([base]);
    if (step.dataPlane.revision === upgrade.canaryRevision) expect(release(json, 'istio-cni').depends_on).toEqual([`helm_release.${canary.logicalId}`]);
  });

  test.each(WALK.map((s, i) => [s.name, i] as const))('%s: every namespace\'s waypoints are programmed by exactly one istiod, the one the phase table names', (_n, i) => {
    const { json, upgrade } = synths[i];
    if (!upgrade) return;
    const revisions = resourcesOf(json, 'helm_release').filter(([, r]) => r.chart === 'istiod').map(([, r]) => (values(r).revision as string | undefined) ?? 'default');
    const hooks = Object.values(upgrade.tags).map((t) => t.kubernetesObjects[0] as any);
    for (const [ns, label] of Object.entries(upgrade.namespaceRevisions)) {
      const owner = WALK[i].tags![WALK[i].namespaces![ns]];
      expect([ns, waypointControllers(revisions, hooks, label)]).toEqual([ns, [owner]]);
    }
  });

  test.each(WALK.map((s, i) => [s.name, i] as const))('%s: no object is owned by two Helm releases; no istiod release renders tags', (_n, i) => {
    const { json, upgrade } = synths[i];
    const charts = upgrade ? upgrade.node.root.node.findAll().filter((c): c is IstioResourceChart => c instanceof IstioResourceChart) : [];
    const ids = charts.flatMap((c) => [...c.kubernetesObjects, ...c.resources].map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [, r] of resourcesOf(json, 'helm_release').filter(([, x]) => x.chart === 'istiod')) expect(values(r).revisionTags).toBeUndefined();
  });

  test.each(WALK.map((s, i) => [s.name, i] as const))('%s: every depends_on names a resource of the stack', (_n, i) => {
    expect(danglingDependsOn(synths[i].json)).toEqual([]);
  });

  test.each(WALK.map((s, i) => [s.name, i] as const))('%s: every value conforms to the chart of its version', (_n, i) => {
    const problems: string[] = [];
    for (const [, r] of resourcesOf(synths[i].json, 'helm_release').filter(([, x]) => x.repository === ISTIO_CHART_REPOSITORY)) {
      const minor = (r.version as string).split('.').slice(0, 2).join('.');
      const dir = sharedIstioDir(minor);
      if (dir) problems.push(...new ChartValuesReference(dir, r.chart as string).problems(values(r)));
    }
    expect(problems).toEqual([]);
  });
});

describe('rollback 1.23.6 promoted → stage-2 → stage-1 → installed moves the tags back, one small diff each', () => {
  // Indices into WALK: 4 promoted, 3 stage-2, 2 stage-1, 1 installed.
  test.each([[4, 3], [3, 2], [2, 1]])('phase %i → %i is the exact inverse of the forward step', (from, to) => {
    const back = planDiff(synths[from].json, synthCanary(V('1.22.8'), WALK[to].opts).json);
    const forward = EXPECTED_DIFFS[to];
    expect(back).toEqual({ create: forward.destroy ?? [], destroy: forward.create ?? [], update: forward.update ?? [] });
  });

  test('after the rollback the stable tag points at the unrevisioned istiod again and every namespace uses it', () => {
    const { upgrade } = synthCanary(V('1.22.8'), hop1('installed'));
    expect(upgrade!.tagTargets['prod-stable']).toBe('default');
    expect(new Set(Object.values(upgrade!.namespaceRevisions))).toEqual(new Set(['prod-stable']));
  });
});

describe('every hop of the version table, one minor at a time (latest patches)', () => {
  const latest = [...new Map(IstioVersion.supported().map((v) => [v.minor, v])).values()];
  const hops = latest.slice(0, -1).map((v, i) => [v.version, latest[i + 1].version] as const);

  test('the table has a hop for every minor from 1.22 to 1.30', () => {
    expect(hops.map(([a]) => a.split('.').slice(0, 2).join('.'))).toEqual(['1.22', '1.23', '1.24', '1.25', '1.26', '1.27', '1.28', '1.29']);
  });

  test.each(hops)('%s → %s: installed, promoted with the data plane moved, old removed; values conform; tag objects per the target minor', (from, to) => {
    for (const phase of ['installed', 'promoted', 'old-removed']) {
      const opts: CanaryOptions = {
        stable: from === '1.22.8' ? undefined : { version: V(from) }, canaryVersion: V(to), phase: CanaryPhase.of(phase),
        dataPlaneVersion: phase === 'installed' ? undefined : V(to),
        dataPlaneUpdate: DataPlaneUpdate.ROLLING,
      };
      const { json, upgrade } = synthCanary(V('1.22.8'), opts);
      const problems: string[] = [];
      for (const [, r] of resourcesOf(json, 'helm_release').filter(([, x]) => x.repository === ISTIO_CHART_REPOSITORY)) {
        const dir = sharedIstioDir((r.version as string).split('.').slice(0, 2).join('.'));
        if (dir) problems.push(...new ChartValuesReference(dir, r.chart as string).problems(values(r)));
      }
      expect(problems).toEqual([]);
      expect(danglingDependsOn(json)).toEqual([]);
      const canaryTag = upgrade!.tags['prod-canary'].kubernetesObjects as any[];
      const toMinor = to.split('.').slice(0, 2).join('.');
      expect(canaryTag.map((o) => o.kind)).toEqual(toMinor >= '1.28' ? ['MutatingWebhookConfiguration', 'Service'] : ['MutatingWebhookConfiguration']);
      expect(release(json, 'istio-base').version).toBe(to);
      expect(release(json, 'ztunnel').version).toBe(phase === 'installed' ? from : to);
    }
  });

  test.each(['1.23.6', '1.26.8', '1.29.6'])('a mesh first installed at %s (istiod before cni in its install order) retires its unrevisioned istiod cleanly', (meshVersion) => {
    const next = latest[latest.findIndex((v) => v.version === meshVersion) + 1];
    const { json } = synthCanary(V(meshVersion), { canaryVersion: next, phase: CanaryPhase.OLD_REMOVED, dataPlaneVersion: next });
    expect(danglingDependsOn(json)).toEqual([]);
    expect(resourcesOf(json, 'helm_release').filter(([, r]) => r.chart === 'istiod').map(([, r]) => r.name)).toEqual([`istiod-${next.revisionName}`]);
  });

  test('OnDelete on 1.26+ data planes sets updateStrategy on cni and ztunnel, and the values conform', () => {
    const { json } = synthCanary(V('1.22.8'), {
      stable: { version: V('1.26.8') }, canaryVersion: V('1.27.9'), phase: CanaryPhase.PROMOTED, dataPlaneVersion: V('1.27.9'), dataPlaneUpdate: DataPlaneUpdate.ON_DELETE,
    });
    const dir = sharedIstioDir('1.27');
    for (const name of ['istio-cni', 'ztunnel']) {
      expect(values(release(json, name)).updateStrategy).toEqual({ type: 'OnDelete' });
      if (dir) expect(new ChartValuesReference(dir, release(json, name).chart as string).problems(values(release(json, name)))).toEqual([]);
    }
  });
});
