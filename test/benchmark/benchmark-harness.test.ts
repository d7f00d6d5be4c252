import { TerraformStack } from 'cdktf';
// kubernetes-models 4.x: JSON-schema validation of Kubernetes objects (CommonJS build).
import { Job } from 'kubernetes-models/batch/v1/Job';
import { BenchmarkHarness, BenchmarkHarnessProps, SIDECAR_PROXY_ANNOTATIONS } from '../../lib/benchmark/benchmark-harness';
import { CLI_PERMISSIONS, NODE_PROXY_PERMISSION } from '../../lib/benchmark/benchmark-cli-access';
import { BenchmarkNodeGroup } from '../../lib/benchmark/benchmark-node-group';
import { EksCluster } from '../../lib/eks/eks-cluster';
import { MeshCluster } from '../../lib/istio/mesh-cluster';
import {
  DEFAULT_MODES, BenchmarkMode, JOB_META_KEY, JOB_TEMPLATE_CONFIGMAP, JOB_TEMPLATE_KEY, LOAD_CONTAINER, PLACEHOLDERS,
  RESULT_BEGIN_MARKER, RESULT_CONTAINER, RESULT_END_MARKER,
} from '../../lib/wire/bench-contract';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { terraformLiteral } from '../terraform/template';
import { SynthJson, release, resourcesOf, synthJson, testStack, existingCluster } from '../util';

type Obj = Record<string, any>;

function meshStack(): { stack: TerraformStack; mesh: IstioAmbientCluster } {
  const stack = testStack();
  const mesh = new IstioAmbientCluster(stack, 'Mesh', { cluster: existingCluster(), ambientNamespaces: ['apps'] });
  return { stack, mesh };
}

function synthHarness(props: BenchmarkHarnessProps = {}): { json: SynthJson; harness: BenchmarkHarness } {
  const { stack } = meshStack();
  const harness = new BenchmarkHarness(stack, 'Bench', props);
  return { json: synthJson(stack), harness };
}

const byNamespace = (json: SynthJson, type: string) => Object.fromEntries(
  resourcesOf(json, type).map(([, r]) => [String((r.metadata as Obj).namespace ?? (r.metadata as Obj).name), r as Obj]),
);
/** Namespace names are resolved through the namespace resource; map them back by the mode label. */
const byMode = (json: SynthJson, type: string) => Object.fromEntries(
  resourcesOf(json, type).map(([, r]) => [String((r.metadata as Obj).labels['mesh-bench/mode']), r as Obj]),
);

function jobTemplates(json: SynthJson): Record<string, { job: Obj; meta: Obj; text: string }> {
  return Object.fromEntries(Object.entries(byMode(json, 'kubernetes_config_map_v1')).map(([mode, cm]) => {
    expect(cm.metadata.name).toBe(JOB_TEMPLATE_CONFIGMAP);
    // What reaches the cluster: the ConfigMap data as Terraform reads the JSON strings ($${ → ${).
    const text = terraformLiteral(cm.data[JOB_TEMPLATE_KEY]);
    return [mode, { job: JSON.parse(text), meta: JSON.parse(terraformLiteral(cm.data[JOB_META_KEY])), text }];
  }));
}

function instantiate(text: string): Obj {
  return JSON.parse(text.split(PLACEHOLDERS.jobName).join('mesh-bench-r1-ambient-measure').split(PLACEHOLDERS.runId).join('run1')
    .split(PLACEHOLDERS.round).join('1').split(PLACEHOLDERS.phase).join('measure').split(PLACEHOLDERS.duration).join('180s').split(PLACEHOLDERS.qps).join('1000'));
}

