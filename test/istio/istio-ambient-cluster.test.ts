import { parse } from 'yaml';
import { Annotations, TerraformStack, TerraformVariable } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { IstioVersion, ISTIO_CHART_REPOSITORY } from '../../lib/catalog/istio-versions';
import { EksCluster } from '../../lib/eks/eks-cluster';
import { ExistingEksCluster } from '../../lib/eks/existing-eks-cluster';
import { IstioAmbientCluster, IstioAmbientClusterProps } from '../../lib/istio/istio-ambient-cluster';
import { MtlsMode } from '../../lib/istio/resources';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { SynthJson, release, resourcesOf, synthJson, testStack } from '../util';

const NEW_OK: IstioAmbientClusterProps = { clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33', allowUnsupportedKubernetesVersion: true };
const EXISTING: IstioAmbientClusterProps = { clusterName: 'mesh', region: 'eu-west-1', existingCluster: true };

function synthMesh(props: IstioAmbientClusterProps, stack: TerraformStack = testStack()): { json: SynthJson; mesh: IstioAmbientCluster } {
  const mesh = new IstioAmbientCluster(stack, 'Mesh', props);
  return { json: synthJson(stack), mesh };
}

function valuesOf(r: Record<string, unknown>): Record<string, unknown> {
  const values = r.values as string[];
  expect(values).toHaveLength(1);
  return parse(values[0]) as Record<string, unknown>;
}

describe('IstioAmbientCluster: Helm releases', () => {
  const { json } = synthMesh(EXISTING);

  test.each([
    ['istio-base', 'base'], ['istio-cni', 'cni'], ['istiod', 'istiod'], ['ztunnel', 'ztunnel'],
  ])('%s: official chart %s from the Istio repository, pinned to 1.22.8, in istio-system, wait + atomic', (name, chart) => {
    const r = release(json, name);
    expect(r).toMatchObject({
      chart, repository: ISTIO_CHART_REPOSITORY, version: '1.22.8', namespace: 'istio-system',
      wait: true, atomic: true, cleanup_on_fail: true, timeout: 600,
    });
  });

  test('ordered base → cni → istiod → ztunnel → mesh config by depends_on', () => {
    const ref = (n: string) => `helm_release.${release(json, n).logicalId}`;
    expect(release(json, 'istio-cni').depends_on).toEqual([ref('istio-base')]);
    expect(release(json, 'istiod').depends_on).toEqual([ref('istio-cni')]);
    expect(release(json, 'ztunnel').depends_on).toEqual([ref('istiod')]);
    expect(release(json, 'istio-mesh-config').depends_on).toEqual([ref('ztunnel')]);
  });

  test('istiod and cni use profile ambient; ztunnel is installed without a profile', () => {
    expect(valuesOf(release(json, 'istiod'))).toEqual({ profile: 'ambient' });
    expect(valuesOf(release(json, 'istio-cni'))).toEqual({ profile: 'ambient' });
    expect(valuesOf(release(json, 'ztunnel'))).toEqual({});
  });

  test('CRDs: base skips crds/ and templates them instead, so helm upgrade upgrades them; only base creates the namespace', () => {
    const base = release(json, 'istio-base');
    expect(base.skip_crds).toBe(true);
    expect(valuesOf(base)).toEqual({ base: { enableCRDTemplates: true } });
    expect(base.create_namespace).toBe(true);
    for (const n of ['istio-cni', 'istiod', 'ztunnel']) {
      expect(release(json, n).skip_crds).toBeUndefined();
      expect(release(json, n).create_namespace).toBeUndefined();
    }
  });

  test('a version bump changes every chart version at once (base first, so CRDs upgrade before istiod)', () => {
    const { json: j } = synthMesh({ ...EXISTING, istioVersion: IstioVersion.V1_22_3 });
    for (const n of ['istio-base', 'istio-cni', 'istiod', 'ztunnel']) expect(release(j, n).version).toBe('1.22.3');
    expect(release(j, 'istio-cni').depends_on).toEqual([`helm_release.${release(j, 'istio-base').logicalId}`]);
  });

  test('helmTimeoutSeconds sets every release timeout', () => {
    const { json: j } = synthMesh({ ...EXISTING, helmTimeoutSeconds: 900 });
    for (const n of ['istio-base', 'istio-cni', 'istiod', 'ztunnel']) expect(release(j, n).timeout).toBe(900);
  });

  test('imageHub sets the hub key each chart reads', () => {
    const { json: j } = synthMesh({ ...EXISTING, imageHub: 'registry.example.com/istio' });
    expect(valuesOf(release(j, 'istiod'))).toEqual({ profile: 'ambient', global: { hub: 'registry.example.com/istio' } });
    expect(valuesOf(release(j, 'istio-cni'))).toEqual({ profile: 'ambient', global: { hub: 'registry.example.com/istio' } });
    expect(valuesOf(release(j, 'ztunnel'))).toEqual({ hub: 'registry.example.com/istio' });
  });

  test('escape-hatch values merge last: maps merge, lists replace, user wins', () => {
    const { json: j } = synthMesh({
      ...EXISTING,
      istiodValues: { profile: 'ambient', pilot: { env: { PILOT_TRACE_SAMPLING: '5' } }, meshConfig: { accessLogFile: '/dev/stdout' } },
      cniValues: { cni: { excludeNamespaces: ['kube-system', 'batch'] } },
      ztunnelValues: { logLevel: 'debug' },
      baseValues: { base: { validationURL: 'https://x' } },
    });
    expect(valuesOf(release(j, 'istiod'))).toEqual({ profile: 'ambient', pilot: { env: { PILOT_TRACE_SAMPLING: '5' } }, meshConfig: { accessLogFile: '/dev/stdout' } });
    expect(valuesOf(release(j, 'istio-cni'))).toEqual({ profile: 'ambient', cni: { excludeNamespaces: ['kube-system', 'batch'] } });
    expect(valuesOf(release(j, 'ztunnel'))).toEqual({ logLevel: 'debug' });
    expect(valuesOf(release(j, 'istio-base'))).toEqual({ base: { enableCRDTemplates: true, validationURL: 'https://x' } });
  });
});

describe('IstioAmbientCluster: mTLS and namespaces', () => {
  test('mesh-wide STRICT PeerAuthentication by default, rendered in the generated chart', () => {
    const { mesh } = synthMesh(EXISTING);
    expect(mesh.mtlsMode).toBe(MtlsMode.STRICT);
    expect(mesh.meshConfig.resources).toEqual([expect.objectContaining({
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication',
      metadata: expect.objectContaining({ name: 'default', namespace: 'istio-system' }), spec: { mtls: { mode: 'STRICT' } },
    })]);
    expect(mesh.meshConfig.resources[0].spec).not.toHaveProperty('selector');
  });

  test('PERMISSIVE for migrations', () => {
    const { mesh } = synthMesh({ ...EXISTING, mtlsMode: MtlsMode.PERMISSIVE });
    expect(mesh.meshConfig.resources[0].spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
  });

  test('ambientNamespaces are created with the ambient label after ztunnel; enrollExistingNamespaces are labelled', () => {
    const { json } = synthMesh({ ...EXISTING, ambientNamespaces: ['apps', 'payments'], enrollExistingNamespaces: ['default'] });
    const ns = resourcesOf(json, 'kubernetes_namespace');
    expect(ns.map(([, r]) => (r.metadata as { name: string }).name).sort()).toEqual(['apps', 'payments']);
    for (const [, r] of ns) {
      expect(r.metadata).toEqual(expect.objectContaining({ labels: { 'istio.io/dataplane-mode': 'ambient' } }));
      expect(r.depends_on).toEqual([`helm_release.${release(json, 'ztunnel').logicalId}`]);
    }
    expect(resourcesOf(json, 'kubernetes_labels')).toEqual([[expect.any(String), expect.objectContaining({
      api_version: 'v1', kind: 'Namespace', metadata: { name: 'default' }, labels: { 'istio.io/dataplane-mode': 'ambient' },
    })]]);
  });

  test('no namespaces by default', () => {
    const { json } = synthMesh(EXISTING);
    expect(resourcesOf(json, 'kubernetes_namespace')).toEqual([]);
    expect(resourcesOf(json, 'kubernetes_labels')).toEqual([]);
  });
});

describe('IstioAmbientCluster: clusters and providers', () => {
  test('creates a new EKS cluster by default, and Istio waits for nodes, coredns and the deployer access entry', () => {
    const { json, mesh } = synthMesh(NEW_OK);
    expect(mesh.cluster).toBeInstanceOf(EksCluster);
    expect(resourcesOf(json, 'aws_eks_cluster')).toHaveLength(1);
    const deps = release(json, 'istio-base').depends_on as string[];
    expect(deps).toEqual(expect.arrayContaining([
      expect.stringMatching(/^aws_eks_node_group\./), expect.stringMatching(/^aws_eks_addon\./), expect.stringMatching(/^aws_eks_access_policy_association\./),
    ]));
    expect(mesh.kubernetesVersion).toBe('1.33');
  });

  test('existingCluster looks the cluster up and adds a plan-time precondition on its version', () => {
    const { json, mesh } = synthMesh(EXISTING);
    expect(mesh.cluster).toBeInstanceOf(ExistingEksCluster);
    expect(resourcesOf(json, 'aws_eks_cluster')).toEqual([]);
    const data = Object.keys(json.data!.aws_eks_cluster);
    expect(data).toHaveLength(1);
    expect(release(json, 'istio-base').lifecycle).toEqual({ precondition: [{
      condition: `\${contains(["1.27", "1.28", "1.29", "1.30"], data.aws_eks_cluster.${data[0]}.version)}`,
      error_message: expect.stringMatching(/outside Istio 1\.22\.8's supported range \(1\.27, 1\.28, 1\.29, 1\.30\).*allowUnsupportedKubernetesVersion/),
    }] });
  });

  test('the opt-in removes the precondition for an existing cluster', () => {
    const { json } = synthMesh({ ...EXISTING, allowUnsupportedKubernetesVersion: true });
    expect(release(json, 'istio-base').lifecycle).toBeUndefined();
  });

  test('explicit providers are used by every release and namespace', () => {
    const stack = testStack();
    const helm = new HelmProvider(stack, 'helm2', { alias: 'mesh' });
    const k8s = new KubernetesProvider(stack, 'k8s2', { alias: 'mesh' });
    const { json } = synthMesh({ ...EXISTING, helmProvider: helm, kubernetesProvider: k8s, ambientNamespaces: ['apps'] }, stack);
    for (const [, r] of resourcesOf(json, 'helm_release')) expect(r.provider).toBe('helm.mesh');
    for (const [, r] of resourcesOf(json, 'kubernetes_namespace')) expect(r.provider).toBe('kubernetes.mesh');
  });

  test('accepts a sibling cluster construct', () => {
    const stack = testStack();
    const cluster = new ExistingEksCluster(stack, 'Shared', { clusterName: 'shared', region: 'eu-west-1' });
    const { mesh } = synthMesh({ clusterName: 'shared', region: 'eu-west-1', cluster }, stack);
    expect(mesh.cluster).toBe(cluster);
  });

  test('Terraform variables for name and region are not checked at synth', () => {
    const stack = testStack();
    const name = new TerraformVariable(stack, 'name', { type: 'string' });
    const region = new TerraformVariable(stack, 'region', { type: 'string' });
    expect(() => synthMesh({ clusterName: name.stringValue, region: region.stringValue, existingCluster: true }, stack)).not.toThrow();
  });

  test('warnings are reported as annotations', () => {
    const stack = testStack();
    const addWarning = jest.spyOn(Annotations.prototype, 'addWarning');
    synthMesh(NEW_OK, stack);
    expect(addWarning.mock.calls.map((c) => c[0])).toEqual(expect.arrayContaining([
      expect.stringMatching(/1\.33 is outside the supported range/), expect.stringMatching(/Istio 1\.22 is past its expected end of life \(2025-01/),
    ]));
    addWarning.mockRestore();
  });
});

describe('IstioAmbientCluster: fails at synth, naming the prop, the value and what is allowed', () => {
  const fails = (props: Partial<IstioAmbientClusterProps>, message: RegExp) => {
    const stack = testStack();
    expect(() => new IstioAmbientCluster(stack, 'Mesh', { ...EXISTING, ...props })).toThrow(IstioMeshValidationError);
    expect(() => new IstioAmbientCluster(testStack(), 'Mesh', { ...EXISTING, ...props })).toThrow(message);
    expect(stack.node.tryFindChild('Mesh')?.node.children ?? []).toHaveLength(0);
  };

  test('fails when region is not an AWS region', () => fails({ region: 'eu-west-9' }, /^'region' must be an AWS region code, got 'eu-west-9' \(known regions: af-south-1, .*us-west-2/));
  test('fails when region is outside allowedRegions', () => fails({ region: 'us-east-1', allowedRegions: ['eu-west-1', 'eu-central-1'] }, /^'region' must be one of the regions allowed by 'allowedRegions', got 'us-east-1' \(allowed: eu-west-1, eu-central-1\)/));
  test('fails when allowedRegions lists a non-region', () => fails({ allowedRegions: ['eu-west-1', 'mars-1'] }, /^'allowedRegions' must list only AWS region codes, got 'mars-1'/));
  test.each(['-mesh', 'mesh.prod', 'a'.repeat(101), '', 'mesh prod'])('fails when clusterName is %p', (n) => fails({ clusterName: n }, /^'clusterName' must be a valid EKS cluster name, got .*\(1–100 characters, starting with a letter or digit/));
  test('fails when kubernetesVersion is outside Istio\'s range without the opt-in', () => fails({ existingCluster: false, kubernetesVersion: '1.33' }, /^'kubernetesVersion' is outside the Istio release's supported Kubernetes range, got '1\.33'/));
  test('fails when a new cluster gets the default 1.30, which EKS no longer creates', () => fails({ existingCluster: false }, /^'kubernetesVersion' is not available for new EKS clusters on 2026-11-24.*got '1\.30'/));
  test.each(['Apps', 'apps_1', '-apps', 'a'.repeat(64)])('fails when an ambient namespace is %p', (ns) => fails({ ambientNamespaces: [ns] }, /^'ambientNamespaces' must contain only DNS-1123 labels, got/));
  test('fails when enrolling istio-system', () => fails({ enrollExistingNamespaces: ['istio-system'] }, /^'enrollExistingNamespaces' must not enroll the Istio or Kubernetes system namespaces in ambient, got 'istio-system'/));
  test('fails when creating istio-system as ambient', () => fails({ ambientNamespaces: ['istio-system'] }, /^'ambientNamespaces' must not enroll/));
  test('fails when a namespace is listed twice', () => fails({ ambientNamespaces: ['apps'], enrollExistingNamespaces: ['apps'] }, /must not list a namespace twice.*got 'apps'/));
  test('fails when mtlsMode is DISABLE', () => fails({ mtlsMode: 'DISABLE' as MtlsMode }, /^'mtlsMode' must be STRICT or PERMISSIVE.*got 'DISABLE'/));
  test('fails when helmTimeoutSeconds is out of range', () => fails({ helmTimeoutSeconds: 5 }, /^'helmTimeoutSeconds' must be an integer from 60 to 3600, got 5/));
  test('fails when escape values nest under defaults', () => fails({ istiodValues: { defaults: { pilot: {} } } }, /^'istiodValues' must not nest values under 'defaults'/));
  test('fails when escape values set global.mtls.mode', () => fails({ istiodValues: { global: { mtls: { mode: 'STRICT' } } } }, /^'istiodValues' sets 'global.mtls'.*PeerAuthentication/));
  test('fails when escape values set global.ambient.enabled', () => fails({ baseValues: { global: { ambient: { enabled: true } } } }, /^'baseValues' sets 'global.ambient'/));
  test('fails when cni escape values set ambient.enabled on 1.22 (its cni chart reads cni.ambient)', () => fails({ cniValues: { ambient: { enabled: true } } }, /^'cniValues' sets 'ambient', which the Istio 1.22 cni chart does not read: this minor's cni chart reads 'cni.ambient.\*'/));
  test('fails when the region differs from the given cluster\'s', () => {
    const stack = testStack();
    const cluster = new ExistingEksCluster(stack, 'C', { clusterName: 'mesh', region: 'us-east-1' });
    expect(() => new IstioAmbientCluster(stack, 'Mesh', { ...EXISTING, cluster })).toThrow(/^'region' must match the region of 'cluster' \(us-east-1\), got 'eu-west-1'/);
  });
});
