/**
 * `mesh-bench run` and `compare` in `ambient-waypoint` mode, end to end against the fake API
 * server: the waypoint pod is sampled beside ztunnel (on whichever node it runs), a missing or
 * not-Ready waypoint fails preflight with what to check, and compare splits the mode's proxy
 * CPU/memory into ztunnel and waypoint.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BenchmarkMode } from '../../lib/wire/bench-contract';
import { main } from '../../lib/cli/mesh-bench';
import { PreflightError, runBenchmark, RunBenchmarkOptions } from '../../lib/cli/run-command';
import { ProxyResourceSamples } from '../../lib/wire/results-layout';
import { CLIENT_NODE, namespaceOf, SERVER_NODE, quickRunOptions, startBenchCluster, usageFor, WAYPOINT_NODE, WAYPOINT_POD, ZTUNNELS } from '../kube/bench-fixture';
import { FakeCluster, JobScript } from '../kube/fake-cluster';
import { fortioResult, markedLog } from '../kube/fortio-result';

const WAYPOINT_MODE = BenchmarkMode.AMBIENT_WAYPOINT;
const WAYPOINT_NS = namespaceOf(WAYPOINT_MODE);

type Cell = { mode: BenchmarkMode; round: number; phase: string };

function cellOf(manifest: Record<string, unknown>): Cell {
  const labels = (manifest.metadata as { labels: Record<string, string> }).labels;
  return { mode: labels['mesh-bench/mode'] as BenchmarkMode, round: Number(labels['mesh-bench/round']), phase: labels['mesh-bench/phase'] };
}

function okScript(c: Cell): JobScript {
  const containers = c.mode === BenchmarkMode.SIDECAR ? ['fortio', 'result', 'istio-proxy'] : ['fortio', 'result'];
  return { outcome: 'succeed', pollsBeforeDone: 2, node: CLIENT_NODE, containers, log: markedLog(JSON.stringify({ ...fortioResult(`${c.mode}/${c.round}`, 2000, 0.0004, c.round * 10 + 1), ActualQPS: 1000 })) };
}

/** What the kubelet reports for a container, in the units of the results (the test's ground truth). */
const millicores = (ns: string, pod: string, container = 'istio-proxy'): number => usageFor(ns, pod, container).usageNanoCores / 1e6;
const mib = (ns: string, pod: string, container = 'istio-proxy'): number => usageFor(ns, pod, container).workingSetBytes / 1048576;

