/**
 * The bad-input corpus: wrong inputs a user (or a JavaScript caller, or a hostile one) gives the
 * public constructs and helpers, each with the exact message the library must answer with. Every
 * row must fail with IstioMeshValidationError (never a TypeError) and leave no child construct
 * behind in the construct that refused it.
 */
import { TerraformStack, TerraformVariable } from 'cdktf';
import { BenchmarkCliAccess } from '../../lib/benchmark/benchmark-cli-access';
import { BenchmarkHarness } from '../../lib/benchmark/benchmark-harness';
import { BenchmarkNodeGroup } from '../../lib/benchmark/benchmark-node-group';
import { EksCluster } from '../../lib/eks/eks-cluster';
import { EksNodeSecurity } from '../../lib/eks/eks-node-security';
import { EksRoles } from '../../lib/eks/eks-roles';
import { EksVpc } from '../../lib/eks/eks-vpc';
import { ExistingEksCluster } from '../../lib/eks/existing-eks-cluster';
import { eksHelmProviderConfig, eksKubernetesProviderConfig } from '../../lib/eks/provider-config';
import { clusterNameVariableConfig, regionVariableConfig } from '../../lib/eks/variables';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { IstioResourceChart } from '../../lib/istio/istio-resource-chart';
import { MeshCluster } from '../../lib/istio/mesh-cluster';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { testStack } from '../util';

