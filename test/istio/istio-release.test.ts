import { parse } from 'yaml';
import { TerraformVariable } from 'cdktf';
import { IstioVersion } from '../../lib/catalog/istio-versions';
import { IstioChart } from '../../lib/private/istio-chart-values';
import { newIstioChartRelease } from '../../lib/private/istio-release';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { MeshCluster } from '../../lib/istio/mesh-cluster';
import { existingClusterMesh, release, resourcesOf, synthJson, testStack, warningsIn } from '../util';

/** Istio's chart home from December 2026 (istio.io blog "An update on our move to AWS", 2026-08-21). */
const NEW_HOME = 'https://blob.istio.io/istio-release/charts';
const OFFICIAL = ['istio-base', 'istio-cni', 'istiod', 'ztunnel'];

describe('Istio chart releases: one builder, one policy', () => {
  test('every official chart comes from https://blob.istio.io/istio-release/charts by default, never the retiring GCS bucket', () => {
    const stack = testStack();
    const mesh = existingClusterMesh(stack);
    const json = synthJson(stack);
    for (const name of OFFICIAL) expect(release(json, name).repository).toBe(NEW_HOME);
    expect(mesh.chartRepository).toBe(NEW_HOME);
    expect(JSON.stringify(json)).not.toContain('storage.googleapis.com');
  });

  test.each(['oci://ghcr.io/istio/release/charts', 'https://artifactory.example.com/artifactory/api/helm/istio', 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/istio-charts'])(
    "chartRepository %p is used by every official chart and not by the generated chart", (repo) => {
      const stack = testStack();
      existingClusterMesh(stack, { chartRepository: repo });
      const json = synthJson(stack);
      for (const name of OFFICIAL) expect(release(json, name)).toMatchObject({ repository: repo, chart: expect.stringMatching(/^(base|cni|istiod|ztunnel)$/) });
      expect(release(json, 'istio-mesh-config').repository).toBeUndefined();
    });

  test('a Terraform variable is accepted as chartRepository (checked by Helm at apply)', () => {
    const stack = testStack();
    const v = new TerraformVariable(stack, 'charts', { type: 'string' });
    existingClusterMesh(stack, { chartRepository: v.stringValue });
    expect(release(synthJson(stack), 'istiod').repository).toBe('${var.charts}');
  });

  test.each([
    ['ftp://mirror.example.com/charts'],
    ['https://user:secret@mirror.example.com/charts'],
    ['https://mirror.example.com/charts?token=x'],
    ['https://mirror.example.com/charts#x'],
    ['https://mirror.example.com/${file("/etc/hostname")}'],
    ['oci://'],
    ['mirror.example.com/charts'],
    [''],
    [' https://blob.istio.io/istio-release/charts'],
  ])('fails when chartRepository is %p, before any child exists', (repo) => {
    const stack = testStack();
    expect(() => existingClusterMesh(stack, { chartRepository: repo })).toThrow(IstioMeshValidationError);
    expect(() => existingClusterMesh(stack, { chartRepository: repo }, 'Mesh2'))
      .toThrow(/^'chartRepository' must be a Helm chart repository URL, got .* \('https:\/\/host\/path' \(a repository with index\.yaml\) or 'oci:\/\/registry\/path'/);
    expect(stack.node.tryFindChild('Mesh')?.node.children ?? []).toEqual([]);
  });

  test('fails when chartRepository is not a string (a JavaScript caller)', () => {
    expect(() => existingClusterMesh(testStack(), { chartRepository: 42 as unknown as string })).toThrow(/^'chartRepository' must be a string, got 42/);
  });

  test('every Istio release, official or generated, shares the policy: wait, atomic, cleanup_on_fail, timeout', () => {
    const stack = testStack();
    existingClusterMesh(stack, { helmTimeoutSeconds: 900 });
    const releases = resourcesOf(synthJson(stack), 'helm_release');
    expect(releases).toHaveLength(5);
    for (const [, r] of releases) expect(r).toMatchObject({ wait: true, atomic: true, cleanup_on_fail: true });
    for (const name of OFFICIAL) expect(release(synthJson(stack), name).timeout).toBe(900);
  });

  test('install order follows the docs: 1.22 base → cni → istiod → ztunnel; from 1.23 istiod before cni and ztunnel (skew rule)', () => {
    const order = (v: IstioVersion): string[] => {
      const stack = testStack();
      existingClusterMesh(stack, { istioVersion: v });
      const json = synthJson(stack);
      const byAddr = new Map(resourcesOf(json, 'helm_release').map(([id, r]) => [`helm_release.${id}`, r]));
      // Walk depends_on back from ztunnel.
      const chain: string[] = [];
      let cur: Record<string, unknown> | undefined = release(json, 'ztunnel');
      while (cur) {
        chain.unshift(cur.name as string);
        const dep: string | undefined = ((cur.depends_on as string[] | undefined) ?? []).find((d) => byAddr.has(d));
        cur = dep ? byAddr.get(dep) : undefined;
      }
      return chain;
    };
    expect(order(IstioVersion.V1_22_8)).toEqual(['istio-base', 'istio-cni', 'istiod', 'ztunnel']);
    for (const v of IstioVersion.latestPatches().slice(1)) expect(order(v)).toEqual(['istio-base', 'istiod', 'istio-cni', 'ztunnel']);
  });

  test('a revisioned istiod (the canary recipe) carries revision, and escape values may not add revision tags', () => {
    const stack = testStack();
    newIstioChartRelease(stack, 'Canary', {
      chart: IstioChart.ISTIOD, version: IstioVersion.V1_23_6, releaseName: 'istiod-1-23-6', namespace: 'istio-system',
      values: { revision: '1-23-6' }, timeoutSeconds: 600,
    });
    const json = synthJson(stack);
    const body = resourcesOf(json, 'helm_release')[0][1];
    expect(body).toMatchObject({ name: 'istiod-1-23-6', chart: 'istiod', version: '1.23.6', repository: NEW_HOME, atomic: true });
    expect(parse((body.values as string[])[0])).toEqual({ profile: 'ambient', revision: '1-23-6' });
    expect(() => newIstioChartRelease(testStack(), 'Canary', {
      chart: IstioChart.ISTIOD, version: IstioVersion.V1_23_6, releaseName: 'istiod-1-23-6', namespace: 'istio-system',
      values: { revision: '1-23-6' }, timeoutSeconds: 600, escapeValues: { revisionTags: ['prod'] }, escapeProp: 'istiodValues',
    })).toThrow(/^'istiodValues' must not set 'revisionTags' on a revisioned istiod/);
  });
});

describe('sources Istio retires in December 2026', () => {
  test.each([
    [{ chartRepository: 'https://istio-release.storage.googleapis.com/charts' }, /'chartRepository' https:\/\/istio-release\.storage\.googleapis\.com\/charts loses Istio's charts in December 2026/],
    [{ chartRepository: 'oci://gcr.io/istio-release/charts' }, /'chartRepository' oci:\/\/gcr\.io\/istio-release\/charts loses/],
    [{ imageHub: 'registry.istio.io/release' }, /'imageHub' registry\.istio\.io\/release is a registry Istio decommissions/],
    [{ imageHub: 'gcr.io/istio-release' }, /'imageHub' gcr\.io\/istio-release is a registry Istio decommissions/],
  ])('%p synthesizes with a warning', (props, message) => {
    const stack = testStack();
    const mesh = existingClusterMesh(stack, props);
    expect(mesh.warnings).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    expect(warningsIn(stack)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('the new home and a pull-through cache warn about nothing of the kind', () => {
    const mesh = existingClusterMesh(testStack(), { imageHub: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/istio', chartRepository: 'oci://ghcr.io/istio/release/charts' });
    expect(mesh.warnings.filter((w) => /December 2026/.test(w))).toEqual([]);
  });
});

describe('cni excludeNamespaces vs enrolled namespaces', () => {
  test.each([
    [IstioVersion.V1_22_8, { cni: { excludeNamespaces: ['kube-system', 'shop'] } }, /^'cniValues' lists the enrolled namespace 'shop' in excludeNamespaces: istio-cni never redirects its pods, got 'shop'/],
    [IstioVersion.V1_29_6, { excludeNamespaces: ['shop'] }, /^'cniValues' lists the enrolled namespace 'shop' in excludeNamespaces: istio-cni never redirects its pods, got/],
    [IstioVersion.V1_30_3, { excludeNamespaces: ['shop'] }, /^'cniValues' lists the enrolled namespace 'shop' in excludeNamespaces: istio-cni never redirects its pods, and Istio 1\.30\+ un-enrolls its running pods/],
    [IstioVersion.V1_30_3, { cni: { excludeNamespaces: ['shop'] } }, /un-enrolls its running pods/],
  ])('fails for %s when cniValues exclude an enrolled namespace', (istioVersion, cniValues, message) => {
    expect(() => existingClusterMesh(testStack(), { istioVersion, cniValues, ambientNamespaces: ['shop'] })).toThrow(message);
  });

  test('other excluded namespaces are fine; on 1.22 a top-level excludeNamespaces is a known-wrong key (the chart reads cni.excludeNamespaces)', () => {
    expect(() => existingClusterMesh(testStack(), { istioVersion: IstioVersion.V1_30_3, cniValues: { excludeNamespaces: ['kube-system', 'batch'] }, ambientNamespaces: ['shop'] })).not.toThrow();
    expect(() => existingClusterMesh(testStack(), { istioVersion: IstioVersion.V1_22_8, cniValues: { excludeNamespaces: ['batch'] } }))
      .toThrow(/^'cniValues' sets 'excludeNamespaces', which the Istio 1\.22 cni chart does not read: this minor's cni chart reads 'cni\.excludeNamespaces'/);
  });
});

describe('a supported pair installs cleanly', () => {
  test('the newest Istio on a new cluster without kubernetesVersion: the newest Kubernetes both it and EKS support, no opt-in, no warning', () => {
    const stack = testStack();
    const mesh = new IstioAmbientCluster(stack, 'Mesh', {
      cluster: MeshCluster.create({ clusterName: 'pair', region: 'eu-west-1' }), istioVersion: IstioVersion.LATEST,
    });
    // EKS calendar on 2026-11-24: 1.35 in standard support (to 2027-03-27); Istio 1.30 supports 1.32–1.36.
    expect(mesh.kubernetesVersion).toBe('1.35');
    expect(mesh.warnings).toEqual([]);
    expect(warningsIn(stack)).toEqual([]);
    expect(release(synthJson(stack), 'istiod').version).toBe(IstioVersion.LATEST.version);
  });

  test('the default release keeps its failure on a new cluster (EKS creates nothing in 1.22\'s range) and its warnings with the opt-in', () => {
    expect(() => new IstioAmbientCluster(testStack(), 'Mesh', { cluster: MeshCluster.create({ clusterName: 'old', region: 'eu-west-1' }) }))
      .toThrow(/defaults to 1\.30, the newest Kubernetes Istio 1\.22\.8 supports, which EKS does not create on 2026-11-24/);
    const stack = testStack();
    new IstioAmbientCluster(stack, 'Mesh', { cluster: MeshCluster.create({ clusterName: 'old', region: 'eu-west-1', kubernetesVersion: '1.32' }), allowUnsupportedKubernetesVersion: true });
    expect(warningsIn(stack)).toEqual(expect.arrayContaining([expect.stringMatching(/outside the supported range/), expect.stringMatching(/Istio 1\.22 is past its expected end of life/)]));
  });
});
