import { BenchmarkHarness } from '../../lib/benchmark/benchmark-harness';
import { ALL_MODES, BenchmarkMode, DEFAULT_MODES } from '../../lib/wire/bench-contract';
import { checkMeshState } from '../../lib/analysis/preflight-checks';
import { PodView } from '../../lib/kube/types';
import { annotationsOf, release, resourcesOf, synthJson, testMesh, testStack } from '../util';

const pod: PodView = { name: 's', namespace: 'ns', labels: {}, annotations: {}, containers: ['fortio'], initContainers: [], ownerKinds: ['ReplicaSet'], images: {} };

describe('BenchmarkHarness: ambient-waypoint mode (ambient L4+L7)', () => {
  function harness() {
    const stack = testStack();
    testMesh(stack);
    const h = new BenchmarkHarness(stack, 'Bench', { modes: [BenchmarkMode.AMBIENT, BenchmarkMode.AMBIENT_WAYPOINT] });
    return { stack, h, json: synthJson(stack) };
  }

  test('opt-in: the default modes stay baseline, sidecar, ambient; every mode is known to the CLI', () => {
    expect(DEFAULT_MODES).toEqual(['baseline', 'sidecar', 'ambient']);
    expect(ALL_MODES).toEqual(['baseline', 'sidecar', 'ambient', 'ambient-waypoint']);
  });

  test('its namespace is ambient and uses the waypoint; the ambient namespace does not', () => {
    const { json } = harness();
    const ns = Object.fromEntries(resourcesOf(json, 'kubernetes_namespace').map(([, r]) => [(r.metadata as { name: string }).name, (r.metadata as { labels: Record<string, string> }).labels]));
    expect(ns['mesh-bench-ambient-waypoint']).toEqual(expect.objectContaining({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' }));
    expect(ns['mesh-bench-ambient']['istio.io/use-waypoint']).toBeUndefined();
  });

  test('a Waypoint construct in that namespace, released after the namespace exists, labels owned by the namespace only', () => {
    const { h, json } = harness();
    expect(h.waypoint!.gateway).toMatchObject({ kind: 'Gateway', metadata: { name: 'waypoint', namespace: 'mesh-bench-ambient-waypoint' }, spec: { gatewayClassName: 'istio-waypoint' } });
    expect(h.waypoint!.useLabels).toEqual([]);
    const r = release(json, 'policy-waypoint-mesh-bench-ambient-waypoint-waypoint');
    const nsId = resourcesOf(json, 'kubernetes_namespace').find(([, n]) => (n.metadata as { name: string }).name === 'mesh-bench-ambient-waypoint')![0];
    expect(r.depends_on).toContain(`kubernetes_namespace.${nsId}`);
  });

  test('passes the prechecks (the waypoint is declared; pinned images)', () => {
    const { stack } = harness();
    expect(annotationsOf(stack, 'error')).toEqual([]);
    expect(annotationsOf(stack, 'warning').filter((w) => w.includes('[CIM-'))).toEqual([]);
  });

  test('fails without a mesh in the stack, even with istioInstalledElsewhere (the Waypoint needs the mesh)', () => {
    expect(() => new BenchmarkHarness(testStack(), 'Bench', { modes: [BenchmarkMode.AMBIENT_WAYPOINT], istioInstalledElsewhere: true }))
      .toThrow(/'modes' include 'ambient-waypoint', whose Waypoint construct needs the mesh/);
  });

  test('mesh-bench preflight: ambient rules plus the use-waypoint label', () => {
    expect(checkMeshState(BenchmarkMode.AMBIENT_WAYPOINT, 'ns', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' }, [pod])).toEqual([]);
    expect(checkMeshState(BenchmarkMode.AMBIENT_WAYPOINT, 'ns', { 'istio.io/dataplane-mode': 'ambient' }, [pod]))
      .toEqual([expect.stringMatching(/has no istio\.io\/use-waypoint label; its traffic would skip the waypoint/)]);
    expect(checkMeshState(BenchmarkMode.AMBIENT_WAYPOINT, 'ns', { 'istio.io/use-waypoint': 'waypoint' }, [pod]))
      .toEqual([expect.stringMatching(/not enrolled in ambient mode/)]);
  });
});
