import { parse } from 'yaml';
import { IstioVersion } from '../../lib/catalog/istio-versions';
import { CanaryPhase, CanaryStage, resolveStages } from '../../lib/istio/canary-phase';
import { DataPlaneUpdate, IstioCanaryRevision } from '../../lib/istio/istio-canary-revision';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { MeshCluster } from '../../lib/istio/mesh-cluster';
import { release, resourcesOf, synthJson, testStack, warningsIn } from '../util';
import { CanaryOptions, canaryStack, meshProps, planDiff, synthCanary } from './canary-util';

const V = (v: string) => IstioVersion.of(v);
const values = (r: Record<string, unknown>) => parse((r.values as string[])[0]) as Record<string, any>;

/** A patch canary within 1.22 (1.22.5 → 1.22.8): the same phase machine as a minor hop. */
const PATCH: CanaryOptions = { canaryVersion: V('1.22.8'), phase: CanaryPhase.INSTALLED, stages: [CanaryStage.namespaces('shop'), CanaryStage.percent(100)] };

describe('CanaryPhase and stages', () => {
  test('the pipeline form round-trips and orders the phases', () => {
    for (const text of ['installed', 'stage-1', 'stage-12', 'promoted', 'old-removed']) expect(CanaryPhase.of(text).toString()).toBe(text);
    expect(CanaryPhase.of('promoted').atLeast(CanaryPhase.of('stage-3').step)).toBe(true);
    expect(CanaryPhase.of('stage-1').atLeast(CanaryPhase.PROMOTED.step)).toBe(false);
  });

  test('fails when the phase is not one of the phases', () => {
    expect(() => CanaryPhase.of('canary')).toThrow(/^'phase' must be a canary phase, got 'canary' \(allowed: 'installed', 'stage-<n>', 'promoted', 'old-removed'\)/);
    expect(() => CanaryPhase.of('stage-0')).toThrow(/^'phase' must name a stage number from 1, got 0/);
  });

  test('stages are cumulative; a percentage takes the first ⌈p·N/100⌉ enrolled namespaces in ascending name order', () => {
    const enrolled = ['shop', 'apps', 'legacy', 'billing'];
    const stages = [CanaryStage.percent(25), CanaryStage.namespaces('shop'), CanaryStage.percent(50), CanaryStage.percent(100)];
    expect(resolveStages(stages, enrolled, 0)).toEqual([]);
    expect(resolveStages(stages, enrolled, 1)).toEqual(['apps']); // ⌈1⌉ of apps, billing, legacy, shop
    expect(resolveStages(stages, enrolled, 2)).toEqual(['apps', 'shop']);
    expect(resolveStages(stages, enrolled, 3)).toEqual(['apps', 'billing', 'shop']);
    expect(resolveStages(stages, enrolled, 4)).toEqual(['apps', 'billing', 'legacy', 'shop']);
    expect(resolveStages([CanaryStage.percent(1)], enrolled, 1)).toEqual(['apps']); // rounds up: never an empty stage by rounding
    expect(resolveStages([CanaryStage.percent(0)], enrolled, 1)).toEqual([]);
  });

  test('fails when a stage names an unknown namespace', () => {
    expect(() => synthCanary(V('1.22.5'), { ...PATCH, stages: [CanaryStage.namespaces('shop', 'payments')] }))
      .toThrow(/^'stages\[0\]' must name only namespaces enrolled in the mesh, got 'payments' \(enrolled: apps, legacy, shop\)/);
  });

  test.each([101, -1, Number.NaN])('fails when a percentage is outside 0–100 (%p)', (p) => {
    expect(() => synthCanary(V('1.22.5'), { ...PATCH, stages: [CanaryStage.percent(p)] })).toThrow(/^'stages\[0\]' must be a percentage from 0 to 100, got/);
  });

  test('fails when the phase names a stage that does not exist', () => {
    expect(() => synthCanary(V('1.22.5'), { ...PATCH, phase: CanaryPhase.tagsMoving(3) }))
      .toThrow(/^'phase' must name a stage that exists \(stages: 2\), got 'stage-3' \(allowed: stage-1 … stage-2\)/);
  });
});

