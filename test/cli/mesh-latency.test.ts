import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/mesh-latency';
import { FakeApiServer } from '../kube/fake-api-server';
import { FakeCluster } from '../kube/fake-cluster';
import { lcg } from '../kube/fortio-result';
import { bruteForceQuantile, ENVOY_BOUNDS, histogramText, Series } from '../kube/prom-fixture';

const NS = 'shop';
const METRIC = 'istio_request_duration_milliseconds';
const QS = [0.5, 0.95, 0.99];
const KEYS = ['p50', 'p95', 'p99'];

/** Latencies (ms) spread over several Envoy buckets, from a seeded generator. */
function latencies(n: number, seed: number, scale: number): number[] {
  const rnd = lcg(seed);
  return Array.from({ length: n }, () => scale * Math.exp(2.5 * rnd()) * (rnd() < 0.03 ? 40 : 1));
}

interface JsonReport {
  namespace: string;
  ambient: boolean;
  reporter: string;
  pods: { pod: string; node?: string; error?: string; requests?: number; quantilesMs?: Record<string, number | null> }[];
  aggregate?: { requests: number; quantilesMs: Record<string, number | null> };
  ztunnel?: { note: string; pods: { pod: string; error?: string; counters?: Record<string, number> }[] };
}

describe('mesh-latency (end to end against a fake API server)', () => {
  let cluster: FakeCluster;
  let dir: string;
  let kubeconfig: string;
  let out: string[];
  let err: string[];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
  const run = (...args: string[]): Promise<number> => main(['node', 'mesh-latency', '--kubeconfig', kubeconfig, ...args], io);

  beforeEach(async () => {
    cluster = new FakeCluster(await FakeApiServer.start());
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-latency-'));
    kubeconfig = cluster.server.writeKubeconfig(dir);
    out = [];
    err = [];
  });
  afterEach(async () => {
    await cluster.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function addSidecarPod(name: string, node: string): void {
    cluster.addPod({ name, namespace: NS, labels: { app: name }, nodeName: node, containers: ['app', 'istio-proxy'], initContainers: ['istio-init'] });
  }

  test('sidecar namespace: exact histogram_quantile per pod, reporter filter, a hanging pod and a garbage pod', async () => {
    cluster.namespaces.set(NS, { 'istio-injection': 'enabled' });
    const destA1 = latencies(400, 11, 0.3);
    const destA2 = latencies(250, 12, 0.8);
    const srcA = latencies(300, 13, 20);
    const destD = latencies(150, 14, 2);
    const seriesA: Series[] = [
      { labels: { reporter: 'destination', source_workload: 'web', response_code: '200' }, samples: destA1 },
      { labels: { reporter: 'destination', source_workload: 'cron', response_code: '503' }, samples: destA2 },
      { labels: { reporter: 'source', destination_workload: 'db', response_code: '200' }, samples: srcA },
    ];
    addSidecarPod('api-a', 'node-1');
    addSidecarPod('api-hang', 'node-1');
    addSidecarPod('api-garbage', 'node-2');
    addSidecarPod('api-d', 'node-2');
    cluster.addPod({ name: 'no-proxy', namespace: NS, nodeName: 'node-2', containers: ['app'] });
    cluster.metrics.set(`${NS}/api-a:15020`, `# a comment\nistio_build{component="proxy",tag="1.22.8"} 1\n${histogramText(METRIC, ENVOY_BOUNDS, seriesA)}`);
    cluster.metrics.set(`${NS}/api-d:15020`, histogramText(METRIC, ENVOY_BOUNDS, [{ labels: { reporter: 'destination' }, samples: destD }]));
    cluster.metrics.set(`${NS}/api-hang:15020`, { hang: true });
    cluster.metrics.set(`${NS}/api-garbage:15020`, '<html><body>502 Bad Gateway</body></html>\n');

    const started = Date.now();
    const code = await run('--namespace', NS, '--json', '--timeout-ms', '400');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(code).toBe(0);
    const report = JSON.parse(out.join('')) as JsonReport;
    expect(report.namespace).toBe(NS);
    expect(report.ambient).toBe(false);
    expect(report.reporter).toBe('destination');
    expect(report.ztunnel).toBeUndefined();
    expect(report.pods.map((p) => p.pod).sort()).toEqual(['api-a', 'api-d', 'api-garbage', 'api-hang']);
    const byPod = new Map(report.pods.map((p) => [p.pod, p]));

    const destA = [...destA1, ...destA2];
    const a = byPod.get('api-a');
    expect(a?.error).toBeUndefined();
    expect(a?.requests).toBe(destA.length);
    QS.forEach((q, i) => expect(a?.quantilesMs?.[KEYS[i]]).toBeCloseTo(bruteForceQuantile(destA, ENVOY_BOUNDS, q), 9));
    QS.forEach((q, i) => expect(byPod.get('api-d')?.quantilesMs?.[KEYS[i]]).toBeCloseTo(bruteForceQuantile(destD, ENVOY_BOUNDS, q), 9));
    expect(byPod.get('api-hang')?.error).toMatch(/timed out after 400 ms/);
    expect(byPod.get('api-garbage')?.error).toMatch(/line 1: .*metric name/);
    const all = [...destA, ...destD];
    expect(report.aggregate?.requests).toBe(all.length);
    QS.forEach((q, i) => expect(report.aggregate?.quantilesMs[KEYS[i]]).toBeCloseTo(bruteForceQuantile(all, ENVOY_BOUNDS, q), 9));
    // Metrics were read through the API server's pod proxy on pilot-agent's port, nothing for the unmeshed pod.
    const proxied = cluster.server.find('GET', /\/proxy\/stats\/prometheus$/).map((r) => r.path).sort();
    expect(proxied).toEqual(['api-a', 'api-d', 'api-garbage', 'api-hang'].map((p) => `/api/v1/namespaces/${NS}/pods/${p}:15020/proxy/stats/prometheus`));

    out = [];
    expect(await run('--namespace', NS, '--json', '--timeout-ms', '400', '--reporter', 'source')).toBe(0);
    const source = JSON.parse(out.join('')) as JsonReport;
    const sa = source.pods.find((p) => p.pod === 'api-a');
    expect(sa?.requests).toBe(srcA.length);
    QS.forEach((q, i) => expect(sa?.quantilesMs?.[KEYS[i]]).toBeCloseTo(bruteForceQuantile(srcA, ENVOY_BOUNDS, q), 9));
    expect(source.pods.find((p) => p.pod === 'api-d')?.quantilesMs?.p50).toBeNull();
  });

  test('text output names every pod and its error', async () => {
    cluster.namespaces.set(NS, {});
    addSidecarPod('api-a', 'node-1');
    addSidecarPod('api-garbage', 'node-1');
    const samples = latencies(100, 5, 1);
    cluster.metrics.set(`${NS}/api-a:15020`, histogramText(METRIC, ENVOY_BOUNDS, [{ labels: { reporter: 'destination' }, samples }]));
    cluster.metrics.set(`${NS}/api-garbage:15020`, 'this is not { prometheus\n');
    expect(await run('--namespace', NS, '--quantiles', '0.5,0.999')).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/POD\s+NODE\s+REQUESTS\s+p50 ms\s+p99\.9 ms/);
    const expectedP50 = Number(bruteForceQuantile(samples, ENVOY_BOUNDS, 0.5).toPrecision(3)).toString();
    expect(text).toMatch(new RegExp(`api-a\\s+node-1\\s+${samples.length}\\s+${expectedP50.replace('.', '\\.')}\\s`));
    expect(text).toMatch(/api-garbage\s+node-1\s+error: line 1: /);
  });

  test('exit code is non-zero when every pod fails, or when there is nothing to read', async () => {
    cluster.namespaces.set(NS, {});
    addSidecarPod('api-hang', 'node-1');
    addSidecarPod('api-500', 'node-1');
    cluster.metrics.set(`${NS}/api-hang:15020`, { hang: true });
    cluster.metrics.set(`${NS}/api-500:15020`, { status: 503, text: 'upstream connect error' });
    expect(await run('--namespace', NS, '--json', '--timeout-ms', '300')).toBe(1);
    const report = JSON.parse(out.join('')) as JsonReport;
    expect(report.pods.find((p) => p.pod === 'api-500')?.error).toMatch(/HTTP 503/);
    expect(report.pods.find((p) => p.pod === 'api-hang')?.error).toMatch(/timed out/);
    expect(err.join('')).toMatch(/no pod could be read/);

    cluster.namespaces.set('plain', {});
    cluster.addPod({ name: 'web', namespace: 'plain', nodeName: 'node-1', containers: ['app'] });
    err = [];
    expect(await run('--namespace', 'plain')).toBe(1);
    expect(err.join('')).toMatch(/no pod with an istio-proxy container in namespace plain/);
    err = [];
    expect(await run('--namespace', 'missing')).toBe(1);
    expect(err.join('')).toMatch(/read namespace missing: HTTP 404: namespace missing not found/);
    err = [];
    expect(await main(['node', 'mesh-latency', '--namespace', NS, '--kubeconfig', path.join(dir, 'nope.yaml')], io)).toBe(1);
    expect(err.join('')).toMatch(/kubeconfig '.*nope\.yaml' does not exist; pass an existing file to --kubeconfig/);
    expect(await run()).not.toBe(0);
  });

  test('ambient namespace: ztunnel L4 counters from the involved nodes, and the waypoint note', async () => {
    cluster.namespaces.set(NS, { 'istio.io/dataplane-mode': 'ambient' });
    cluster.addPod({ name: 'app-1', namespace: NS, nodeName: 'node-1', containers: ['app'] });
    cluster.addPod({ name: 'app-2', namespace: NS, nodeName: 'node-2', containers: ['app'] });
    for (const [pod, node] of [['ztunnel-1', 'node-1'], ['ztunnel-2', 'node-2'], ['ztunnel-3', 'node-3']]) {
      cluster.addPod({ name: pod, namespace: 'istio-system', labels: { app: 'ztunnel' }, nodeName: node, containers: ['istio-proxy'] });
    }
    const counters = ['istio_tcp_connections_opened_total', 'istio_tcp_connections_closed_total', 'istio_tcp_received_bytes_total', 'istio_tcp_sent_bytes_total'];
    const rnd = lcg(99);
    const expected: Record<string, Record<string, number>> = { 'ztunnel-1': {}, 'ztunnel-2': {} };
    for (const zt of ['ztunnel-1', 'ztunnel-2', 'ztunnel-3']) {
      const lines: string[] = [];
      for (const c of counters) {
        lines.push(`# TYPE ${c.replace(/_total$/, '')} counter`);
        let sum = 0;
        for (const [reporter, ns] of [['destination', NS], ['destination', NS], ['destination', 'other'], ['source', NS]]) {
          const v = Math.floor(rnd() * 10000);
          const wl = `w${Math.floor(rnd() * 1e6)}`;
          lines.push(`${c}{reporter="${reporter}",destination_workload_namespace="${ns}",destination_workload="${wl}",source_workload_namespace="${ns}"} ${v}`);
          if (reporter === 'destination' && ns === NS) sum += v;
        }
        if (zt in expected) expected[zt][c] = sum;
      }
      cluster.metrics.set(`istio-system/${zt}:15020`, `${lines.join('\n')}\n`);
    }
    expect(await run('--namespace', NS, '--json')).toBe(0);
    const report = JSON.parse(out.join('')) as JsonReport;
    expect(report.ambient).toBe(true);
    expect(report.pods).toEqual([]);
    expect(report.ztunnel?.note).toMatch(/needs a waypoint/);
    expect(report.ztunnel?.pods.map((p) => p.pod).sort()).toEqual(['ztunnel-1', 'ztunnel-2']);
    for (const p of report.ztunnel?.pods ?? []) expect(p.counters).toEqual(expected[p.pod]);
    expect(cluster.server.find('GET', /ztunnel-3/)).toEqual([]);

    out = [];
    expect(await run('--namespace', NS)).toBe(0);
    expect(out.join('')).toMatch(/L7 latency in ambient mode needs a waypoint/);
    expect(out.join('')).toMatch(new RegExp(`ztunnel ztunnel-1 \\(node-1\\): istio_tcp_connections_opened_total=${expected['ztunnel-1'].istio_tcp_connections_opened_total} `));
  });
});

describe('mesh-latency shares the main pattern and error family with mesh-bench', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  async function latency(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(['node', 'mesh-latency', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
  }

  test('no kubeconfig: exit 1, the same one line as mesh-bench', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-latency-home-'));
    delete process.env.KUBECONFIG;
    delete process.env.KUBERNETES_SERVICE_HOST;
    process.env.HOME = home;
    try {
      expect(await latency('--namespace', 'shop')).toEqual({
        code: 1,
        out: '',
        err: `mesh-latency: no kubeconfig: KUBECONFIG is not set, ${path.join(home, '.kube', 'config')} does not exist and this is not running in a pod; pass --kubeconfig <file> or create one (for EKS: aws eks update-kubeconfig --name <cluster> --region <region>)\n`,
      });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test('usage errors exit 2 with commander\'s one line', async () => {
    expect(await latency()).toEqual({ code: 2, out: '', err: "error: required option '--namespace <ns>' not specified\n" });
    expect(await latency('--namespace', 'x', '--quantiles', '2')).toEqual({ code: 2, out: '', err: "error: option '--quantiles <list>' argument '2' is invalid. expected comma-separated quantiles in [0, 1], got '2'\n" });
  });
});
