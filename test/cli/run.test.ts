import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { seededRoundOrders } from '../../lib/analysis/rng';
import { DEFAULT_MODES, BenchmarkMode, JOB_META_KEY, RESULT_BEGIN_MARKER } from '../../lib/wire/bench-contract';
import { ProxyResourceSamples, RunMetadata } from '../../lib/wire/results-layout';
import { main } from '../../lib/cli/mesh-bench';
import { PreflightError, registerRunCommand, runBenchmark, RunBenchmarkOptions } from '../../lib/cli/run-command';
import { UsageError } from '../../lib/private/cli-errors';
import {
  CLIENT_NODE,
  DURATION_SECONDS,
  namespaceOf,
  SERVER_NODE,
  serverPodOf,
  startBenchCluster,
  usageFor,
  WARMUP_SECONDS,
  ZTUNNELS,
} from '../kube/bench-fixture';
import { FakeCluster, JobScript } from '../kube/fake-cluster';
import { fortioResult, markedLog } from '../kube/fortio-result';

type Cell = { mode: BenchmarkMode; round: number; phase: string };

function cellOf(manifest: Record<string, unknown>): Cell {
  const labels = (manifest.metadata as { labels: Record<string, string> }).labels;
  return { mode: labels['mesh-bench/mode'] as BenchmarkMode, round: Number(labels['mesh-bench/round']), phase: labels['mesh-bench/phase'] };
}

/** Fortio JSON per (round, mode, phase): the ground truth the files must contain. */
function resultFor(c: Cell): Record<string, unknown> {
  return fortioResult(`${c.mode}/${c.round}/${c.phase}`, 50 + c.round * 7, 0.0004 * (1 + DEFAULT_MODES.indexOf(c.mode)), c.round * 100 + DEFAULT_MODES.indexOf(c.mode) + 1);
}

function okScript(c: Cell): JobScript {
  const containers = c.mode === BenchmarkMode.SIDECAR ? ['fortio', 'result', 'istio-proxy'] : ['fortio', 'result'];
  return { outcome: 'succeed', pollsBeforeDone: 2, node: CLIENT_NODE, containers, log: markedLog(JSON.stringify(resultFor(c))) };
}