describe('IstioCanaryRevision: validation (synth fails, nothing is created)', () => {
  const fails = (meshVersion: string, opts: Partial<CanaryOptions>, message: RegExp) => {
    const { stack, mesh } = canaryStack(V(meshVersion));
    let error: unknown;
    try {
      new IstioCanaryRevision(stack, 'Upgrade', { mesh, ...PATCH, ...opts });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IstioMeshValidationError);
    expect((error as Error).message).toMatch(message);
    // nothing of the canary was created and the mesh is untouched
    expect(stack.node.tryFindChild('Upgrade')?.node.children.length ?? 0).toBe(0);
    expect(release(synthJson(stack), 'istio-base').version).toBe(meshVersion);
  };

  test.each([
    ['Canary_1', /^'canaryRevision' must be a DNS-1123 label, got 'Canary_1'/],
    ['a'.repeat(47), /^'canaryRevision' must be a DNS-1123 label, got 'a{47}' \(.*at most 46 characters/],
    ['default', /^'canaryRevision' must not be 'default' \(the name of the unrevisioned istiod\)/],
  ])('fails when the canary revision name is invalid (%s)', (canaryRevision, message) => {
    fails('1.22.5', { canaryRevision }, message);
  });

  test('fails when the canary revision equals the stable revision', () => {
    fails('1.22.5', { stable: { version: V('1.22.5'), revision: 'blue' }, canaryRevision: 'blue' }, /^'canaryRevision' must differ from the stable revision, got 'blue'/);
  });

  test('fails when the stable revision name is invalid', () => {
    fails('1.22.5', { stable: { version: V('1.22.5'), revision: 'Blue' } }, /^'stable.revision' must be a DNS-1123 label, got 'Blue'/);
  });

  test('fails when the two tags are the same (duplicate tag)', () => {
    fails('1.22.5', { stableTag: 'prod', canaryTag: 'prod' }, /^'canaryTag' must differ from 'stableTag' \(a tag points at one revision\), got 'prod'/);
  });

  test.each([
    [{ stableTag: 'Prod' }, /^'stableTag' must be a DNS-1123 label, got 'Prod'/],
    [{ canaryTag: 'default' }, /^'canaryTag' must not be 'default', got 'default' \(use 'defaultTag: true'/],
    [{ canaryTag: '1-22-8' }, /^'canaryTag' must not equal a revision name .*got '1-22-8' \(revisions: default, 1-22-8\)/],
  ])('fails when a tag is not one Istio can tell from a revision (%p)', (opts, message) => {
    fails('1.22.5', opts, message);
  });

  test('fails when the default tag is asked for while the unrevisioned istiod still runs', () => {
    fails('1.22.5', { defaultTag: true }, /^'defaultTag' must not be set while the unrevisioned istiod runs .*got true \(set it from phase 'old-removed'/);
  });

  test.each([['1.22.5', /got '1.22.5' \(a later 1.22 patch or 1.23/], ['1.22.3', /got '1.22.3'/]])('fails when the canary is not newer than the stable (%s)', (canary, message) => {
    fails('1.22.5', { canaryVersion: V(canary) }, new RegExp(`^'canaryVersion' must be newer than the stable release 1.22.5, ${message.source}`));
  });

  test('fails when the canary skips a minor, naming the next hop', () => {
    fails('1.22.8', { canaryVersion: V('1.24.6') }, /^'canaryVersion' must not skip a minor: from 1.22.8 the next hop is 1.23 \(latest 1.23.6\), got '1.24.6'/);
    fails('1.22.8', { stable: { version: V('1.23.6') }, canaryVersion: V('1.25.5') }, /next hop is 1.24 \(latest 1.24.6\), got '1.25.5'/);
  });

  test('fails when the data plane is more than one minor behind the canary', () => {
    fails('1.22.8', { stable: { version: V('1.23.6') }, canaryVersion: V('1.24.6'), dataPlaneVersion: V('1.22.8') },
      /^'dataPlaneVersion' must not be more than one minor behind the control plane 1.24.6, got '1.22.8' \(finish the previous hop first: data plane at 1.23.6\)/);
  });

  test('fails when OnDelete is asked for with charts that do not offer it (before 1.26)', () => {
    fails('1.22.8', { canaryVersion: V('1.23.6'), dataPlaneUpdate: DataPlaneUpdate.ON_DELETE },
      /^'dataPlaneUpdate' must be ROLLING with data plane 1.22.8: the cni and ztunnel charts offer 'updateStrategy' from 1.26, got 'OnDelete'/);
  });

  test('fails when the stable release is older than what the mesh installed', () => {
    fails('1.22.5', { stable: { version: V('1.22.3') }, canaryVersion: V('1.22.8') }, /^'stable.version' must not be older than the mesh's installed release \(1.22.5\), got '1.22.3'/);
  });

  test('fails when the data plane is ahead of the control plane', () => {
    fails('1.22.5', { canaryVersion: V('1.22.7'), dataPlaneVersion: V('1.22.8'), phase: CanaryPhase.PROMOTED },
      /^'dataPlaneVersion' must not be ahead of the control plane \(newest: 1.22.7\), got '1.22.8'/);
  });

  test('fails when the data plane moves to the canary before promotion', () => {
    fails('1.22.5', { dataPlaneVersion: V('1.22.8'), phase: CanaryPhase.tagsMoving(2) },
      /^'dataPlaneVersion' must not move to the canary 1.22.8 before the canary is promoted, got '1.22.8' \(phase is 'stage-2'/);
  });

  test('fails when the data plane is neither the stable nor the canary release', () => {
    fails('1.22.5', { dataPlaneVersion: V('1.22.6'), phase: CanaryPhase.PROMOTED },
      /^'dataPlaneVersion' must be the stable or the canary release \(ztunnel is pointed at one revision by name\), got '1.22.6'/);
  });

  test('fails when removing the old revision while ztunnel still uses it', () => {
    fails('1.22.5', { phase: CanaryPhase.OLD_REMOVED },
      /^'phase' must not remove revision 'default' while it is in use by ztunnel \(dataPlaneVersion 1.22.5\), got 'old-removed'/);
  });

  test('fails when removing the old revision while a namespace is pinned to it', () => {
    fails('1.22.5', { phase: CanaryPhase.OLD_REMOVED, dataPlaneVersion: V('1.22.8'), pinnedNamespaces: ['legacy'] },
      /^'phase' must not remove revision 'default' while it is in use by namespace legacy \(pinnedNamespaces\)/);
  });

  test('fails when a pinned namespace is not enrolled, or is also staged', () => {
    fails('1.22.5', { pinnedNamespaces: ['nope'] }, /^'pinnedNamespaces' must name only namespaces enrolled in the mesh, got 'nope'/);
    fails('1.22.5', { pinnedNamespaces: ['shop'] }, /^'stages' must not name a pinned namespace, got 'shop'/);
  });

  test('fails when a prop is misspelt or has the wrong type (JavaScript callers), with the construct path', () => {
    fails('1.22.5', { canaryTags: 'x' } as never, /^'canaryTags' is not a prop of IstioCanaryRevision/);
    fails('1.22.5', { phase: 'promoted' } as never, /^'phase' must be a CanaryPhase/);
    const { stack, mesh } = canaryStack(V('1.22.5'));
    let error: IstioMeshValidationError | undefined;
    try { new IstioCanaryRevision(stack, 'Upgrade', { mesh, ...PATCH, canaryRevision: 'X' }); } catch (e) { error = e as IstioMeshValidationError; }
    expect(error?.constructPath).toBe('test/Upgrade');
  });

  test('fails when a second canary targets the same mesh (two canaries at once)', () => {
    const { stack, mesh } = canaryStack(V('1.22.5'), PATCH);
    expect(() => new IstioCanaryRevision(stack, 'Second', { mesh, ...PATCH, canaryVersion: V('1.22.7') }))
      .toThrow(/^'mesh' must not run two canaries at once: 'test\/Upgrade' already canaries this mesh, got 'test\/Second'/);
    expect(stack.node.tryFindChild('Second')?.node.children.length).toBe(0);
  });
});

test('warns when the cluster\'s Kubernetes version is outside the canary\'s supported range (istio.io support table)', () => {
  const stack = testStack();
  const mesh = new IstioAmbientCluster(stack, 'Mesh', { cluster: MeshCluster.lookup({ clusterName: 'k', region: 'eu-west-1', kubernetesVersion: '1.27' }), allowUnsupportedKubernetesVersion: true });
  const ok = new IstioCanaryRevision(stack, 'Upgrade', { mesh, canaryVersion: V('1.23.6'), phase: CanaryPhase.INSTALLED });
  expect(warningsIn(ok)).toEqual([]);
  const stack2 = testStack();
  const mesh2 = new IstioAmbientCluster(stack2, 'Mesh', { cluster: MeshCluster.lookup({ clusterName: 'k', region: 'eu-west-1', kubernetesVersion: '1.27' }), allowUnsupportedKubernetesVersion: true });
  const hop = new IstioCanaryRevision(stack2, 'Upgrade', { mesh: mesh2, stable: { version: V('1.23.6') }, canaryVersion: V('1.24.6'), phase: CanaryPhase.INSTALLED });
  expect(warningsIn(hop)).toEqual([expect.stringMatching(/^Istio 1.24.6 supports Kubernetes 1.28–1.31; the cluster runs 1.27\. Upgrade the cluster before this hop/)]);
});

describe('IstioCanaryRevision: a patch canary on a mesh installed by IstioAmbientCluster', () => {
  const before = synthCanary(V('1.22.5')).json;
  const installed = synthCanary(V('1.22.5'), PATCH);

  test('installing the canary leaves the running istiod, cni and ztunnel untouched: base upgrades, the rest is added', () => {
    expect(planDiff(before, installed.json)).toEqual({
      create: ['helm_release.istio-tag-prod-canary', 'helm_release.istio-tag-prod-stable', 'helm_release.istiod-1-22-8',
        'rev-label.apps', 'rev-label.legacy', 'rev-label.shop'],
      destroy: [],
      update: ['helm_release.istio-base'],
    });
  });

  test('the canary istiod: revision from the version, ambient profile, pinned chart, after the base (CRD) upgrade', () => {
    const r = release(installed.json, 'istiod-1-22-8');
    expect(r).toMatchObject({ chart: 'istiod', version: '1.22.8', namespace: 'istio-system', wait: true, atomic: true });
    expect(values(r)).toEqual({ profile: 'ambient', revision: '1-22-8' });
    expect(r.depends_on).toEqual([`helm_release.${release(installed.json, 'istio-base').logicalId}`]);
    expect(release(installed.json, 'istio-base').version).toBe('1.22.8');
  });

  test('helmTimeoutSeconds reaches the istiod releases it installs; without it the mesh\'s applies', () => {
    expect(release(synthCanary(V('1.22.5'), { ...PATCH, helmTimeoutSeconds: 900 }).json, 'istiod-1-22-8').timeout).toBe(900);
    expect(release(installed.json, 'istiod-1-22-8').timeout).toBe(600);
  });

  test('fails when helmTimeoutSeconds is outside 60–3600', () => {
    expect(() => synthCanary(V('1.22.5'), { ...PATCH, helmTimeoutSeconds: 10 })).toThrow(/^'helmTimeoutSeconds' must be an integer from 60 to 3600, got 10/);
  });

  test('the default tag (asked for once the stable is revisioned) follows the stable tag and carries the legacy selectors', () => {
    const hop = (phase: CanaryPhase) => synthCanary(V('1.22.5'), { stable: { version: V('1.22.7') }, canaryVersion: V('1.22.8'), phase, defaultTag: true });
    const a = hop(CanaryPhase.INSTALLED);
    const b = hop(CanaryPhase.PROMOTED);
    expect(a.upgrade!.tagTargets).toEqual({ 'prod-stable': '1-22-7', 'prod-canary': '1-22-8', default: '1-22-7' });
    expect(b.upgrade!.tagTargets).toEqual({ 'prod-stable': '1-22-8', 'prod-canary': '1-22-8', default: '1-22-8' });
    expect(planDiff(a.json, b.json).update).toEqual(['helm_release.istio-base', 'helm_release.istio-tag-default', 'helm_release.istio-tag-prod-stable']);
    const [hook] = b.upgrade!.tags.default.kubernetesObjects as any[];
    expect(hook.webhooks.map((w: { name: string }) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io', 'namespace.sidecar-injector.istio.io', 'object.sidecar-injector.istio.io']);
  });

  test('the stable tag points at the unrevisioned istiod (service istiod, istio.io/rev=default), the canary tag at the canary', () => {
    const tags = installed.upgrade!.tags;
    const [stableHook] = tags['prod-stable'].kubernetesObjects as any[];
    const [canaryHook] = tags['prod-canary'].kubernetesObjects as any[];
    expect(stableHook.metadata.labels).toMatchObject({ 'istio.io/tag': 'prod-stable', 'istio.io/rev': 'default' });
    expect(stableHook.webhooks[0].clientConfig.service.name).toBe('istiod');
    expect(canaryHook.metadata.labels).toMatchObject({ 'istio.io/tag': 'prod-canary', 'istio.io/rev': '1-22-8' });
    expect(canaryHook.webhooks[0].clientConfig.service.name).toBe('istiod-1-22-8');
  });

  test('every enrolled namespace carries the stable tag with sidecar injection kept off', () => {
    const labels = resourcesOf(installed.json, 'kubernetes_labels').filter(([, l]) => l.field_manager === 'cdktf-istio-mesh-revision');
    expect(labels.map(([, l]) => [(l.metadata as any).name, l.labels])).toEqual(['apps', 'legacy', 'shop'].map((ns) => [ns, { 'istio.io/rev': 'prod-stable', 'istio-injection': 'disabled' }]));
  });
});

describe('re-pinned releases stay Terraform-safe', () => {
  test("escape values with '${' are escaped in the re-pinned base, cni and ztunnel (not only in the first render)", () => {
    const stack = testStack();
    const mesh = new IstioAmbientCluster(stack, 'Mesh', {
      ...meshProps(), istioVersion: V('1.22.5'),
      baseValues: { global: { imagePullSecrets: ['pull-${env}'] } },
      cniValues: { cni: { podAnnotations: { note: '${not.a.terraform.ref}' } } },
      ztunnelValues: { podAnnotations: { note: '%{ if true }x%{ endif }' } },
    });
    new IstioCanaryRevision(stack, 'Upgrade', { mesh, ...PATCH, phase: CanaryPhase.PROMOTED, dataPlaneVersion: V('1.22.8') });
    const json = synthJson(stack);
    const values = (name: string): string => (release(json, name).values as string[])[0];
    // Terraform reads `$${` as a literal `${` and `%%{` as `%{`; an unescaped one would be interpolated.
    expect(values('istio-base')).toContain('pull-$${env}');
    expect(values('istio-cni')).toContain('$${not.a.terraform.ref}');
    expect(values('ztunnel')).toContain('%%{ if true }x%%{ endif }');
    for (const name of ['istio-base', 'istio-cni', 'ztunnel']) expect(values(name)).not.toMatch(/(^|[^$])\$\{|(^|[^%])%\{/);
  });
});