describe('BenchmarkHarness: namespaces and mesh labels', () => {
  const { json } = synthHarness();
  const ns = byNamespace(json, 'kubernetes_namespace');

  test('one namespace per mode, all labelled part-of and mode', () => {
    expect(Object.keys(ns).filter((n) => n.startsWith('mesh-bench')).sort()).toEqual(['mesh-bench-ambient', 'mesh-bench-baseline', 'mesh-bench-sidecar']);
    for (const m of DEFAULT_MODES) expect(ns[`mesh-bench-${m}`].metadata.labels).toEqual(expect.objectContaining({ 'app.kubernetes.io/part-of': 'mesh-benchmark', 'mesh-bench/mode': m }));
  });

  test('baseline: injection disabled, not ambient; sidecar: injection, never the ambient label; ambient: the ambient label, never injection', () => {
    const l = (m: string) => ns[`mesh-bench-${m}`].metadata.labels as Record<string, string>;
    expect(l('baseline')['istio-injection']).toBe('disabled');
    expect(l('baseline')['istio.io/dataplane-mode']).toBeUndefined();
    expect(l('sidecar')['istio-injection']).toBe('enabled');
    expect(l('sidecar')['istio.io/dataplane-mode']).toBeUndefined();
    expect(l('ambient')['istio.io/dataplane-mode']).toBe('ambient');
    expect(l('ambient')['istio-injection']).toBeUndefined();
    expect(l('ambient')['istio.io/rev']).toBeUndefined();
  });

  test('sidecarRevision injects through istio.io/rev, without istio-injection', () => {
    const { json: j } = synthHarness({ sidecarRevision: 'prod-stable' });
    const labels = byNamespace(j, 'kubernetes_namespace')['mesh-bench-sidecar'].metadata.labels;
    expect(labels['istio.io/rev']).toBe('prod-stable');
    expect(labels['istio-injection']).toBeUndefined();
  });

  test('namespaces are created after the mesh (its last release), so injection and ztunnel exist first', () => {
    for (const m of DEFAULT_MODES) expect(ns[`mesh-bench-${m}`].depends_on).toEqual([`helm_release.${release(json, 'istio-mesh-config').logicalId}`]);
  });
});

