import { parse } from 'yaml';
import { Annotations, TerraformStack, TerraformVariable } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { IstioVersion, ISTIO_CHART_REPOSITORY } from '../../lib/catalog/istio-versions';
import { EksCluster } from '../../lib/eks/eks-cluster';
import { ExistingEksCluster } from '../../lib/eks/existing-eks-cluster';
import { IstioAmbientCluster, IstioAmbientClusterProps } from '../../lib/istio/istio-ambient-cluster';
import { MeshCluster, MeshClusterCreateOptions, MeshClusterLookupOptions } from '../../lib/istio/mesh-cluster';
import { MtlsMode, peerAuthentication } from '../../lib/istio/resources';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { SynthJson, release, resourcesOf, synthJson, testStack } from '../util';

const NEW_OK: IstioAmbientClusterProps = { cluster: MeshCluster.create({ clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33' }), allowUnsupportedKubernetesVersion: true };
const EXISTING: IstioAmbientClusterProps = { cluster: MeshCluster.lookup({ clusterName: 'mesh', region: 'eu-west-1' }) };

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

  test('helmAtomic: false keeps a failed release in the cluster, for every release including the mesh config', () => {
    const names = ['istio-base', 'istio-cni', 'istiod', 'ztunnel', 'istio-mesh-config'];
    const off = synthMesh({ ...EXISTING, helmAtomic: false }).json;
    for (const n of names) expect(release(off, n).atomic).toBe(false);
    for (const n of names) expect(release(json, n).atomic).toBe(true);
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

  test('MeshCluster.lookup looks the cluster up and adds a plan-time precondition on its version', () => {
    const { json, mesh } = synthMesh(EXISTING);
    expect(mesh.cluster).toBeInstanceOf(ExistingEksCluster);
    expect(mesh.cluster.node.id).toBe('Cluster');
    expect(resourcesOf(json, 'aws_eks_cluster')).toEqual([]);
    const data = Object.keys(json.data!.aws_eks_cluster);
    expect(data).toHaveLength(1);
    expect(json.data!.aws_eks_cluster[data[0]]).toMatchObject({ name: 'mesh' });
    expect(release(json, 'istio-base').lifecycle).toEqual({ precondition: [{
      condition: `\${contains(["1.27", "1.28", "1.29", "1.30"], data.aws_eks_cluster.${data[0]}.version)}`,
      error_message: expect.stringMatching(/outside Istio 1\.22\.8's supported range \(1\.27, 1\.28, 1\.29, 1\.30\).*allowUnsupportedKubernetesVersion/),
    }] });
  });

  test('MeshCluster.lookup with an expected kubernetesVersion checks it at synth too', () => {
    expect(() => synthMesh({ cluster: MeshCluster.lookup({ clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33' }) }))
      .toThrow(/^'cluster.kubernetesVersion' is outside the Istio release's supported Kubernetes range, got '1\.33'/);
  });

  test('MeshCluster.create passes every cluster option to the new EksCluster child', () => {
    const { json, mesh } = synthMesh({ ...NEW_OK, cluster: MeshCluster.create({ clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33', nodeInstanceTypes: ['m7i.large'], nodeDesiredSize: 4 }) });
    expect(mesh.cluster).toBeInstanceOf(EksCluster);
    expect(resourcesOf(json, 'aws_eks_node_group')[0][1]).toMatchObject({ instance_types: ['m7i.large'], scaling_config: { desired_size: 4 } });
    expect(resourcesOf(json, 'aws_eks_cluster')[0][1]).toMatchObject({ name: 'mesh', version: '1.33' });
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

  test('MeshCluster.fromCluster accepts a sibling cluster construct', () => {
    const stack = testStack();
    const cluster = new ExistingEksCluster(stack, 'Shared', { clusterName: 'shared', region: 'eu-west-1' });
    const { mesh } = synthMesh({ cluster: MeshCluster.fromCluster(cluster) }, stack);
    expect(mesh.cluster).toBe(cluster);
    expect(mesh.node.tryFindChild('Cluster')).toBeUndefined();
  });

  test('Terraform variables for name and region are not checked at synth', () => {
    const stack = testStack();
    const name = new TerraformVariable(stack, 'name', { type: 'string' });
    const region = new TerraformVariable(stack, 'region', { type: 'string' });
    expect(() => synthMesh({ cluster: MeshCluster.lookup({ clusterName: name.stringValue, region: region.stringValue }) }, stack)).not.toThrow();
  });

  test('two meshes on one cluster fail synth, whichever way the cluster is given', () => {
    const stack = testStack();
    const cluster = new ExistingEksCluster(stack, 'Shared', { clusterName: 'shared', region: 'eu-west-1' });
    new IstioAmbientCluster(stack, 'Mesh', { cluster: MeshCluster.fromCluster(cluster) });
    expect(() => new IstioAmbientCluster(stack, 'Mesh2', { cluster: MeshCluster.lookup({ clusterName: 'shared', region: 'eu-west-1' }) }))
      .toThrow(/^'cluster' already has a mesh \(test\/Mesh\); one IstioAmbientCluster per cluster.*got 'shared in eu-west-1' \[at test\/Mesh2\]$/);
    expect(() => new IstioAmbientCluster(stack, 'Mesh3', { cluster: MeshCluster.fromCluster(cluster) })).toThrow(/already has a mesh/);
    // A cluster of the same name in another region is another cluster.
    expect(() => new IstioAmbientCluster(stack, 'Mesh4', { cluster: MeshCluster.lookup({ clusterName: 'shared', region: 'us-east-1' }) })).not.toThrow();
  });

  test('two meshes on one variable-named cluster fail too (the same token)', () => {
    const stack = testStack();
    const name = new TerraformVariable(stack, 'name', { type: 'string' });
    const cluster = new ExistingEksCluster(stack, 'Shared', { clusterName: name.stringValue, region: 'eu-west-1' });
    new IstioAmbientCluster(stack, 'Mesh', { cluster: MeshCluster.fromCluster(cluster) });
    expect(() => new IstioAmbientCluster(stack, 'Mesh2', { cluster: MeshCluster.fromCluster(cluster) })).toThrow(/got 'the same cluster'/);
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

  const create = (o: Partial<MeshClusterCreateOptions>) => MeshCluster.create({ clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33', ...o });
  const lookup = (o: Partial<MeshClusterLookupOptions>) => MeshCluster.lookup({ clusterName: 'mesh', region: 'eu-west-1', ...o });
  test('fails when a meshResources name would leave the generated chart (../)', () => fails(
    { meshResources: [{ ...peerAuthentication('x', 'apps', MtlsMode.STRICT), metadata: { name: '../../x', namespace: 'apps' } }] },
    /^'meshResources\[0\]\.metadata\.name' must be a DNS-1123 subdomain, got '\.\.\/\.\.\/x'/));
  test('fails when meshResources repeats the mesh-wide PeerAuthentication', () => fails(
    { meshResources: [peerAuthentication('default', 'istio-system', MtlsMode.PERMISSIVE)] },
    /^'meshResources' must not contain two resources with the same API group, kind, namespace and name, got 'PeerAuthentication istio-system\/default'/));
  test('fails when region is not an AWS region', () => fails({ cluster: lookup({ region: 'eu-west-9' }) }, /^'cluster.region' must be an AWS region code, got 'eu-west-9' \(known regions: af-south-1, .*us-west-2/));
  test('fails when region is outside allowedRegions', () => fails({ cluster: lookup({ region: 'us-east-1', allowedRegions: ['eu-west-1', 'eu-central-1'] }) }, /^'cluster.region' must be one of the regions allowed by 'cluster.allowedRegions', got 'us-east-1' \(allowed: eu-west-1, eu-central-1\)/));
  test('fails when allowedRegions lists a non-region', () => fails({ cluster: create({ allowedRegions: ['eu-west-1', 'mars-1'] }) }, /^'cluster.allowedRegions' must list only AWS region codes, got 'mars-1'/));
  test.each(['-mesh', 'mesh.prod', '', 'mesh prod', 'mesh\u00e9'])('fails when clusterName is %p', (n) => fails({ cluster: lookup({ clusterName: n }) }, /^'cluster.clusterName' must be a valid EKS cluster name, got .*\(1–100 characters, starting with a letter or digit/));
  test('fails when clusterName is too long for its type', () => fails({ cluster: lookup({ clusterName: 'a'.repeat(101) }) }, /^'cluster.clusterName' must be a string of at most 100 characters/));
  test('fails when kubernetesVersion is outside Istio\'s range without the opt-in', () => fails({ cluster: create({ kubernetesVersion: '1.33' }) }, /^'cluster.kubernetesVersion' is outside the Istio release's supported Kubernetes range, got '1\.33'/));
  test('fails when a new cluster gets the default 1.30, with one message naming a version EKS creates and the opt-in', () => fails(
    { cluster: MeshCluster.create({ clusterName: 'mesh', region: 'eu-west-1' }) },
    /^'cluster.kubernetesVersion' defaults to 1\.30, the newest Kubernetes Istio 1\.22\.8 supports, which EKS does not create on 2026-11-24, got '1\.30' \(set cluster.kubernetesVersion: '1\.32' \(the closest EKS creates with support beyond 90 days\) and allowUnsupportedKubernetesVersion: true .*EKS creates: 1\.31, 1\.32, /,
  ));
  test('the one edit the default-version message names makes synth pass', () => {
    expect(() => synthMesh({ cluster: MeshCluster.create({ clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.32' }), allowUnsupportedKubernetesVersion: true })).not.toThrow();
  });
  test('fails when the cluster is missing', () => fails({ cluster: undefined }, /^'cluster' must be a MeshCluster \(MeshCluster.create, MeshCluster.lookup or MeshCluster.fromCluster\), got undefined/));
  test('fails when the cluster is a raw cluster construct (the wrapper says how the cluster is given)', () => {
    const stack = testStack();
    const c = new ExistingEksCluster(stack, 'C', { clusterName: 'mesh', region: 'eu-west-1' });
    expect(() => new IstioAmbientCluster(stack, 'Mesh', { cluster: c as unknown as MeshCluster })).toThrow(/^'cluster' must be a MeshCluster/);
  });
  test('fails when fromCluster wraps something that is not a cluster construct', () => fails({ cluster: MeshCluster.fromCluster({ clusterName: 'x' } as never) }, /^'cluster' must wrap an EKS cluster construct, got 'an instance of Object'/));
  test('fails when a removed prop is still passed (it would be ignored)', () => fails({ clusterName: 'mesh' } as never, /^'clusterName' is not a prop of IstioAmbientCluster, got 'clusterName' \(known: allowUnsupportedKubernetesVersion, ambientNamespaces, /));
  test('fails when a cluster option is misspelt', () => fails({ cluster: create({ nodeInstanceType: ['m7i.large'] } as never) }, /^'cluster.nodeInstanceType' is not a prop of 'cluster', got 'nodeInstanceType' \(known: .*nodeInstanceTypes/));
  test('fails when a new-VPC option is given beside your own subnets', () => fails({ cluster: create({ subnetIds: ['subnet-a', 'subnet-b'], vpcId: 'vpc-1', vpcCidr: '10.1.0.0/16' }) }, /^'cluster.vpcCidr' configures the new VPC, which is not created when 'subnetIds' is given/));
  test.each(['Apps', 'apps_1', '-apps', 'a'.repeat(64)])('fails when an ambient namespace is %p', (ns) => fails({ ambientNamespaces: [ns] }, /^'ambientNamespaces' must contain only DNS-1123 labels, got/));
  test('fails when enrolling istio-system', () => fails({ enrollExistingNamespaces: ['istio-system'] }, /^'enrollExistingNamespaces' must not enroll the Istio or Kubernetes system namespaces in ambient, got 'istio-system'/));
  test('fails when creating istio-system as ambient', () => fails({ ambientNamespaces: ['istio-system'] }, /^'ambientNamespaces' must not enroll/));
  test('fails when a namespace is listed twice', () => fails({ ambientNamespaces: ['apps'], enrollExistingNamespaces: ['apps'] }, /must not list a namespace twice.*got 'apps'/));
  test('fails when mtlsMode is DISABLE', () => fails({ mtlsMode: 'DISABLE' as MtlsMode }, /^'mtlsMode' must be STRICT or PERMISSIVE.*got 'DISABLE'/));
  test('fails when a JavaScript caller passes a number for mtlsMode', () => fails({ mtlsMode: 1 as never }, /^'mtlsMode' must be a string, got 1 \[at test\/Mesh\]$/));
  test('fails when a namespace list holds a non-string', () => fails({ ambientNamespaces: ['apps', 7 as never] }, /^'ambientNamespaces\[1\]' must be a string, got 7/));
  test('fails when escape values are not a plain object', () => fails({ istiodValues: new Map() as never }, /^'istiodValues' must be a plain object/));
  test('fails when escape values carry a __proto__ key (rejected, not dropped)', () => fails({ istiodValues: JSON.parse('{"pilot":{"__proto__":{"polluted":true}}}') }, /^'istiodValues' must not contain the key '__proto__', 'constructor' or 'prototype', got 'pilot.__proto__'/));
  test('fails when escape values hold a function', () => fails({ ztunnelValues: { logLevel: () => 'debug' } as never }, /^'ztunnelValues' must hold only strings, numbers, booleans, null, lists and plain objects, got 'logLevel is function'/));
  test('fails when helmTimeoutSeconds is out of range', () => fails({ helmTimeoutSeconds: 5 }, /^'helmTimeoutSeconds' must be an integer from 60 to 3600, got 5/));
  test('fails when escape values nest under defaults', () => fails({ istiodValues: { defaults: { pilot: {} } } }, /^'istiodValues' must not nest values under 'defaults'/));
  test('fails when escape values set global.mtls.mode', () => fails({ istiodValues: { global: { mtls: { mode: 'STRICT' } } } }, /^'istiodValues' sets 'global.mtls'.*PeerAuthentication/));
  test('fails when escape values set global.ambient.enabled', () => fails({ baseValues: { global: { ambient: { enabled: true } } } }, /^'baseValues' sets 'global.ambient'/));
  test('fails when cni escape values set ambient.enabled on 1.22 (its cni chart reads cni.ambient)', () => fails({ cniValues: { ambient: { enabled: true } } }, /^'cniValues' sets 'ambient', which the Istio 1.22 cni chart does not read: this minor's cni chart reads 'cni.ambient.\*'/));
});