type Make = (stack: TerraformStack) => unknown;
const lookup = MeshCluster.lookup({ clusterName: 'mesh', region: 'eu-west-1' });
const mesh = (props: Record<string, unknown>): Make => (s) => new IstioAmbientCluster(s, 'Mesh', { cluster: lookup, ...props } as never);
const create = (o: Record<string, unknown>): Make => (s) => new IstioAmbientCluster(s, 'Mesh', {
  cluster: MeshCluster.create({ clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33', ...o } as never), allowUnsupportedKubernetesVersion: true,
});
const existing = (s: TerraformStack) => new ExistingEksCluster(s, 'Existing', { clusterName: 'mesh', region: 'eu-west-1' });
const newCluster = (s: TerraformStack) => new EksCluster(s, 'NewCluster', { clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33' });

/** [what, how, exact message]. */
const CORPUS: [string, Make, string][] = [
  // IstioAmbientCluster: shapes
  ['no props at all', (s) => new IstioAmbientCluster(s, 'Mesh', undefined as never), "'props' must be an object of IstioAmbientCluster props, got undefined [at test/Mesh]"],
  ['cluster missing', mesh({ cluster: undefined }), "'cluster' must be a MeshCluster (MeshCluster.create, MeshCluster.lookup or MeshCluster.fromCluster), got undefined [at test/Mesh]"],
  ['cluster as a plain object', mesh({ cluster: { clusterName: 'mesh' } }), "'cluster' must be a MeshCluster (MeshCluster.create, MeshCluster.lookup or MeshCluster.fromCluster), got {\"clusterName\":\"mesh\"} [at test/Mesh]"],
  ['a removed prop (clusterName) beside cluster', mesh({ clusterName: 'mesh' }), "'clusterName' is not a prop of IstioAmbientCluster, got 'clusterName' (known: allowUnsupportedKubernetesVersion, ambientNamespaces, baseValues, chartRepository, cluster, cniValues, enrollExistingNamespaces, helmAtomic, helmProvider, helmTimeoutSeconds, imageHub, istioVersion, istiodValues, kubernetesProvider, meshResources, mtlsMode, ztunnelValues) [at test/Mesh]"],
  ['istioVersion as a string', mesh({ istioVersion: '1.22.8' }), "'istioVersion' must be an IstioVersion (IstioVersion.V1_22_8 or IstioVersion.of('1.22.8')), got '1.22.8' [at test/Mesh]"],
  ['allowUnsupportedKubernetesVersion as a string', mesh({ allowUnsupportedKubernetesVersion: 'yes' }), "'allowUnsupportedKubernetesVersion' must be true or false, got 'yes' [at test/Mesh]"],
  ['ambientNamespaces as a string', mesh({ ambientNamespaces: 'apps' }), "'ambientNamespaces' must be a list, got 'apps' [at test/Mesh]"],
  ['a namespace that is a number', mesh({ ambientNamespaces: ['apps', 7] }), "'ambientNamespaces[1]' must be a string, got 7 [at test/Mesh]"],
  ['501 namespaces', mesh({ ambientNamespaces: Array.from({ length: 501 }, (_, i) => `ns${i}`) }), "'ambientNamespaces' must be a list of at most 500 items, got [" + Array.from({ length: 501 }, (_, i) => `"ns${i}"`).join(',') + '] [at test/Mesh]'],
  ['mtlsMode as a number', mesh({ mtlsMode: 1 }), "'mtlsMode' must be a string, got 1 [at test/Mesh]"],
  ['helmTimeoutSeconds as a string', mesh({ helmTimeoutSeconds: '600' }), "'helmTimeoutSeconds' must be a number, got '600' [at test/Mesh]"],
  ['helmProvider as a string', mesh({ helmProvider: 'helm' }), "'helmProvider' must be a Helm provider (TerraformProvider), got 'helm' [at test/Mesh]"],
  ['imageHub over 512 characters', mesh({ imageHub: 'h'.repeat(513) }), `'imageHub' must be a string of at most 512 characters, got '${'h'.repeat(513)}' [at test/Mesh]`],
  ['meshResources item without kind', mesh({ meshResources: [{ apiVersion: 'v1', metadata: {} }] }), "'meshResources[0]' must be an Istio resource ({ apiVersion, kind, metadata, spec }), got {\"apiVersion\":\"v1\",\"metadata\":{}} [at test/Mesh]"],
  // IstioAmbientCluster: values
  ['istiodValues as a list', mesh({ istiodValues: ['pilot'] }), "'istiodValues' must be a plain object (a map of values, as a values file holds), got [\"pilot\"] [at test/Mesh]"],
  ['istiodValues with __proto__', mesh({ istiodValues: JSON.parse('{"__proto__":{"x":1}}') }), "'istiodValues' must not contain the key '__proto__', 'constructor' or 'prototype', got '__proto__' [at test/Mesh]"],
  ['cniValues with constructor', mesh({ cniValues: { cni: { constructor: {} } } }), "'cniValues' must not contain the key '__proto__', 'constructor' or 'prototype', got 'cni.constructor' [at test/Mesh]"],
  ['ztunnelValues with a Date', mesh({ ztunnelValues: { when: new Date(0) } }), "'ztunnelValues' must hold only strings, numbers, booleans, null, lists and plain objects, got 'when is an instance of Date' [at test/Mesh]"],
  ['baseValues with NaN', mesh({ baseValues: { n: Number.NaN } }), "'baseValues' must hold only finite numbers, got 'n = NaN' [at test/Mesh]"],
  ['istiodValues nested 40 deep', mesh({ istiodValues: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) }), "'istiodValues' must nest at most 32 levels, got '" + Array(33).fill('a').join('.') + "' [at test/Mesh]"],
  ['istiodValues under defaults', mesh({ istiodValues: { defaults: { pilot: {} } } }), "'istiodValues' must not nest values under 'defaults' (the chart's internal wrapper; set 'pilot.env', not 'defaults.pilot.env'), got [\"defaults\"] [at test/Mesh]"],
  ['global.mtls.mode', mesh({ istiodValues: { global: { mtls: { mode: 'STRICT' } } } }), "'istiodValues' sets 'global.mtls', which the Istio 1.22 istiod chart does not read: mesh-wide mTLS is a PeerAuthentication resource; use the 'mtlsMode' prop, got 'global.mtls' [at test/Mesh]"],
  ['chartRepository with credentials in it', mesh({ chartRepository: 'https://user:secret@mirror.example.com/charts' }), "'chartRepository' must be a Helm chart repository URL, got 'https://user:secret@mirror.example.com/charts' ('https://host/path' (a repository with index.yaml) or 'oci://registry/path' (an OCI registry), without credentials, query or fragment) [at test/Mesh]"],
  ['chartRepository with an interpolation', mesh({ chartRepository: 'https://m.example.com/${file("/etc/hostname")}' }), "'chartRepository' must be a Helm chart repository URL, got 'https://m.example.com/${file(\"/etc/hostname\")}' ('https://host/path' (a repository with index.yaml) or 'oci://registry/path' (an OCI registry), without credentials, query or fragment) [at test/Mesh]"],
  ['a 1.22 cni value at the 1.24 place', mesh({ cniValues: { excludeNamespaces: ['batch'] } }), "'cniValues' sets 'excludeNamespaces', which the Istio 1.22 cni chart does not read: this minor's cni chart reads 'cni.excludeNamespaces', got 'excludeNamespaces' [at test/Mesh]"],
  ['1.24 escape values under the 1.24 wrapper', mesh({ istioVersion: require('../../lib/catalog/istio-versions').IstioVersion.V1_24_6, allowUnsupportedKubernetesVersion: true, istiodValues: { _internal_defaults_do_not_set: { env: {} } } }), "'istiodValues' must not nest values under '_internal_defaults_do_not_set' (the chart's internal wrapper; set 'pilot.env', not '_internal_defaults_do_not_set.pilot.env'), got [\"_internal_defaults_do_not_set\"] [at test/Mesh]"],
  ['namespace istio-system enrolled', mesh({ enrollExistingNamespaces: ['istio-system'] }), "'enrollExistingNamespaces' must not enroll the Istio or Kubernetes system namespaces in ambient, got 'istio-system' (istio-system and kube-system run the mesh itself) [at test/Mesh]"],
  ['namespace with an upper-case letter', mesh({ ambientNamespaces: ['Apps'] }), "'ambientNamespaces' must contain only DNS-1123 labels, got 'Apps' (lowercase letters, digits and '-', 1–63 characters, starting and ending with a letter or digit) [at test/Mesh]"],
  // MeshCluster
  ['lookup: region not a string', mesh({ cluster: MeshCluster.lookup({ clusterName: 'mesh', region: 1 } as never) }), "'cluster.region' must be a string, got 1 [at test/Mesh]"],
  ['lookup: unknown option', mesh({ cluster: MeshCluster.lookup({ clusterName: 'mesh', region: 'eu-west-1', nodeMinSize: 2 } as never) }), "'cluster.nodeMinSize' is not a prop of 'cluster', got 'nodeMinSize' (known: allowedRegions, awsProvider, clusterName, kubernetesVersion, region) [at test/Mesh]"],
  ['lookup: region with a path in it', mesh({ cluster: MeshCluster.lookup({ clusterName: 'mesh', region: '../eu-west-1' }) }), "'cluster.region' must be an AWS region code, got '../eu-west-1' (known regions: " + require('../../lib/catalog/aws-regions').AWS_REGIONS.join(', ') + ') [at test/Mesh]'],
  ['create: nodeMinSize as a string', create({ nodeMinSize: '2' }), "'cluster.nodeMinSize' must be a number, got '2' [at test/Mesh]"],
  ['create: nodeMaxSize below nodeMinSize', create({ nodeMinSize: 3, nodeMaxSize: 2 }), "'cluster.nodeMaxSize' must be an integer from 3 to 450, got 2 [at test/Mesh]"],
  ['create: one subnet', create({ subnetIds: ['subnet-a'], vpcId: 'vpc-1' }), "'cluster.subnetIds' must list at least two subnets in different availability zones, got [\"subnet-a\"] [at test/Mesh]"],
  ['create: subnets without a VPC', create({ subnetIds: ['subnet-a', 'subnet-b'] }), "'cluster.vpcId' must be given together with the other of subnetIds/vpcId, got undefined [at test/Mesh]"],
  ['create: nodeLabels with a number value', create({ nodeLabels: { role: 1 } }), "'cluster.nodeLabels.role' must be a string value, got 1 [at test/Mesh]"],
  ['create: tags with __proto__', create({ tags: JSON.parse('{"__proto__":"x"}') }), "'cluster.tags' must be a map without '__proto__', 'constructor' or 'prototype' keys, got {\"__proto__\":\"x\"} [at test/Mesh]"],
  ['create: supportType lower-case', create({ supportType: 'extended' }), "'cluster.supportType' must be one of 'STANDARD', 'EXTENDED', got 'extended' [at test/Mesh]"],
  ['create: public CIDRs with a private endpoint', create({ endpointPublicAccess: false, publicAccessCidrs: ['10.0.0.0/8'] }), "'cluster.publicAccessCidrs' restricts the public endpoint, which 'endpointPublicAccess: false' turns off; remove one of them, got [\"10.0.0.0/8\"] [at test/Mesh]"],
  ['fromCluster of a string', mesh({ cluster: MeshCluster.fromCluster('prod' as never) }), "'cluster' must wrap an EKS cluster construct, got 'prod' (MeshCluster.fromCluster(new EksCluster(…)) or MeshCluster.fromCluster(new ExistingEksCluster(…))) [at test/Mesh]"],
  // Cluster constructs
  ['EksCluster: kubernetesVersion as a number', (s) => new EksCluster(s, 'Eks', { clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: 1.33 } as never), "'kubernetesVersion' must be a string, got 1.33 [at test/Eks]"],
  ['EksCluster: nodeInstanceTypes empty', (s) => new EksCluster(s, 'Eks', { clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33', nodeInstanceTypes: [] }), "'nodeInstanceTypes' must list at least one instance type, got [] [at test/Eks]"],
  ['ExistingEksCluster: clusterName missing', (s) => new ExistingEksCluster(s, 'Eks', { region: 'eu-west-1' } as never), "'clusterName' must be a string, got undefined [at test/Eks]"],
  ['EksVpc: cidr /8', (s) => new EksVpc(s, 'Vpc', { clusterName: 'mesh', cidr: '10.0.0.0/8' }), "'vpcCidr' must be an IPv4 CIDR from /16 to /24, got '10.0.0.0/8' [at test/Vpc]"],
  ['EksRoles: partition missing', (s) => new EksRoles(s, 'Roles', { clusterName: 'mesh' } as never), "'partition' must be a string, got undefined [at test/Roles]"],
  ['EksNodeSecurity: vpcId as a number', (s) => new EksNodeSecurity(s, 'Sec', { clusterName: 'mesh', vpcId: 1, clusterSecurityGroupId: 'sg-1' } as never), "'vpcId' must be a string, got 1 [at test/Sec]"],
  // Benchmark constructs
  ['BenchmarkHarness: qps as a string', (s) => new BenchmarkHarness(s, 'Bench', { qps: '1000', istioInstalledElsewhere: true } as never), "'qps' must be a number, got '1000' [at test/Bench]"],
  ['BenchmarkHarness: unknown mode', (s) => new BenchmarkHarness(s, 'Bench', { modes: ['istio'], istioInstalledElsewhere: true } as never), "'modes' must contain only known modes, got 'istio' (modes: baseline, sidecar, ambient, ambient-waypoint) [at test/Bench]"],
  ['BenchmarkHarness: misspelt prop', (s) => new BenchmarkHarness(s, 'Bench', { replicas: 3 } as never), "'replicas' is not a prop of BenchmarkHarness, got 'replicas' (known: cliOperatorPrincipalArns, cliSubjects, connections, cpuRequest, durationSeconds, fortioImage, istioInstalledElsewhere, kubeletSummaryAccess, kubernetesProvider, loadNodeSelector, memoryMiB, mesh, modes, namespacePrefix, nodes, qps, reportImage, requestPayloadBytes, resolutionSeconds, responseSizeBytes, serverNodeSelector, serverReplicas, sidecarRevision, warmupSeconds, zone) [at test/Bench]"],
  ['BenchmarkNodeGroup: an existing cluster', (s) => new BenchmarkNodeGroup(s, 'Nodes', { cluster: existing(s), subnetId: 'subnet-a' } as never), "'cluster' must be an EksCluster (benchmark nodes join a cluster this stack creates), got an instance of ExistingEksCluster (test/Existing) [at test/Nodes]"],
  ['BenchmarkNodeGroup: burstable type', (s) => new BenchmarkNodeGroup(s, 'Nodes', { cluster: newCluster(s), subnetId: 'subnet-a', instanceType: 't3.large' }), "'instanceType' must not be a burstable T-family type (CPU credits distort latency), got 't3.large' (e.g. m6i.2xlarge, c6i.2xlarge) [at test/Nodes]"],
  ['BenchmarkCliAccess: subjects as one object', (s) => new BenchmarkCliAccess(s, 'Cli', { subjects: { kind: 'Group', name: 'ops' } } as never), "'subjects' must be a list, got {\"kind\":\"Group\",\"name\":\"ops\"} [at test/Cli]"],
  ['BenchmarkCliAccess: unknown subject kind', (s) => new BenchmarkCliAccess(s, 'Cli', { subjects: [{ kind: 'Team', name: 'ops' }] } as never), "'subjects[0].kind' must be a known RBAC subject kind, got 'Team' (User, Group, ServiceAccount) [at test/Cli]"],
  ['BenchmarkCliAccess: ServiceAccount without namespace', (s) => new BenchmarkCliAccess(s, 'Cli', { subjects: [{ kind: 'ServiceAccount', name: 'ci' }] }), "'subjects[0].namespace' must be given for a ServiceAccount subject and only then, got undefined [at test/Cli]"],
  // IstioResourceChart
  ['IstioResourceChart: resources missing', (s) => new IstioResourceChart(s, 'Chart', { releaseName: 'x', dependsOn: [] } as never), "'resources' must be a list, got undefined [at test/Chart]"],
  ['IstioResourceChart: releaseName too long for Helm', (s) => new IstioResourceChart(s, 'Chart', { releaseName: 'r'.repeat(54), resources: [], dependsOn: [] }), `'releaseName' must be a string of at most 53 characters, got '${'r'.repeat(54)}' [at test/Chart]`],
  // Helpers (no construct: no path)
  ['eksKubernetesProviderConfig: a cluster name instead of a cluster', () => eksKubernetesProviderConfig('prod' as never), "'cluster' of eksKubernetesProviderConfig must be an EKS cluster construct (EksCluster, ExistingEksCluster or IstioAmbientCluster.cluster), got 'prod'"],
  ['eksHelmProviderConfig: roleArn as a number', (s) => eksHelmProviderConfig(existing(s), { roleArn: 1 } as never), "'options.roleArn' must be a string, got 1"],
  ['eksHelmProviderConfig: token beside roleArn', (s) => eksHelmProviderConfig(existing(s), { token: 't', roleArn: 'arn:aws:iam::1:role/x' }), "'options.token' replaces the exec plugin, so 'roleArn', 'profile' and 'command' would be ignored; give one or the other, got '(a token)'"],
  ['regionVariableConfig: allowedRegions as a string', () => regionVariableConfig({ allowedRegions: 'eu-west-1' } as never), "'options.allowedRegions' must be a list, got 'eu-west-1'"],
  ['regionVariableConfig: variable name with a $', () => regionVariableConfig({ variableName: 'r${x}' }), "'variableName' must be a Terraform identifier, got 'r${x}'"],
  ['clusterNameVariableConfig: default not a valid name', () => clusterNameVariableConfig({ default: 'my cluster' }), "'default' must be a valid EKS cluster name, got 'my cluster' (1–100 characters, starting with a letter or digit, then letters, digits, hyphens or underscores)"],
];

describe('bad-input corpus: each input fails with the exact library message', () => {
  test('the corpus has at least 40 rows', () => expect(CORPUS.length).toBeGreaterThanOrEqual(40));

  test.each(CORPUS)('%s', (_what, make, message) => {
    const stack = testStack();
    let thrown: unknown;
    try {
      make(stack);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(IstioMeshValidationError);
    expect((thrown as Error).message).toBe(message);
  });

  test('a refused mesh leaves no child behind', () => {
    const stack = testStack();
    expect(() => mesh({ istiodValues: { defaults: {} } })(stack)).toThrow(IstioMeshValidationError);
    expect(stack.node.tryFindChild('Mesh')?.node.children ?? []).toEqual([]);
  });

  test('tokens are not judged at synth (plan-time checks own them)', () => {
    const stack = testStack();
    const name = new TerraformVariable(stack, 'n', { type: 'string' });
    expect(() => mesh({ cluster: MeshCluster.lookup({ clusterName: name.stringValue, region: 'eu-west-1' }) })(stack)).not.toThrow();
  });
});