describe('BenchmarkHarness: servers', () => {
  const { json } = synthHarness({ serverReplicas: 100, responseSizeBytes: 1024, qps: 1000 });
  const deployments = byMode(json, 'kubernetes_deployment_v1');

  test('the classic case is expressible: 100 pods returning 1 KiB at 10 requests/s per pod', () => {
    const t = jobTemplates(json);
    for (const m of DEFAULT_MODES) {
      expect(deployments[m].spec.replicas).toBe('100');
      expect(t[m].meta).toEqual(expect.objectContaining({ serverReplicas: 100, responseBytes: 1024, requestPayloadBytes: 0, qps: 1000 }));
      expect(t[m].meta.targetUrl).toBe(`http://fortio-server.mesh-bench-${m}.svc.cluster.local:8080/echo?size=1024`);
      expect(t[m].meta.qps / t[m].meta.serverReplicas).toBe(10);
    }
  });

  test('identical server pods across modes except the mode label and sidecar proxy settings', () => {
    const normalized = DEFAULT_MODES.map((m) => {
      const spec = JSON.parse(JSON.stringify(deployments[m].spec));
      delete spec.template.metadata.labels['mesh-bench/mode'];
      delete spec.selector.match_labels['mesh-bench/mode'];
      delete spec.template.metadata.annotations;
      return spec;
    });
    expect(normalized[1]).toEqual(normalized[0]);
    expect(normalized[2]).toEqual(normalized[0]);
  });

  test('server container: pinned fortio image, named ports, CPU request without a CPU limit, readiness probe', () => {
    const c = deployments.ambient.spec.template.spec.container[0];
    expect(c.image).toBe('fortio/fortio:1.75.2');
    expect(c.args).toEqual(['server']);
    expect(c.port).toEqual([{ name: 'http-echo', container_port: 8080 }, { name: 'grpc-ping', container_port: 8079 }]);
    expect(c.resources).toEqual({ requests: { cpu: '2', memory: '256Mi' }, limits: { memory: '256Mi' } });
    expect(c.readiness_probe).toEqual(expect.objectContaining({ http_get: expect.objectContaining({ path: '/debug', port: '8080' }) }));
  });

  test('sidecar proxy settings on sidecar pods only', () => {
    expect(deployments.sidecar.spec.template.metadata.annotations).toEqual(SIDECAR_PROXY_ANNOTATIONS);
    expect(deployments.ambient.spec.template.metadata.annotations ?? {}).toEqual({});
    expect(deployments.baseline.spec.template.metadata.annotations ?? {}).toEqual({});
  });

  test('placement: servers on the server nodes, tolerating the benchmark taint, never beside load pods', () => {
    const spec = deployments.baseline.spec.template.spec;
    expect(spec.node_selector).toEqual({ 'mesh-bench/role': 'server' });
    expect(spec.toleration).toEqual([{ key: 'mesh-bench', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution[0]).toEqual(expect.objectContaining({
      topology_key: 'kubernetes.io/hostname', label_selector: [{ match_labels: { 'app.kubernetes.io/part-of': 'mesh-benchmark', 'mesh-bench/component': 'load' } }],
    }));
  });

  test('services: ClusterIP with named ports so Istio detects the protocol', () => {
    const svc = byMode(json, 'kubernetes_service_v1');
    expect(svc.ambient.spec.port).toEqual([
      { name: 'http-echo', port: 8080, target_port: '8080' }, { name: 'grpc-ping', port: 8079, target_port: '8079' },
    ]);
  });
});

describe('BenchmarkHarness: Job templates', () => {
  const { json } = synthHarness({ zone: 'eu-west-1a', requestPayloadBytes: 512 });
  const t = jobTemplates(json);

  test.each(DEFAULT_MODES)('%s: the instantiated template is a valid Kubernetes Job', (m) => {
    const job = instantiate(t[m].text);
    expect(() => new Job(job as ConstructorParameters<typeof Job>[0]).validate()).not.toThrow();
    expect(JSON.stringify(job)).not.toMatch(/\$\{[A-Z_]+\}/);
  });

  test('the Job validator can fail (a sanity check of the check)', () => {
    const job = instantiate(t.ambient.text);
    job.spec.backoffLimit = 'zero';
    expect(() => new Job(job as ConstructorParameters<typeof Job>[0]).validate()).toThrow(/backoffLimit/);
  });

  test('fortio load is open loop with fine resolution, the placeholders, labels and JSON output', () => {
    const load = t.sidecar.job.spec.template.spec.containers.find((c: Obj) => c.name === LOAD_CONTAINER);
    expect(load.args).toEqual([
      'load', `-qps=${PLACEHOLDERS.qps}`, '-c=16', `-t=${PLACEHOLDERS.duration}`, '-uniform', '-nocatchup', '-r=0.00001', '-p=50,75,90,99,99.9',
      '-payload-size=512', '-timeout=3s', `-labels=${PLACEHOLDERS.runId}/sidecar/${PLACEHOLDERS.round}/${PLACEHOLDERS.phase}`,
      '-json=/results/result.json', 'http://fortio-server.mesh-bench-sidecar.svc.cluster.local:8080/echo?size=1024',
    ]);
    expect(t.sidecar.job.metadata).toEqual(expect.objectContaining({ name: PLACEHOLDERS.jobName, namespace: 'mesh-bench-sidecar' }));
  });

  test('the companion prints the result between the markers and stops the sidecar', () => {
    const spec = t.ambient.job.spec.template.spec;
    const report = spec.containers.find((c: Obj) => c.name === RESULT_CONTAINER);
    const script = report.command[2] as string;
    expect(script.indexOf(RESULT_BEGIN_MARKER)).toBeGreaterThan(-1);
    expect(script.indexOf('cat /results/result.json')).toBeGreaterThan(script.indexOf(RESULT_BEGIN_MARKER));
    expect(script.indexOf(RESULT_END_MARKER)).toBeGreaterThan(script.indexOf('cat /results/result.json'));
    expect(script).toContain("--post-data='' http://127.0.0.1:15020/quitquitquit");
    expect(spec.shareProcessNamespace).toBe(true);
    expect(spec.restartPolicy).toBe('Never');
    expect(t.ambient.job.spec.backoffLimit).toBe(0);
  });

  test('load pods: client nodes, the zone, never beside servers; sidecar proxy settings only in sidecar mode', () => {
    const spec = t.baseline.job.spec.template.spec;
    expect(spec.nodeSelector).toEqual({ 'mesh-bench/role': 'client', 'topology.kubernetes.io/zone': 'eu-west-1a' });
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels['mesh-bench/component']).toBe('server');
    expect(t.sidecar.job.spec.template.metadata.annotations).toEqual(SIDECAR_PROXY_ANNOTATIONS);
    expect(t.ambient.job.spec.template.metadata.annotations).toEqual({});
  });

  test('identical load pods across modes but for mode, namespace, URL and proxy settings', () => {
    const strip = (m: string) => {
      const s = t[m].text.split(m === 'baseline' ? 'baseline' : m).join('MODE');
      const job = JSON.parse(s);
      delete job.spec.template.metadata.annotations;
      return job;
    };
    expect(strip('sidecar')).toEqual(strip('baseline'));
    expect(strip('ambient')).toEqual(strip('baseline'));
  });
});

describe('BenchmarkHarness: CLI access', () => {
  const roles = (json: SynthJson) => Object.fromEntries(resourcesOf(json, 'kubernetes_cluster_role_v1').map(([, r]) => [String((r.metadata as Obj).name), r as Obj]));
  const bindings = (json: SynthJson) => Object.fromEntries(resourcesOf(json, 'kubernetes_cluster_role_binding_v1').map(([, r]) => [String((r.metadata as Obj).name), r as Obj]));

  test('a ClusterRole with exactly the CLI calls, bound to the operators group by default; nodes/proxy in its own role', () => {
    const { json } = synthHarness();
    const role = roles(json)['mesh-bench-cli'];
    expect(role.rule).toHaveLength(CLI_PERMISSIONS.length);
    expect(role.rule).not.toContainEqual(expect.objectContaining({ resources: ['nodes/proxy'] }));
    expect(role.rule).toContainEqual({ api_groups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'watch', 'delete'] });
    // the powerful permission: alone in its role, verb get only, flagged on the object itself
    const proxy = roles(json)['mesh-bench-cli-node-proxy'];
    expect(proxy.rule).toEqual([{ api_groups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]);
    expect(NODE_PROXY_PERMISSION).toEqual(['', 'nodes/proxy', ['get']]);
    expect(proxy.metadata.annotations['mesh-bench/warning']).toMatch(/whole kubelet API of every node \(including exec via websocket GET\)/);
    for (const b of Object.values(bindings(json))) expect(b.subject).toEqual([expect.objectContaining({ kind: 'Group', name: 'mesh-bench:operators' })]);
    expect(resourcesOf(json, 'aws_eks_access_entry')).toEqual([]);
  });

  test('kubeletSummaryAccess: false leaves nodes/proxy out entirely', () => {
    const { json } = synthHarness({ kubeletSummaryAccess: false });
    expect(Object.keys(roles(json))).toEqual(['mesh-bench-cli']);
    expect(Object.keys(bindings(json))).toEqual(['mesh-bench-cli']);
  });

  test('cliOperatorPrincipalArns get EKS access entries in the mesh cluster that map them into the binding\'s group', () => {
    const arns = ['arn:aws:iam::111122223333:role/bench-operator', 'arn:aws:iam::111122223333:user/alice'];
    const { json } = synthHarness({ cliOperatorPrincipalArns: arns });
    const entries = resourcesOf(json, 'aws_eks_access_entry').map(([, e]) => e as Obj);
    expect(entries.map((e) => e.principal_arn)).toEqual(arns);
    for (const e of entries) expect(e).toMatchObject({ cluster_name: 'c', type: 'STANDARD', kubernetes_groups: ['mesh-bench:operators'] });
    const custom = synthHarness({ cliOperatorPrincipalArns: arns.slice(0, 1), cliSubjects: [{ kind: 'Group', name: 'perf-team' }] }).json;
    expect(resourcesOf(custom, 'aws_eks_access_entry')[0][1]).toMatchObject({ kubernetes_groups: ['perf-team'] });
  });

  test('fails when operator principals have no group to join, or no cluster', () => {
    expect(() => synthHarness({ cliOperatorPrincipalArns: ['arn:aws:iam::1:role/x'], cliSubjects: [{ kind: 'User', name: 'bob' }] }))
      .toThrow(/^'operatorPrincipalArns' need a Group subject to map the principals into, got \["arn:aws:iam::1:role\/x"\] \(subjects: User bob\)/);
    expect(() => new BenchmarkHarness(testStack(), 'Bench', { istioInstalledElsewhere: true, cliOperatorPrincipalArns: ['arn:aws:iam::1:role/x'] }))
      .toThrow(/^'cliOperatorPrincipalArns' need the mesh's cluster for the access entries/);
  });
});

describe('BenchmarkHarness: deploy order', () => {
  function withNodes(explicit: boolean) {
    const stack = testStack();
    const cluster = new EksCluster(stack, 'Eks', { clusterName: 'bench', region: 'eu-west-1', kubernetesVersion: '1.33' });
    const mesh = new IstioAmbientCluster(stack, 'Mesh', { cluster: MeshCluster.fromCluster(cluster), allowUnsupportedKubernetesVersion: true });
    const nodes = new BenchmarkNodeGroup(stack, 'BenchNodes', { cluster, subnetId: 'subnet-1a' });
    new BenchmarkHarness(stack, 'Bench', { mesh, ...(explicit ? { nodes } : {}) });
    return synthJson(stack);
  }
  const ids = (json: SynthJson, role: string) => resourcesOf(json, 'aws_eks_node_group')
    .filter(([, g]) => (g.labels as Record<string, string> | undefined)?.['mesh-bench/role'] === role).map(([id]) => `aws_eks_node_group.${id}`);

  test.each([true, false])('servers wait for the server nodes and job templates for the client nodes (nodes given explicitly: %p)', (explicit) => {
    const json = withNodes(explicit);
    const [server] = ids(json, 'server');
    const [client] = ids(json, 'client');
    expect(server).toBeDefined();
    for (const [, d] of resourcesOf(json, 'kubernetes_deployment_v1')) expect(d.depends_on).toEqual([server]);
    for (const [, c] of resourcesOf(json, 'kubernetes_config_map_v1').filter(([, c]) => (c.metadata as Obj).name === JOB_TEMPLATE_CONFIGMAP)) expect(c.depends_on).toEqual([client]);
  });

  test('without benchmark nodes in the stack the servers have no extra dependency', () => {
    const { json } = synthHarness();
    for (const [, d] of resourcesOf(json, 'kubernetes_deployment_v1')) expect(d.depends_on).toBeUndefined();
  });
});

describe('BenchmarkHarness: fails at synth', () => {
  const fails = (props: BenchmarkHarnessProps, re: RegExp, withMesh = true) => {
    const stack = withMesh ? meshStack().stack : testStack();
    expect(() => new BenchmarkHarness(stack, 'Bench', props)).toThrow(IstioMeshValidationError);
    expect(() => new BenchmarkHarness(withMesh ? meshStack().stack : testStack(), 'Bench', props)).toThrow(re);
  };
  test('fails when a mode is unknown', () => fails({ modes: ['waypoint' as BenchmarkMode] }, /^'modes' must contain only known modes, got 'waypoint' \(modes: baseline, sidecar, ambient, ambient-waypoint\)/));
  test('fails when no mode is given', () => fails({ modes: [] }, /^'modes' must list at least one mode/));
  test('fails when a mode repeats', () => fails({ modes: [BenchmarkMode.AMBIENT, BenchmarkMode.AMBIENT] }, /^'modes' must not repeat a mode/));
  test.each([
    ['serverReplicas', 0, /^'serverReplicas' must be an integer from 1 to 500, got 0/],
    ['serverReplicas', 501, /^'serverReplicas' must be an integer from 1 to 500, got 501/],
    ['qps', 0, /^'qps' must be an integer from 1 to 100000, got 0/],
    ['qps', 2.5, /^'qps' must be an integer/],
    ['durationSeconds', 5, /^'durationSeconds' must be an integer from 10 to 3600, got 5/],
    ['warmupSeconds', 601, /^'warmupSeconds' must be an integer from 0 to 600/],
    ['responseSizeBytes', 262145, /^'responseSizeBytes' must be an integer from 0 to 262144/],
    ['requestPayloadBytes', -1, /^'requestPayloadBytes' must be an integer from 0 to 262144/],
    ['connections', 2000, /^'connections' must be an integer from 1 to 1024/],
    ['memoryMiB', 10, /^'memoryMiB' must be an integer from 64 to 16384/],
    ['resolutionSeconds', 0.01, /^'resolutionSeconds' must be from 1e-7 to 1e-3 seconds, got 0\.01/],
  ])('fails when %s is %p', (prop, value, re) => fails({ [prop]: value } as BenchmarkHarnessProps, re));
  test('fails when connections exceed qps', () => fails({ qps: 10, connections: 16 }, /^'connections' must not exceed 'qps' \(10\)/));
  test('fails when sidecar/ambient modes have no Istio control plane in the stack', () => fails({}, /^'modes' include 'sidecar', 'ambient', which need an Istio control plane: pass 'mesh'/, false));
  test('baseline alone needs no control plane; istioInstalledElsewhere allows the others', () => {
    expect(() => new BenchmarkHarness(testStack(), 'Bench', { modes: [BenchmarkMode.BASELINE] })).not.toThrow();
    expect(() => new BenchmarkHarness(testStack(), 'Bench', { istioInstalledElsewhere: true })).not.toThrow();
  });
  test('fails when a namespace collides with Istio\'s', () => fails({ namespacePrefix: 'istio' }, /^'namespacePrefix' must not produce a namespace that Istio, Kubernetes or the mesh already uses, got 'istio-baseline'/));
  test('fails when a namespace collides with the mesh\'s enrolled namespaces', () => {
    const stack = testStack();
    new IstioAmbientCluster(stack, 'Mesh', { cluster: existingCluster(), enrollExistingNamespaces: ['bench-sidecar'] });
    expect(() => new BenchmarkHarness(stack, 'Bench', { namespacePrefix: 'bench' })).toThrow(/^'namespacePrefix' must not produce a namespace that Istio, Kubernetes or the mesh already uses, got 'bench-sidecar' \(reserved: .*bench-sidecar/);
  });
  test('fails when the prefix is not DNS-1123', () => fails({ namespacePrefix: 'Mesh_Bench' }, /^'namespacePrefix' must contain only DNS-1123 labels, got 'Mesh_Bench-baseline'/));
});
