import { BenchmarkMode, RESULT_BEGIN_MARKER, RESULT_END_MARKER } from '../../lib/wire/bench-contract';
import { extractMarkedResult, substitutePlaceholders, validateTemplateMeta } from '../../lib/kube/harness';
import { jobState } from '../../lib/kube/jobs';
import { checkMeshState, imageTag } from '../../lib/kube/preflight';
import { parseNodeSummary, toSamples } from '../../lib/kube/proxy-usage';
import { PodView } from '../../lib/kube/types';
import { ProxyComponent } from '../../lib/wire/results-layout';

const pod = (name: string, containers: string[], initContainers: string[] = []): PodView => ({
  name,
  namespace: 'ns',
  labels: {},
  annotations: {},
  containers,
  initContainers,
  ownerKinds: ['ReplicaSet'],
  images: {},
});

describe('checkMeshState', () => {
  const plain = [pod('s', ['fortio'])];
  const proxied = [pod('s', ['fortio', 'istio-proxy'])];
  const native = [pod('s', ['fortio'], ['istio-proxy'])];
  test.each<[BenchmarkMode, Record<string, string>, PodView[], RegExp[]]>([
    [BenchmarkMode.BASELINE, {}, plain, []],
    [BenchmarkMode.BASELINE, { 'istio-injection': 'disabled' }, plain, []],
    [BenchmarkMode.BASELINE, { 'istio-injection': 'enabled' }, plain, [/enables sidecar injection/]],
    [BenchmarkMode.BASELINE, { 'istio.io/rev': 'canary' }, plain, [/enables sidecar injection/]],
    [BenchmarkMode.BASELINE, { 'istio.io/dataplane-mode': 'ambient' }, plain, [/enrolled in ambient/]],
    [BenchmarkMode.BASELINE, {}, proxied, [/have an istio-proxy container/]],
    [BenchmarkMode.SIDECAR, { 'istio-injection': 'enabled' }, proxied, []],
    [BenchmarkMode.SIDECAR, { 'istio.io/rev': '1-22-8' }, native, []],
    [BenchmarkMode.SIDECAR, {}, proxied, [/does not enable sidecar injection/]],
    [BenchmarkMode.SIDECAR, { 'istio-injection': 'enabled', 'istio.io/rev': 'x' }, proxied, [/both istio-injection and istio.io\/rev/]],
    [BenchmarkMode.SIDECAR, { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' }, proxied, [/also enrolled in ambient/]],
    [BenchmarkMode.SIDECAR, { 'istio-injection': 'enabled' }, plain, [/have no istio-proxy container/]],
    [BenchmarkMode.AMBIENT, { 'istio.io/dataplane-mode': 'ambient' }, plain, []],
    [BenchmarkMode.AMBIENT, { 'istio.io/dataplane-mode': 'none' }, plain, [/not enrolled in ambient/]],
    [BenchmarkMode.AMBIENT, { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' }, plain, [/also enables sidecar injection/]],
    [BenchmarkMode.AMBIENT, { 'istio.io/dataplane-mode': 'ambient' }, proxied, [/have an istio-proxy container/]],
  ])('%s with %j', (mode, labels, pods, expected) => {
    const problems = checkMeshState(mode, 'ns', labels, pods);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(problems[i]).toMatch(re));
  });
});

describe('harness contract helpers', () => {
  test('extractMarkedResult takes the last complete block between the markers', () => {
    expect(extractMarkedResult(`a\n${RESULT_BEGIN_MARKER}\n{"x":1}\n${RESULT_END_MARKER}\n`)).toBe('{"x":1}');
    expect(extractMarkedResult(`${RESULT_BEGIN_MARKER}\r\n{"x":1}\r\n${RESULT_END_MARKER}\r\n${RESULT_BEGIN_MARKER}\n{"x":2}\n${RESULT_END_MARKER}`)).toBe('{"x":2}');
    expect(extractMarkedResult(`${RESULT_BEGIN_MARKER}\n{"x":1}\n`)).toBeUndefined();
    expect(extractMarkedResult('{"x":1}')).toBeUndefined();
    expect(extractMarkedResult(`${RESULT_END_MARKER}\n${RESULT_BEGIN_MARKER}`)).toBeUndefined();
  });

  test('substitutePlaceholders replaces every occurrence and escapes for JSON', () => {
    const t = '{"a":"${JOB_NAME}","b":"${JOB_NAME}-${PHASE}","c":"${RUN_ID}/${ROUND}","d":"-t=${DURATION}","e":"-qps=${QPS}"}';
    const out = JSON.parse(substitutePlaceholders(t, { jobName: 'j"1', runId: 'r', round: 3, phase: 'warmup', duration: '30s', qps: 750 })) as Record<string, string>;
    expect(out).toEqual({ a: 'j"1', b: 'j"1-warmup', c: 'r/3', d: '-t=30s', e: '-qps=750' });
  });

  test('validateTemplateMeta names bad fields', () => {
    expect(validateTemplateMeta('x')).toEqual(['meta.json is not a JSON object']);
    const problems = validateTemplateMeta({ mode: 'mesh', namespace: '', targetUrl: 'u', image: 'i', qps: -1, connections: 1, durationSeconds: 1, warmupSeconds: 1, responseBytes: 1, requestPayloadBytes: 0, serverReplicas: 1 });
    expect(problems).toEqual([expect.stringMatching(/'mode' must be one of baseline, sidecar, ambient/), expect.stringMatching(/'namespace'/), expect.stringMatching(/'qps'/)]);
  });

  test('imageTag and jobState', () => {
    expect(imageTag('docker.io/istio/pilot:1.22.8')).toBe('1.22.8');
    expect(imageTag('registry:5000/istio/pilot:1.22.3-distroless@sha256:abc')).toBe('1.22.3-distroless');
    expect(imageTag('registry:5000/istio/pilot')).toBeUndefined();
    const base = { name: 'j', namespace: 'n', active: 0, succeeded: 0, failed: 0, conditions: [] };
    expect(jobState(base)).toBe('running');
    expect(jobState({ ...base, succeeded: 1 })).toBe('succeeded');
    expect(jobState({ ...base, conditions: [{ type: 'Complete', status: 'True' }] })).toBe('succeeded');
    expect(jobState({ ...base, conditions: [{ type: 'Complete', status: 'False' }] })).toBe('running');
    expect(jobState({ ...base, failed: 1 })).toBe('failed');
    expect(jobState({ ...base, conditions: [{ type: 'Failed', status: 'True' }] })).toBe('failed');
  });

  test('kubelet summary parsing keeps only the targeted containers, in millicores and MiB', () => {
    const doc = {
      node: { nodeName: 'n1' },
      pods: [
        { podRef: { name: 'p', namespace: 'ns' }, containers: [
          { name: 'istio-proxy', cpu: { time: 't1', usageNanoCores: 123_456_789 }, memory: { workingSetBytes: 3 * 1048576 } },
          { name: 'app', cpu: { usageNanoCores: 5 }, memory: { workingSetBytes: 5 } },
          { name: 'nomem', cpu: { usageNanoCores: 5 } },
        ] },
        { podRef: { name: 'z', namespace: 'istio-system' }, containers: [{ name: 'istio-proxy', cpu: { usageNanoCores: 2e6 }, memory: { workingSetBytes: 1048576 } }] },
        { junk: true },
      ],
    };
    const usage = parseNodeSummary(doc);
    expect(usage).toHaveLength(4);
    const samples = toSamples('n1', usage, [
      { component: ProxyComponent.WAYPOINT, node: 'n1', namespace: 'ns', pod: 'p', container: 'istio-proxy' },
      { component: ProxyComponent.ZTUNNEL, node: 'n1', namespace: 'istio-system', pod: 'z' },
      { component: ProxyComponent.WAYPOINT, node: 'n1', namespace: 'ns', pod: 'p', container: 'nomem' },
    ], 'now');
    expect(samples).toEqual([
      { time: 't1', component: 'waypoint', pod: 'p', container: 'istio-proxy', node: 'n1', cpuMillicores: 123.456789, memoryMiB: 3 },
      { time: 'now', component: 'ztunnel', pod: 'z', container: 'istio-proxy', node: 'n1', cpuMillicores: 2, memoryMiB: 1 },
    ]);
    expect(toSamples('n2', usage, [{ component: ProxyComponent.ZTUNNEL, node: 'n1', namespace: 'ns', pod: 'p' }], 'now')).toEqual([]);
    expect(() => parseNodeSummary({})).toThrow(/no pods array/);
  });
});
