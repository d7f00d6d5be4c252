import { BenchmarkMode } from '../../lib/wire/bench-contract';
import { judgePreflight, ModeFacts, PreflightFacts } from '../../lib/analysis/preflight-checks';
import { PodView } from '../../lib/kube/types';

/** Made-up facts: the judging half of preflight runs without any cluster. */
const pod = (name: string, node: string | undefined, containers = ['fortio']): PodView => ({
  name, namespace: 'ns', labels: { 'mesh-bench/component': 'server' }, annotations: {}, nodeName: node, phase: 'Running', containers, initContainers: [], ownerKinds: ['ReplicaSet'], images: {},
});
const mode = (m: BenchmarkMode, extra: Partial<ModeFacts> = {}): ModeFacts => ({
  mode: m, namespace: `mb-${m}`, serverReplicas: 1, namespaceLabels: m === BenchmarkMode.SIDECAR ? { 'istio-injection': 'enabled' } : {},
  pods: [pod(`srv-${m}`, 'n1', m === BenchmarkMode.SIDECAR ? ['fortio', 'istio-proxy'] : ['fortio'])], loadSelector: 'role=client', loadNodes: ['n2'], ...extra,
});
const facts = (modes: ModeFacts[], extra: Partial<PreflightFacts> = {}): PreflightFacts => ({
  kubernetesVersion: 'v1.29.0', istiodImages: ['docker.io/istio/pilot:1.22.8'], nodeNames: ['n1', 'n2'], modes, ...extra,
});

describe('judgePreflight (pure)', () => {
  test('healthy facts: no problem, no warning, versions read from the facts', () => {
    const r = judgePreflight(facts([mode(BenchmarkMode.BASELINE), mode(BenchmarkMode.SIDECAR)]));
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.istioVersion).toBe('1.22.8');
    expect(r.loadNodes.get(BenchmarkMode.SIDECAR)).toEqual(['n2']);
  });

  test('read failures become problems or warnings, each naming what could not be read', () => {
    const r = judgePreflight(facts([mode(BenchmarkMode.BASELINE, { error: 'HTTP 403: forbidden', pods: undefined }), mode(BenchmarkMode.SIDECAR, { loadNodes: undefined, loadNodesError: 'timed out' })], { versionError: 'refused', istiodError: 'HTTP 403' }));
    expect(r.problems).toEqual([
      'cannot read the Kubernetes server version: refused',
      'mode baseline: cannot inspect namespace mb-baseline: HTTP 403: forbidden',
      "mode sidecar: cannot resolve the load Job's nodeSelector role=client: timed out",
    ]);
    expect(r.warnings).toContain('cannot read istiod pods: HTTP 403; the Istio version is not recorded');
  });

  test('a load selector matching no node, and load on the server node, are judged', () => {
    const none = judgePreflight(facts([mode(BenchmarkMode.BASELINE, { loadNodes: [] })]));
    expect(none.problems).toEqual(["mode baseline: the load Job's nodeSelector role=client matches no node"]);
    const shared = judgePreflight(facts([mode(BenchmarkMode.BASELINE, { loadNodes: ['n1'] })]));
    expect(shared.warnings).toEqual(['mode baseline: load Jobs may run on the server node(s) n1']);
  });

  describe('the waypoint of ambient-waypoint', () => {
    const WP = BenchmarkMode.AMBIENT_WAYPOINT;
    const labels = { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' };
    const wp = (name: string, extra: Partial<PodView> = {}): PodView => ({ ...pod(name, 'n9', ['istio-proxy']), labels: {}, ready: true, ...extra });
    const judge = (extra: Partial<ModeFacts>) => judgePreflight(facts([mode(WP, { namespaceLabels: labels, pods: [{ ...pod('srv', 'n1'), annotations: { 'ambient.istio.io/redirection': 'enabled' } }], ...extra })]));
    const check = 'check that the Gateway API CRDs are installed (kubectl get crd gateways.gateway.networking.k8s.io) and that the waypoint is programmed (kubectl -n mb-ambient-waypoint get gateway waypoint)';

    test('a Running and Ready waypoint pod on any node is what gets sampled; no problem', () => {
      const r = judge({ waypointPods: [wp('waypoint-a')] });
      expect(r.problems).toEqual([]);
      expect(r.warnings).toEqual([]);
      expect(r.waypointPods.get(WP)?.map((p) => [p.name, p.nodeName])).toEqual([['waypoint-a', 'n9']]);
    });

    test('no pod, only Pending or unready pods, an unknown readiness, or a failed list: one problem each, saying what to check', () => {
      expect(judge({ waypointPods: [] }).problems).toEqual([`mode ambient-waypoint: no waypoint pod in namespace mb-ambient-waypoint (gateway.networking.k8s.io/gateway-name=waypoint), so its L7 proxy would not be measured; ${check}`]);
      expect(judge({ waypointPods: [wp('waypoint-a', { phase: 'Pending', nodeName: undefined }), wp('waypoint-b', { ready: false }), wp('waypoint-c', { ready: undefined })] }).problems).toEqual([
        `mode ambient-waypoint: no Running and Ready waypoint pod (found waypoint-a (Pending), waypoint-b (Running, not Ready), waypoint-c (Running, not Ready)) in namespace mb-ambient-waypoint (gateway.networking.k8s.io/gateway-name=waypoint), so its L7 proxy would not be measured; ${check}`,
      ]);
      expect(judge({ waypointPods: undefined, waypointError: 'HTTP 403: forbidden' }).problems).toEqual(['mode ambient-waypoint: cannot list the waypoint pods in namespace mb-ambient-waypoint (gateway.networking.k8s.io/gateway-name=waypoint): HTTP 403: forbidden']);
    });

    test('other modes are not asked for a waypoint', () => {
      const r = judgePreflight(facts([mode(BenchmarkMode.AMBIENT, { namespaceLabels: { 'istio.io/dataplane-mode': 'ambient' }, pods: [{ ...pod('srv', 'n1'), annotations: { 'ambient.istio.io/redirection': 'enabled' } }] })]));
      expect(r.problems).toEqual([]);
      expect(r.waypointPods.size).toBe(0);
    });
  });
});