describe('mesh-bench run (end to end against a fake API server)', () => {
  let cluster: FakeCluster;
  let dir: string;
  let kubeconfig: string;
  let stderr: string[];
  let stdout: string[];
  const io = { stdout: (t: string) => stdout.push(t), stderr: (t: string) => stderr.push(t) };
  const fast = (extra: Partial<RunBenchmarkOptions> = {}): RunBenchmarkOptions => ({
    kubeconfig,
    rounds: 2,
    seed: 12345,
    runId: 'mb-test',
    out: path.join(dir, 'out'),
    jobTimeoutSeconds: 1,
    pollIntervalSeconds: 0.01,
    sampleIntervalSeconds: 0.01,
    calibrate: false,
    idleSeconds: 0,
    ...extra,
  });
  const readJson = (rel: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, 'out', rel), 'utf8'));
  /** Layout path of a cell at the harness's rate (spelled out: the test's own copy of the layout). */
  const cellPath = (round: number, file: string, qps = 1000): string => `rates/${qps}/rounds/${round}/${file}`;

  beforeEach(async () => {
    cluster = await startBenchCluster();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-run-'));
    kubeconfig = cluster.server.writeKubeconfig(dir);
    stderr = [];
    stdout = [];
  });
  afterEach(async () => {
    await cluster.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('runs every round and mode, records failures, writes the contract layout and deletes its Jobs', async () => {
    // One failure of each kind, keyed by (round, mode) of the measured phase.
    cluster.jobScript = (m) => {
      const c = cellOf(m);
      const ok = okScript(c);
      if (c.phase !== 'measure') return ok;
      if (c.round === 1 && c.mode === BenchmarkMode.SIDECAR) return { ...ok, outcome: 'fail' };
      if (c.round === 1 && c.mode === BenchmarkMode.AMBIENT) return { ...ok, log: 'fortio exited 1\nno result\n' };
      if (c.round === 2 && c.mode === BenchmarkMode.BASELINE) return { ...ok, outcome: 'never' };
      if (c.round === 2 && c.mode === BenchmarkMode.SIDECAR) return { ...ok, log: markedLog('{"DurationHistogram": {"Count": 3,') };
      return ok;
    };
    const outcome = await runBenchmark(fast(), io);

    expect(outcome.exitCode).toBe(1);
    const meta = readJson('metadata.json') as RunMetadata;
    expect(meta).toEqual(outcome.metadata);
    expect(meta.runId).toBe('mb-test');
    expect(meta.seed).toBe(12345);
    expect(meta.rounds).toBe(2);
    expect(meta.modes).toEqual([...DEFAULT_MODES]);
    expect(meta.kubernetesVersion).toBe(cluster.version.gitVersion);
    expect(meta.istioVersion).toBe('1.22.8');
    expect(typeof meta.finishedAt).toBe('string');
    expect(Object.keys(meta.templates).sort()).toEqual([...DEFAULT_MODES].sort());
    expect(meta.templates.sidecar?.durationSeconds).toBe(DURATION_SECONDS);
    expect(meta.formatVersion).toBe(2);
    expect(meta.rates).toEqual([1000]);
    expect(meta.interrupted).toBeUndefined();

    const failures = [...meta.failures].sort((a, b) => a.round - b.round || a.mode.localeCompare(b.mode));
    expect(failures.map((f) => [f.round, f.mode])).toEqual([
      [1, BenchmarkMode.AMBIENT],
      [1, BenchmarkMode.SIDECAR],
      [2, BenchmarkMode.BASELINE],
      [2, BenchmarkMode.SIDECAR],
    ]);
    expect(failures[0].reason).toMatch(/no result markers/);
    expect(failures[1].reason).toMatch(/failed.*BackoffLimitExceeded/);
    expect(failures[2].reason).toMatch(/did not finish within 1\.00 s/);
    expect(failures[3].reason).toMatch(/would not pass compare: .*is not valid JSON/);
    expect(stdout.join('')).toMatch(/2\/6 measured runs succeeded/);

    // Successful cells: the raw fortio JSON, exactly as printed by the result container.
    for (const c of [{ round: 1, mode: BenchmarkMode.BASELINE }, { round: 2, mode: BenchmarkMode.AMBIENT }]) {
      expect(readJson(cellPath(c.round, `${c.mode}.json`))).toEqual(resultFor({ ...c, phase: 'measure' }));
    }
    for (const f of failures) expect(fs.existsSync(path.join(dir, 'out', cellPath(f.round, `${f.mode}.json`)))).toBe(false);

    // Resources: sidecar = istio-proxy of server + load pod; ambient = ztunnels on the server and client nodes only.
    const sidecar = readJson(cellPath(1, 'sidecar.resources.json')) as ProxyResourceSamples;
    expect(sidecar.mode).toBe(BenchmarkMode.SIDECAR);
    expect(sidecar.round).toBe(1);
    const sidecarPods = new Set(sidecar.samples.map((s) => `${s.node}/${s.pod}/${s.container}`));
    expect(sidecarPods).toEqual(new Set([`${SERVER_NODE}/${serverPodOf(BenchmarkMode.SIDECAR)}/istio-proxy`, `${CLIENT_NODE}/mb-test-r1-sidecar-measure-x7k2p/istio-proxy`]));
    for (const s of sidecar.samples) {
      const u = usageFor(namespaceOf(BenchmarkMode.SIDECAR), s.pod, s.container);
      expect(s.cpuMillicores).toBeCloseTo(u.usageNanoCores / 1e6, 9);
      expect(s.memoryMiB).toBeCloseTo(u.workingSetBytes / 1048576, 9);
    }
    const ambient = readJson(cellPath(2, 'ambient.resources.json')) as ProxyResourceSamples;
    expect(new Set(ambient.samples.map((s) => s.pod))).toEqual(new Set([ZTUNNELS[SERVER_NODE], ZTUNNELS[CLIENT_NODE]]));
    for (const s of ambient.samples) expect(s.cpuMillicores).toBeCloseTo(usageFor('istio-system', s.pod, s.container).usageNanoCores / 1e6, 9);
    expect((readJson(cellPath(1, 'baseline.resources.json')) as ProxyResourceSamples).samples).toEqual([]);

    // Jobs: warm-up then measure per mode, modes in the recorded order, placeholders substituted.
    const created = cluster.createdJobs.map((j) => cellOf(j.manifest));
    const expected = meta.order.flatMap((modes, i) => modes.flatMap((mode) => [
      { mode, round: i + 1, phase: 'warmup' },
      { mode, round: i + 1, phase: 'measure' },
    ]));
    expect(created).toEqual(expected);
    for (const j of cluster.createdJobs) {
      const c = cellOf(j.manifest);
      const text = JSON.stringify(j.manifest);
      expect(text).not.toContain('${');
      expect(j.name).toBe(`mb-test-r${c.round}-${c.mode}-${c.phase}`);
      expect(j.namespace).toBe(namespaceOf(c.mode));
      const args = (j.manifest as { spec: { template: { spec: { containers: { args?: string[] }[] } } } }).spec.template.spec.containers[0].args ?? [];
      expect(args).toContain(`-t=${c.phase === 'warmup' ? WARMUP_SECONDS : DURATION_SECONDS}s`);
      expect(args).toContain(`-labels=mb-test/${c.mode}/${c.round}/${c.phase}`);
      expect((j.manifest.metadata as { labels: Record<string, string> }).labels['mesh-bench/run']).toBe('mb-test');
    }
    // Every created Job was deleted, in the background, and nothing is left.
    const deletes = cluster.server.find('DELETE', /\/jobs\//);
    expect(deletes.map((d) => d.path.split('/').pop()).sort()).toEqual(cluster.createdJobs.map((j) => j.name).sort());
    for (const d of deletes) expect(d.query.propagationPolicy ?? (d.body as { propagationPolicy?: string } | undefined)?.propagationPolicy).toBe('Background');
    expect(cluster.jobs.size).toBe(0);
    // The kubelet summary was read with a literal path, and pod logs from the result container.
    expect(cluster.server.find('GET', /\/proxy\/stats\/summary$/).length).toBeGreaterThan(0);
    expect(cluster.server.find('GET', /\/log$/).every((r) => r.query.container === 'result')).toBe(true);

    const progress = stderr.join('');
    expect(progress).not.toMatch(/warning/);
    expect(progress).toMatch(/round 1\/2 (baseline|sidecar|ambient) warmup/);
    expect(progress).toMatch(/round 2\/2 (baseline|sidecar|ambient) measure: done after \d+\.\ds/);
    expect(progress).toMatch(/\[\+\d+\.\d+s\]/);
  });

  test('the mode order is a permutation per round, reproducible from the recorded seed', async () => {
    cluster.jobScript = (m) => okScript(cellOf(m));
    const first = await runBenchmark(fast({ rounds: 4, seed: 777, out: path.join(dir, 'a'), pollIntervalSeconds: 0.002 }), io);
    const second = await runBenchmark(fast({ rounds: 4, seed: 777, out: path.join(dir, 'b'), runId: 'mb-test2', pollIntervalSeconds: 0.002 }), io);
    const other = await runBenchmark(fast({ rounds: 4, seed: 778, out: path.join(dir, 'c'), runId: 'mb-test3', pollIntervalSeconds: 0.002 }), io);
    expect(first.exitCode).toBe(0);
    expect(first.metadata.failures).toEqual([]);
    for (const order of first.metadata.order) expect([...order].sort()).toEqual([...DEFAULT_MODES].sort());
    expect(second.metadata.order).toEqual(first.metadata.order);
    expect(other.metadata.order).not.toEqual(first.metadata.order);
    expect(first.metadata.order).toEqual(seededRoundOrders(first.metadata.modes, 4, first.metadata.seed));
    // Orders actually executed (measure Jobs of the first run) follow the metadata.
    const executed = cluster.createdJobs.filter((j) => j.name.startsWith('mb-test-') && cellOf(j.manifest).phase === 'measure').map((j) => cellOf(j.manifest).mode);
    expect(executed).toEqual(first.metadata.order.flat());
    for (let r = 1; r <= 4; r++) for (const m of DEFAULT_MODES) expect(fs.existsSync(path.join(dir, 'a', cellPath(r, `${m}.json`)))).toBe(true);
  });

  test('a result log that cannot be read in time is a recorded timeout, and the run goes on', async () => {
    cluster.jobScript = (m) => {
      const c = cellOf(m);
      return c.phase === 'measure' && c.mode === BenchmarkMode.BASELINE ? { ...okScript(c), logHang: true } : okScript(c);
    };
    const started = Date.now();
    const outcome = await runBenchmark(fast({ rounds: 1, requestTimeoutSeconds: 0.5 }), io);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome.metadata.failures).toEqual([{ qps: 1000, round: 1, mode: BenchmarkMode.BASELINE, reason: expect.stringMatching(/cannot read the result .*timed out after 500 ms/) }]);
    expect(fs.existsSync(path.join(dir, 'out', cellPath(1, 'sidecar.json')))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'out', cellPath(1, 'ambient.json')))).toBe(true);
    expect(cluster.jobs.size).toBe(0);
  });

  test('--keep-jobs leaves the Jobs; a failed warm-up skips the measured phase', async () => {
    cluster.jobScript = (m) => {
      const c = cellOf(m);
      return c.phase === 'warmup' && c.mode === BenchmarkMode.AMBIENT ? { ...okScript(c), outcome: 'fail' } : okScript(c);
    };
    const outcome = await runBenchmark(fast({ rounds: 1, keepJobs: true }), io);
    expect(cluster.server.find('DELETE', /\/jobs\//)).toEqual([]);
    expect(cluster.jobs.size).toBe(5);
    expect(outcome.metadata.failures).toEqual([{ qps: 1000, round: 1, mode: BenchmarkMode.AMBIENT, reason: expect.stringMatching(/^warmup: .*failed/) }]);
    expect(cluster.createdJobs.some((j) => j.name === 'mb-test-r1-ambient-measure')).toBe(false);
  });

  test('preflight fails with every problem named and creates no Job', async () => {
    cluster.namespaces.set(namespaceOf(BenchmarkMode.SIDECAR), { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' });
    cluster.namespaces.set(namespaceOf(BenchmarkMode.AMBIENT), { 'istio.io/rev': '1-22-8' });
    const sidecarServer = cluster.pods.find((p) => p.name === serverPodOf(BenchmarkMode.SIDECAR));
    if (sidecarServer) sidecarServer.containers = ['fortio'];
    cluster.nodes.delete(CLIENT_NODE);
    const ambientServer = cluster.pods.find((p) => p.name === serverPodOf(BenchmarkMode.AMBIENT));
    if (ambientServer) ambientServer.annotations = {};
    const run = runBenchmark(fast(), io);
    await expect(run).rejects.toBeInstanceOf(PreflightError);
    const err: unknown = await run.catch((e: unknown) => e);
    const msg = err instanceof PreflightError ? err.problems.join('\n') : '';
    expect(msg).toMatch(/mode sidecar: namespace mesh-bench-sidecar .* is also enrolled in ambient mode/);
    expect(msg).toMatch(/mode sidecar: .*server pods fortio-server-sidecar\S* have no istio-proxy container/);
    expect(msg).toMatch(/mode ambient: namespace mesh-bench-ambient .* is not enrolled in ambient mode/);
    expect(msg).toMatch(/mode ambient: .*also enables sidecar injection/);
    expect(msg).toMatch(/nodeSelector mesh-bench\/role=client matches no node/);
    expect(msg).not.toMatch(/mode baseline: namespace/);
    expect(stderr.join('')).toMatch(/warning: mode ambient: server pods fortio-server-ambient\S* lack ambient\.istio\.io\/redirection=enabled/);
    expect(cluster.server.find('POST', /\/jobs$/)).toEqual([]);
  });

  test('discovery honours --namespaces and reports a missing harness', async () => {
    const only = [namespaceOf(BenchmarkMode.BASELINE), namespaceOf(BenchmarkMode.AMBIENT)];
    cluster.jobScript = (m) => okScript(cellOf(m));
    const outcome = await runBenchmark(fast({ rounds: 1, namespaces: only }), io);
    expect(outcome.metadata.modes).toEqual([BenchmarkMode.BASELINE, BenchmarkMode.AMBIENT]);
    expect(cluster.server.find('GET', /^\/api\/v1\/configmaps$/)).toEqual([]);
    expect(cluster.server.find('GET', /\/configmaps$/).map((r) => r.path)).toEqual(only.map((ns) => `/api/v1/namespaces/${ns}/configmaps`));
    await expect(runBenchmark(fast({ namespaces: ['nowhere'], out: path.join(dir, 'out2') }), io)).rejects.toThrow(/no ConfigMap 'mesh-bench-job-template'.*nowhere/);
  });

  test('the registered commander command wires the flags (context, rounds, seed, out)', async () => {
    cluster.jobScript = (m) => okScript(cellOf(m));
    const brokenByDefault = cluster.server.writeKubeconfig(dir, 'broken');
    const codes: number[] = [];
    const program = new Command('mesh-bench').exitOverride();
    registerRunCommand(program, io, (c) => codes.push(c));
    const out = path.join(dir, 'cli-out');
    await program.parseAsync(
      ['run', '--kubeconfig', brokenByDefault, '--context', 'fake', '--rounds', '1', '--seed', '99', '--out', out, '--run-id', 'mb-cli', '--job-timeout', '2', '--poll-interval', '0.01', '--sample-interval', '0.01', '--request-timeout', '5', '--no-calibrate', '--idle-seconds', '0'],
      { from: 'user' },
    );
    expect(codes).toEqual([0]);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8')) as RunMetadata;
    expect(meta.seed).toBe(99);
    expect(meta.rounds).toBe(1);
    expect(meta.runId).toBe('mb-cli');
    expect(fs.readFileSync(path.join(out, cellPath(1, 'sidecar.json')), 'utf8')).not.toContain(RESULT_BEGIN_MARKER);

    stderr = [];
    const code = await main(['node', 'mesh-bench', 'run', '--kubeconfig', brokenByDefault, '--rounds', '1', '--out', path.join(dir, 'cli-out2'), '--job-timeout', '0.4'], io);
    expect(code).toBe(1);
    const lines = stderr.join('').split('\n').filter((l) => l.startsWith('mesh-bench:'));
    expect(lines).toEqual([expect.stringMatching(/^mesh-bench: .*cannot reach the API server http:\/\/127\.0\.0\.1:9 \(context broken\): connection refused; check that the cluster is running/)]);
  });

  test('invalid options are rejected before any request', async () => {
    await expect(runBenchmark(fast({ rounds: 0 }), io)).rejects.toThrow(/'rounds' must be a positive integer, got 0/);
    await expect(runBenchmark(fast({ rounds: 0 }), io)).rejects.toBeInstanceOf(UsageError);
    await expect(runBenchmark(fast({ qps: [1000, 1000] }), io)).rejects.toThrow(/'qps' must not repeat a rate/);
    await expect(runBenchmark(fast({ resume: dir }), io)).rejects.toThrow(/'resume' takes the plan .* do not also pass rounds, seed, out, runId/);
    await expect(runBenchmark(fast({ seed: -1 }), io)).rejects.toThrow(/'seed' must be an integer, got -1/);
    await expect(runBenchmark(fast({ runId: 'Not_A_Label' }), io)).rejects.toThrow(/'runId' must be a DNS label/);
    fs.mkdirSync(path.join(dir, 'used'));
    fs.writeFileSync(path.join(dir, 'used', 'metadata.json'), '{}');
    await expect(runBenchmark(fast({ out: path.join(dir, 'used') }), io)).rejects.toThrow(/'out' must be a new or empty directory/);
    expect(cluster.server.requests).toEqual([]);
  });

  test('a zero-second warm-up creates no warm-up Job (fortio would read -t=0s as "run forever")', async () => {
    for (const cm of cluster.configMaps.filter((c) => c.data[JOB_META_KEY] !== undefined)) {
      const meta = JSON.parse(cm.data[JOB_META_KEY]) as Record<string, unknown>;
      cm.data[JOB_META_KEY] = JSON.stringify({ ...meta, warmupSeconds: 0 });
    }
    cluster.jobScript = (m) => okScript(cellOf(m));
    const outcome = await runBenchmark(fast({ rounds: 1 }), io);
    expect(outcome.exitCode).toBe(0);
    expect(cluster.createdJobs.map((j) => cellOf(j.manifest).phase)).toEqual(['measure', 'measure', 'measure']);
  });
});
