import { Fn, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { parse } from 'yaml';
import { BenchmarkHarness } from '../../lib/benchmark/benchmark-harness';
import { BenchmarkNodeGroup } from '../../lib/benchmark/benchmark-node-group';
import { EksCluster } from '../../lib/eks/eks-cluster';
import { eksHelmProviderConfig, eksKubernetesProviderConfig } from '../../lib/eks/provider-config';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { MeshCluster } from '../../lib/istio/mesh-cluster';
import { terraformSafe, terraformString } from '../../lib/private/terraform-escape';
import { SynthJson, release, resourcesOf, synthJson, testStack } from '../util';
import { unescapedInterpolations } from './interpolation-scan';
import { allSynthesizedStacks } from './synthesized-stacks';
import { liveInterpolations, terraformLiteral } from './template';

/** Reads of files and functions at plan time: what an attacker would put into a "plain" string. */
const HOSTILE = '${file("/etc/hostname")}-%{ for x in ["a"] }${x}%{ endfor }';
/** The same for props with a short length limit. */
const SHORT = '${x}%{y}';

describe('terraformString', () => {
  test.each([
    'plain', '${JOB_NAME}', '%{ if true }x%{ endif }', '$${already}', '%%{already}', '$', '%', '$$', 'a$', '${a}${b}', '${${x}}', '$%{', '%${',
    'line\n"quoted"\\back',
  ])('Terraform reads %j back exactly', (text) => {
    expect(terraformLiteral(terraformString(text))).toBe(text);
  });

  test('tokens stay live, the text around them is escaped', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    const v = new TerraformVariable(stack, 'v', { type: 'string' });
    new ConfigMapV1(stack, 'c', terraformSafe({
      metadata: { name: 'x', labels: { [`k-\${x}-${v.stringValue}`]: 'v' } },
      data: { mixed: `\${JOB} ${v.stringValue} %{x} ${Fn.upper(v.stringValue)}` },
    }));
    const cm = JSON.parse(Testing.synth(stack)).resource.kubernetes_config_map_v1.c;
    expect(cm.data.mixed).toBe('$${JOB} ${var.v} %%{x} ${upper(var.v)}');
    expect(Object.keys(cm.metadata.labels)).toEqual(['k-$${x}-${var.v}']);
  });

  test("cdktf's own Fn.rawString is not enough: it leaves %{ live and mangles quotes and newlines", () => {
    const stack = new TerraformStack(Testing.app(), 's');
    new ConfigMapV1(stack, 'c', { metadata: { name: 'x' }, data: { raw: Fn.rawString('%{x}"\n') } });
    const raw = JSON.parse(Testing.synth(stack)).resource.kubernetes_config_map_v1.c.data.raw as string;
    expect(liveInterpolations(raw)).toEqual(['%{x}\\"\\n']);
  });
});

describe('no literal text Terraform would evaluate', () => {
  test.each(allSynthesizedStacks().map((s) => [s.name, s] as const))('%s', (_name, s) => {
    expect(unescapedInterpolations(s.stack, s.json)).toEqual([]);
  });

  test('the scan finds a literal ${ or %{ written without escaping (and accepts tokens)', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    const v = new TerraformVariable(stack, 'v', { type: 'string', default: '${default is literal JSON}' });
    new ConfigMapV1(stack, 'c', { metadata: { name: v.stringValue }, data: { a: '${JOB_NAME}', [`%{k}`]: Fn.upper(v.stringValue) } });
    expect(unescapedInterpolations(stack, JSON.parse(Testing.synth(stack)))).toEqual([
      's/c.resource.kubernetes_config_map_v1.c.data.a: "${JOB_NAME}"',
      's/c.resource.kubernetes_config_map_v1.c.data (key): "%{k}"',
      's (synthesized).resource.kubernetes_config_map_v1.c.data (key): "%{k}"',
    ]);
  });
});