describe('mesh-bench run/compare: ambient-waypoint samples the waypoint (fake API server)', () => {
  let cluster: FakeCluster;
  let dir: string;
  let kubeconfig: string;
  let err: string[];
  const io = { stdout: () => undefined, stderr: (t: string) => err.push(t) };
  const opts = (extra: Partial<RunBenchmarkOptions> = {}): RunBenchmarkOptions => quickRunOptions(kubeconfig, path.join(dir, 'out'), { seed: 11, runId: 'mb-wp' }, extra);
  const readSamples = (rel: string): ProxyResourceSamples => JSON.parse(fs.readFileSync(path.join(dir, 'out', rel), 'utf8')) as ProxyResourceSamples;
  const identities = (s: ProxyResourceSamples): Set<string> => new Set(s.samples.map((x) => `${x.component} ${x.node} ${x.pod}`));

  beforeEach(async () => {
    cluster = await startBenchCluster({ waypoint: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-wp-'));
    kubeconfig = cluster.server.writeKubeconfig(dir);
    err = [];
    cluster.jobScript = (m) => okScript(cellOf(m));
  });
  afterEach(async () => {
    await cluster.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the waypoint pod is sampled beside the ztunnels, on its own node, idle and under load; ambient (L4) is not', async () => {
    const outcome = await runBenchmark(opts({ idleSeconds: 0.05 }), io);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.metadata.modes).toEqual([BenchmarkMode.BASELINE, BenchmarkMode.SIDECAR, BenchmarkMode.AMBIENT, WAYPOINT_MODE]);

    const expected = new Set([`ztunnel ${SERVER_NODE} ${ZTUNNELS[SERVER_NODE]}`, `ztunnel ${CLIENT_NODE} ${ZTUNNELS[CLIENT_NODE]}`, `waypoint ${WAYPOINT_NODE} ${WAYPOINT_POD}`]);
    for (const round of [1, 2]) {
      const s = readSamples(`rates/1000/rounds/${round}/${WAYPOINT_MODE}.resources.json`);
      expect(identities(s)).toEqual(expected);
      for (const x of s.samples) {
        const ns = x.component === 'waypoint' ? WAYPOINT_NS : 'istio-system';
        expect(x.cpuMillicores).toBeCloseTo(millicores(ns, x.pod, x.container), 9);
        expect(x.memoryMiB).toBeCloseTo(mib(ns, x.pod, x.container), 9);
      }
      // the L4 mode has no waypoint: only its ztunnels
      expect(identities(readSamples(`rates/1000/rounds/${round}/ambient.resources.json`))).toEqual(new Set([`ztunnel ${SERVER_NODE} ${ZTUNNELS[SERVER_NODE]}`, `ztunnel ${CLIENT_NODE} ${ZTUNNELS[CLIENT_NODE]}`]));
    }
    // idle: the server side only (no load pod yet), the waypoint included
    expect(identities(readSamples(`idle/${WAYPOINT_MODE}.resources.json`))).toEqual(new Set([`ztunnel ${SERVER_NODE} ${ZTUNNELS[SERVER_NODE]}`, `waypoint ${WAYPOINT_NODE} ${WAYPOINT_POD}`]));
    // the waypoint's summary was read from its node, which is not a benchmark node
    expect(cluster.server.find('GET', new RegExp(`/nodes/${WAYPOINT_NODE}/proxy/stats/summary$`)).length).toBeGreaterThan(0);
    const progress = err.join('');
    expect(progress).toContain(`mode ${WAYPOINT_MODE}: sampling ztunnel and the waypoint ${WAYPOINT_POD} on ${WAYPOINT_NODE} (not a benchmark node)`);
    expect(progress).not.toMatch(/warning/);

    // compare: the mode's total includes the waypoint, and a per-component split names both
    let out = '';
    expect(await main(['node', 'mesh-bench', 'compare', path.join(dir, 'out'), '--format', 'json'], { stdout: (t) => (out += t), stderr: () => undefined })).toBe(0);
    type Component = { component: string; cpuMillicores: number; memoryMiB: number; containers: number; nodes: string[] };
    const doc = JSON.parse(out) as { rates: { modes: { mode: string; resources: { cpuMillicores: number; components: Component[] } }[] }[] };
    const wp = doc.rates[0].modes.find((m) => m.mode === WAYPOINT_MODE)!;
    const zCpu = millicores('istio-system', ZTUNNELS[SERVER_NODE]) + millicores('istio-system', ZTUNNELS[CLIENT_NODE]);
    const wCpu = millicores(WAYPOINT_NS, WAYPOINT_POD);
    expect(wp.resources.components.map((c) => c.component)).toEqual(['ztunnel', 'waypoint']);
    const [z, w] = wp.resources.components;
    expect(z.cpuMillicores).toBeCloseTo(zCpu, 6);
    expect(z.nodes).toEqual([SERVER_NODE, CLIENT_NODE].sort());
    expect(w.cpuMillicores).toBeCloseTo(wCpu, 6);
    expect(w.memoryMiB).toBeCloseTo(mib(WAYPOINT_NS, WAYPOINT_POD), 6);
    expect(w).toMatchObject({ containers: 1, nodes: [WAYPOINT_NODE] });
    expect(wp.resources.cpuMillicores).toBeCloseTo(zCpu + wCpu, 6);

    let table = '';
    expect(await main(['node', 'mesh-bench', 'compare', path.join(dir, 'out')], { stdout: (t) => (table += t), stderr: () => undefined })).toBe(0);
    // columns: baseline, sidecar, ambient, ambient-waypoint
    expect(table).toMatch(new RegExp(`^  waypoint CPU vCPU\\s+—\\s+—\\s+—\\s+${(wCpu / 1000).toFixed(2)}$`, 'm'));
    expect(table).toMatch(new RegExp(`^  ztunnel CPU vCPU\\s+—\\s+—\\s+\\S+ \\(2 proxies\\)\\s+${(zCpu / 1000).toFixed(2)} \\(2 proxies\\)$`, 'm'));
    expect(table).toContain(`ambient-waypoint: proxy CPU/memory = ztunnel on ${[SERVER_NODE, CLIENT_NODE].sort().join(', ')} + waypoint (L7) on ${WAYPOINT_NODE};`);

    // inspect one cell's samples: one row per component, the waypoint's with its node
    const cellFile = path.join(dir, 'out', 'rates', '1000', 'rounds', '1', `${WAYPOINT_MODE}.resources.json`);
    let text = '';
    expect(await main(['node', 'mesh-bench', 'inspect', cellFile], { stdout: (t) => (text += t), stderr: () => undefined })).toBe(0);
    expect(text).toContain(`(mode ambient-waypoint, round 1, `);
    expect(text).toMatch(new RegExp(`^waypoint\\s+1\\s+${(wCpu / 1000).toFixed(3)}\\s+${mib(WAYPOINT_NS, WAYPOINT_POD).toFixed(1)}\\s+${WAYPOINT_NODE}$`, 'm'));
    expect(text).toMatch(new RegExp(`^ztunnel\\s+2\\s+${(zCpu / 1000).toFixed(3)}\\s`, 'm'));
    expect(text).toMatch(new RegExp(`^total\\s+3\\s+${((zCpu + wCpu) / 1000).toFixed(3)}\\s`, 'm'));
    let ij = '';
    expect(await main(['node', 'mesh-bench', 'inspect', path.join(dir, 'out', 'idle', `${WAYPOINT_MODE}.resources.json`), '--json'], { stdout: (t) => (ij += t), stderr: () => undefined })).toBe(0);
    const idle = JSON.parse(ij) as { mode: string; round: number; components: Component[] };
    expect(idle).toMatchObject({ mode: WAYPOINT_MODE, round: 0 });
    expect(idle.components.map((c) => [c.component, c.nodes])).toEqual([['ztunnel', [SERVER_NODE]], ['waypoint', [WAYPOINT_NODE]]]);
  });

  test('a missing waypoint fails preflight with what to check, and creates no Job', async () => {
    cluster.pods.splice(cluster.pods.findIndex((p) => p.name === WAYPOINT_POD), 1);
    const run = runBenchmark(opts(), io);
    await expect(run).rejects.toBeInstanceOf(PreflightError);
    const problems = ((await run.catch((e: unknown) => e)) as PreflightError).problems;
    expect(problems).toEqual([
      `mode ambient-waypoint: no waypoint pod in namespace ${WAYPOINT_NS} (gateway.networking.k8s.io/gateway-name=waypoint), so its L7 proxy would not be measured; `
      + `check that the Gateway API CRDs are installed (kubectl get crd gateways.gateway.networking.k8s.io) and that the waypoint is programmed (kubectl -n ${WAYPOINT_NS} get gateway waypoint)`,
    ]);
    expect(cluster.server.find('POST', /\/jobs$/)).toEqual([]);
    // the CLI prints it as one line and exits 1
    err = [];
    expect(await main(['node', 'mesh-bench', 'run', '--kubeconfig', kubeconfig, '--out', path.join(dir, 'cli'), '--no-calibrate', '--idle-seconds', '0'], io)).toBe(1);
    const lines = err.join('').split('\n').filter((l) => l.startsWith('mesh-bench:'));
    expect(lines).toEqual([expect.stringMatching(/^mesh-bench: preflight failed \(1 problem\): mode ambient-waypoint: no waypoint pod .*kubectl -n mesh-bench-ambient-waypoint get gateway waypoint\)$/)]);
  });

  test('a waypoint pod that is not Ready fails preflight naming it; a second, Ready one only warns', async () => {
    const pod = cluster.pods.find((p) => p.name === WAYPOINT_POD)!;
    pod.ready = false;
    const run = runBenchmark(opts(), io);
    await expect(run).rejects.toThrow(new RegExp(`no Running and Ready waypoint pod \\(found ${WAYPOINT_POD} \\(Running, not Ready\\)\\) in namespace ${WAYPOINT_NS}.*get gateway waypoint`));
    expect(cluster.server.find('POST', /\/jobs$/)).toEqual([]);

    cluster.addPod({ ...pod, name: 'waypoint-6c8f7d9b4-wpt02', ready: true, nodeName: SERVER_NODE });
    const outcome = await runBenchmark(opts({ rounds: 1 }), io);
    expect(outcome.exitCode).toBe(0);
    expect(err.join('')).toContain(`warning: mode ambient-waypoint: waypoint pods ${WAYPOINT_POD} (Running, not Ready) in namespace ${WAYPOINT_NS} are not Running and Ready; only waypoint-6c8f7d9b4-wpt02 will be sampled`);
  });

  test('a waypoint that vanishes mid-run is a sampling warning, never a ztunnel-only (under-counted) sample', async () => {
    cluster.jobScript = (m) => {
      const c = cellOf(m);
      if (c.mode === WAYPOINT_MODE && c.phase === 'measure') {
        const i = cluster.pods.findIndex((p) => p.name === WAYPOINT_POD);
        if (i >= 0) cluster.pods.splice(i, 1);
      }
      return okScript(c);
    };
    const outcome = await runBenchmark(opts({ rounds: 1 }), io);
    expect(outcome.exitCode).toBe(0);
    expect(readSamples(`rates/1000/rounds/1/${WAYPOINT_MODE}.resources.json`).samples).toEqual([]);
    expect(err.join('')).toMatch(/round 1\/1 ambient-waypoint measure: warning: \d+ proxy sampling error\(s\), first: cannot resolve proxy pods: no running waypoint pod in mesh-bench-ambient-waypoint \(gateway\.networking\.k8s\.io\/gateway-name=waypoint\)/);
  });
});