/** Every free-text prop of the constructs and helpers gets the hostile string. */
function hostileStack(): { stack: TerraformStack; json: SynthJson } {
  const stack = testStack();
  const tags = { [`team-${HOSTILE}`]: HOSTILE };
  const eks = new EksCluster(stack, 'Eks', {
    clusterName: 'c', region: 'eu-west-1', kubernetesVersion: '1.32', tags, nodeLabels: tags, nodeAmiType: HOSTILE,
    nodeInstanceTypes: [HOSTILE], adminPrincipalArns: [HOSTILE], publicAccessCidrs: [HOSTILE], vpcCniConfigurationValues: { env: { X: HOSTILE } },
  });
  const auth = { profile: HOSTILE, roleArn: HOSTILE, command: HOSTILE };
  new HelmProvider(stack, 'helm-x', eksHelmProviderConfig(eks, { ...auth, alias: 'x' }));
  new KubernetesProvider(stack, 'k8s-x', eksKubernetesProviderConfig(eks, { ...auth, alias: 'x' }));
  const mesh = new IstioAmbientCluster(stack, 'Mesh', {
    cluster: MeshCluster.fromCluster(eks), allowUnsupportedKubernetesVersion: true,
    imageHub: HOSTILE, baseValues: { x: HOSTILE }, cniValues: { [HOSTILE]: 1 }, istiodValues: { pilot: { env: { X: HOSTILE } } }, ztunnelValues: { x: [HOSTILE] },
  });
  new BenchmarkNodeGroup(stack, 'BenchNodes', { cluster: eks, subnetId: HOSTILE, instanceType: HOSTILE });
  new BenchmarkHarness(stack, 'Bench', {
    mesh, fortioImage: HOSTILE, reportImage: HOSTILE, cpuRequest: SHORT, zone: HOSTILE,
    serverNodeSelector: tags, loadNodeSelector: tags, cliSubjects: [{ kind: 'Group', name: HOSTILE }],
  });
  return { stack, json: synthJson(stack) };
}

describe('hostile strings in every free-text prop reach the cluster and AWS as literals', () => {
  const { stack, json } = hostileStack();

  test('nothing in the output would be evaluated', () => {
    expect(unescapedInterpolations(stack, json as unknown as Record<string, unknown>)).toEqual([]);
  });

  test('Helm values (YAML text) read back to the exact value', () => {
    const values = parse(terraformLiteral((release(json, 'istiod').values as string[])[0]));
    expect(values.pilot.env.X).toBe(HOSTILE);
    expect(values.global.hub).toBe(HOSTILE);
    expect(Object.keys(parse(terraformLiteral((release(json, 'istio-cni').values as string[])[0])))).toContain(HOSTILE);
  });

  test('AWS tags, node labels, add-on JSON and provider exec args read back exactly', () => {
    const [, vpc] = resourcesOf(json, 'aws_vpc')[0];
    const literalTags = Object.fromEntries(Object.entries(vpc.tags as Record<string, string>).map(([k, v]) => [terraformLiteral(k), terraformLiteral(v)]));
    expect(literalTags[`team-${HOSTILE}`]).toBe(HOSTILE);
    const [, group] = resourcesOf(json, 'aws_eks_node_group').find(([, g]) => !('mesh-bench/role' in (g.labels as object)))!;
    expect(Object.keys(group.labels as object).map(terraformLiteral)).toEqual([`team-${HOSTILE}`]);
    const cni = resourcesOf(json, 'aws_eks_addon').find(([, a]) => a.addon_name === 'vpc-cni')![1];
    expect(JSON.parse(terraformLiteral(cni.configuration_values as string))).toEqual({ env: expect.objectContaining({ X: HOSTILE }) });
    const helm = json.provider!.helm.find((p) => p.alias === 'x')!;
    expect(((helm.kubernetes as any).exec.args as string[]).map(terraformLiteral)).toEqual(expect.arrayContaining(['--profile', HOSTILE, '--role-arn']));
  });

  test('harness images and selectors read back exactly', () => {
    const [, deployment] = resourcesOf(json, 'kubernetes_deployment_v1')[0];
    const pod = (deployment as any).spec.template.spec;
    expect(terraformLiteral(pod.container[0].image)).toBe(HOSTILE);
    expect(terraformLiteral(pod.node_selector['topology.kubernetes.io/zone'])).toBe(HOSTILE);
  });
});
