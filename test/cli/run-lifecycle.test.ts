/**
 * `mesh-bench run` beyond the happy path, end to end against the fake API server: Ctrl-C and
 * `--resume`, the `--qps` rate sweep read back by `compare` rate by rate, calibration (refuse /
 * flag), the idle baseline, and the one-line cluster-access errors.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BenchmarkMode, JOB_TEMPLATE_KEY } from '../../lib/wire/bench-contract';
import { main } from '../../lib/cli/mesh-bench';
import { CALIBRATION_FRACTION, CalibrationError, PreflightError, runBenchmark, RunBenchmarkOptions } from '../../lib/cli/run-command';
import { InterruptedError } from '../../lib/private/cli-errors';
import { RunMetadata } from '../../lib/wire/results-layout';
import { CLIENT_NODE, SERVER_NODE, quickRunOptions, startBenchCluster, ZTUNNELS } from '../kube/bench-fixture';
import { FakeApiServer } from '../kube/fake-api-server';
import { FakeCluster, JobScript } from '../kube/fake-cluster';
import { fortioResult, markedLog } from '../kube/fortio-result';

type Cell = { mode: BenchmarkMode; round: number; phase: string; qps: number };

function cellOf(manifest: Record<string, unknown>): Cell {
  const labels = (manifest.metadata as { labels: Record<string, string> }).labels;
  const args = (manifest as { spec: { template: { spec: { containers: { args?: string[] }[] } } } }).spec.template.spec.containers[0].args ?? [];
  const qps = Number((args.find((a) => a.startsWith('-qps=')) ?? '-qps=NaN').slice(5));
  return { mode: labels['mesh-bench/mode'] as BenchmarkMode, round: Number(labels['mesh-bench/round']), phase: labels['mesh-bench/phase'], qps };
}

/** A result at the Job's own rate; `capacity` caps what the "load generator" achieves. */
function scriptFor(c: Cell, capacity = Infinity): JobScript {
  const json = fortioResult(`${c.mode}/${c.round}/${c.phase}`, 2000, 0.0004, c.round * 10 + c.qps);
  const actual = Math.min(c.qps, capacity);
  return { outcome: 'succeed', pollsBeforeDone: 1, node: CLIENT_NODE, log: markedLog(JSON.stringify({ ...json, RequestedQPS: String(c.qps), ActualQPS: actual })) };
}

/** The fixture's templates, rewritten to take their rate from ${QPS} (as BenchmarkHarness now deploys them). */
function sweepableTemplates(cluster: FakeCluster): void {
  for (const cm of cluster.configMaps) {
    if (cm.data[JOB_TEMPLATE_KEY] !== undefined) cm.data[JOB_TEMPLATE_KEY] = cm.data[JOB_TEMPLATE_KEY].replace('-qps=1000', '-qps=${QPS}');
  }
}

describe('mesh-bench run lifecycle (fake API server)', () => {
  let cluster: FakeCluster;
  let dir: string;
  let kubeconfig: string;
  let err: string[];
  const io = { stdout: () => undefined, stderr: (t: string) => err.push(t) };
  const opts = (extra: Partial<RunBenchmarkOptions> = {}): RunBenchmarkOptions => quickRunOptions(kubeconfig, path.join(dir, 'out'), { seed: 7, runId: 'mb-life' }, extra);
  const compareJson = async (d: string): Promise<{ code: number; doc: { rates: { qps: number; flags: string[]; modes: { mode: string; validRounds: number; rounds: number; idle: { cpuMillicores: number } | null }[] }[] }; stderr: string }> => {
    let out = '';
    let stderr = '';
    const code = await main(['node', 'mesh-bench', 'compare', d, '--format', 'json'], { stdout: (t) => (out += t), stderr: (t) => (stderr += t) });
    return { code, doc: out === '' ? { rates: [] } : JSON.parse(out), stderr };
  };

  beforeEach(async () => {
    cluster = await startBenchCluster();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-life-'));
    kubeconfig = cluster.server.writeKubeconfig(dir);
    err = [];
  });
  afterEach(async () => {
    await cluster.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Ctrl-C deletes the running Job, leaves a valid directory, and --resume runs only what is left', async () => {
    const controller = new AbortController();
    let measured = 0;
    cluster.jobScript = (m) => {
      const c = cellOf(m);
      if (c.phase === 'measure' && ++measured === 3) {
        controller.abort(); // the user presses Ctrl-C while the third measured Job runs
        return { ...scriptFor(c), outcome: 'never' };
      }
      return scriptFor(c);
    };
    const first = runBenchmark(opts({ signal: controller.signal }), io);
    await expect(first).rejects.toBeInstanceOf(InterruptedError);
    await expect(first).rejects.toThrow(`; ${path.join(dir, 'out')} is a valid, resumable results directory: continue with \`mesh-bench run --resume ${path.join(dir, 'out')}\``);
    const interruptedJob = cluster.createdJobs.filter((j) => cellOf(j.manifest).phase === 'measure')[2];
    expect(cluster.server.find('DELETE', new RegExp(`/jobs/${interruptedJob.name}$`))).toHaveLength(1);
    expect(cluster.jobs.size).toBe(0);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'metadata.json'), 'utf8')) as RunMetadata;
    expect(meta.interrupted).toBe(true);
    expect(meta.finishedAt).toBeUndefined();
    expect(meta.failures).toEqual([]); // an interrupted cell is not a failure: resume runs it

    // compare reads the partial directory: exit 0, honest about what is missing
    const partial = await compareJson(path.join(dir, 'out'));
    expect(partial.code).toBe(0);
    const flags = partial.doc.rates[0].flags;
    expect(flags[0]).toMatch(/^run interrupted and not resumed to its end/);
    expect(flags.filter((f) => / result missing$/.test(f))).toHaveLength(2 * 3 - 2);

    const before = cluster.createdJobs.length;
    const resumed = await runBenchmark({ kubeconfig, resume: path.join(dir, 'out'), jobTimeoutSeconds: 2, pollIntervalSeconds: 0.005, sampleIntervalSeconds: 0.005 }, io);
    expect(resumed.exitCode).toBe(0);
    const again = cluster.createdJobs.slice(before).filter((j) => cellOf(j.manifest).phase === 'measure').map((j) => cellOf(j.manifest));
    expect(again).toHaveLength(2 * 3 - 2); // the two finished cells are not run again
    expect(resumed.metadata.interrupted).toBeUndefined();
    expect(typeof resumed.metadata.finishedAt).toBe('string');
    expect(resumed.metadata.seed).toBe(7);
    const full = await compareJson(path.join(dir, 'out'));
    expect(full.doc.rates[0].flags.some((f) => /result missing|interrupted/.test(f))).toBe(false);
    for (const m of full.doc.rates[0].modes) expect(m.rounds).toBe(2);
  });

  test('--resume refuses a directory whose harness changed, and a finished run', async () => {
    cluster.jobScript = (m) => scriptFor(cellOf(m));
    await runBenchmark(opts({ rounds: 1 }), io);
    await expect(runBenchmark({ kubeconfig, resume: path.join(dir, 'out') }, io)).rejects.toThrow(/'resume' must name an unfinished run; this one finished/);
    const metaFile = path.join(dir, 'out', 'metadata.json');
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(metaFile, JSON.stringify({ ...meta, interrupted: true, finishedAt: undefined, templates: { ...(meta.templates as object), sidecar: { ...(meta.templates as Record<string, object>).sidecar, connections: 8 } } }));
    await expect(runBenchmark({ kubeconfig, resume: path.join(dir, 'out') }, io)).rejects.toThrow(/mode sidecar: harness connections changed since the run started \(8 → 16\)/);
  });

  test('--qps sweeps rates into one directory; compare reports rate by rate; old templates cannot sweep', async () => {
    cluster.jobScript = (m) => scriptFor(cellOf(m));
    await expect(runBenchmark(opts({ qps: [500, 1000] }), io)).rejects.toThrow(PreflightError);
    await expect(runBenchmark(opts({ qps: [500, 1000] }), io)).rejects.toThrow(/the Job template has no \$\{QPS\} placeholder/);
    sweepableTemplates(cluster);
    const outcome = await runBenchmark(opts({ qps: [500, 1000], rounds: 1 }), io);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.metadata.rates).toEqual([500, 1000]);
    const measured = cluster.createdJobs.map((j) => cellOf(j.manifest)).filter((c) => c.phase === 'measure');
    expect(measured.map((c) => c.qps)).toEqual([500, 500, 500, 1000, 1000, 1000]);
    for (const q of [500, 1000]) for (const m of ['baseline', 'sidecar', 'ambient']) expect(fs.existsSync(path.join(dir, 'out', 'rates', String(q), 'rounds', '1', `${m}.json`))).toBe(true);
    const c = await compareJson(path.join(dir, 'out'));
    expect(c.code).toBe(0);
    expect(c.doc.rates.map((r) => r.qps)).toEqual([500, 1000]);
    let table = '';
    await main(['node', 'mesh-bench', 'compare', path.join(dir, 'out')], { stdout: (t) => (table += t), stderr: () => undefined });
    expect(table).toMatch(/=== rate 500 QPS ===\nrun mb-life · rate 500 QPS/);
    expect(table).toMatch(/=== rate 1000 QPS ===\nrun mb-life · rate 1000 QPS/);
  });

  test(`calibration refuses rates above ${CALIBRATION_FRACTION * 100} % of the sustained rate, or flags them when allowed`, async () => {
    sweepableTemplates(cluster);
    const capacity = 2000;
    cluster.jobScript = (m) => scriptFor(cellOf(m), capacity);
    // 1500 needs 1875 sustained (≤ 2000: ok); 1800 needs 2250 (slips 11 %: refused)
    const refused = runBenchmark(opts({ calibrate: true, calibrationSeconds: 1, qps: [1500, 1800], rounds: 1 }), io);
    await expect(refused).rejects.toBeInstanceOf(CalibrationError);
    await expect(refused).rejects.toThrow('calibration: the load generator sustained 1875 QPS with schedule slip < 1 %; requested rates above 80 % of that (1800 QPS) are refused');
    const cal = cluster.createdJobs.map((j) => cellOf(j.manifest)).filter((c) => c.phase === 'calibrate');
    expect(cal.map((c) => [c.mode, c.qps])).toEqual([['baseline', 1875], ['baseline', 2250]]);
    expect(cluster.createdJobs.some((j) => cellOf(j.manifest).phase === 'measure')).toBe(false);
    // nothing on disk that --resume could continue past the refusal
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);

    const flagged = await runBenchmark(opts({ calibrate: true, calibrationSeconds: 1, qps: [1500, 1800], rounds: 1, allowOverCalibration: true, out: path.join(dir, 'flagged') }), io);
    expect(flagged.metadata.calibration).toEqual({ mode: 'baseline', seconds: 1, fraction: 0.8, steps: [{ qps: 1875, actualQps: 1875, slip: 0 }, { qps: 2250, actualQps: 2000, slip: 1 - 2000 / 2250 }], sustainedQps: 1875 });
    expect(flagged.metadata.overCalibrationRates).toEqual([1800]);
    const c = await compareJson(path.join(dir, 'flagged'));
    expect(c.doc.rates.find((r) => r.qps === 1800)?.flags).toContain('rate 1800 QPS is above the calibrated limit of the load generator (run with --allow-over-calibration): latency may include generator saturation');
    expect(c.doc.rates.find((r) => r.qps === 1500)?.flags.some((f) => /calibrated limit/.test(f))).toBe(false);
  });

  test('the idle baseline samples the proxies before any Job and compare reports it per mode', async () => {
    cluster.jobScript = (m) => scriptFor(cellOf(m));
    const outcome = await runBenchmark(opts({ rounds: 1, idleSeconds: 0.05 }), io);
    expect(outcome.metadata.idleSeconds).toBe(0.05);
    const firstJob = cluster.server.requests.findIndex((r) => r.method === 'POST' && /\/jobs$/.test(r.path));
    const firstSummary = cluster.server.requests.findIndex((r) => /\/proxy\/stats\/summary$/.test(r.path));
    expect(firstSummary).toBeGreaterThanOrEqual(0);
    expect(firstSummary).toBeLessThan(firstJob);
    const ambient = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'idle', 'ambient.resources.json'), 'utf8')) as { round: number; samples: { pod: string }[] };
    expect(ambient.round).toBe(0);
    expect(new Set(ambient.samples.map((s) => s.pod))).toEqual(new Set([ZTUNNELS[SERVER_NODE]])); // no load pod yet: server side only
    expect(fs.existsSync(path.join(dir, 'out', 'idle', 'baseline.resources.json'))).toBe(false);
    const c = await compareJson(path.join(dir, 'out'));
    const modes = c.doc.rates[0].modes;
    expect(modes.find((m) => m.mode === 'baseline')?.idle).toBeNull();
    expect(modes.find((m) => m.mode === 'ambient')?.idle?.cpuMillicores).toBeGreaterThan(0);
  });
});

describe('cluster access errors: one line that says what was tried and what to fix', () => {
  const saved = { ...process.env };
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-home-'));
  });
  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(home, { recursive: true, force: true });
  });

  async function bench(...args: string[]): Promise<{ code: number; err: string }> {
    let e = '';
    const code = await main(['node', 'mesh-bench', ...args], { stdout: () => undefined, stderr: (t) => (e += t) });
    return { code, err: e };
  }

  test('no kubeconfig at all (not the TLS message about localhost:8080)', async () => {
    delete process.env.KUBECONFIG;
    delete process.env.KUBERNETES_SERVICE_HOST;
    process.env.HOME = home;
    const r = await bench('run', '--out', path.join(home, 'out'));
    expect(r).toEqual({ code: 1, err: `mesh-bench: no kubeconfig: KUBECONFIG is not set, ${path.join(home, '.kube', 'config')} does not exist and this is not running in a pod; pass --kubeconfig <file> or create one (for EKS: aws eks update-kubeconfig --name <cluster> --region <region>)\n` });
  });

  test('KUBECONFIG naming a missing file', async () => {
    process.env.KUBECONFIG = path.join(home, 'gone.yaml');
    const r = await bench('run', '--out', path.join(home, 'out'));
    expect(r).toEqual({ code: 1, err: `mesh-bench: KUBECONFIG names ${path.join(home, 'gone.yaml')}, which does not exist; fix KUBECONFIG or pass --kubeconfig <file> (for EKS: aws eks update-kubeconfig --name <cluster> --region <region>)\n` });
  });

  test('an API server that answers HTML instead of Kubernetes JSON', async () => {
    const server = await FakeApiServer.start();
    try {
      server.route('GET', /.*/, () => ({ text: '<html>please log in</html>', contentType: 'text/html' }));
      const kc = server.writeKubeconfig(home);
      const r = await bench('run', '--kubeconfig', kc, '--out', path.join(home, 'out'));
      expect(r.code).toBe(1);
      expect(r.err.split('\n').filter((l) => l.startsWith('mesh-bench:'))).toEqual([`mesh-bench: list ConfigMaps in all namespaces: the API server ${server.url} answered with something that is not a Kubernetes list (no 'items'); is the server address a Kubernetes API server and not a proxy or login page?`]);
    } finally {
      await server.close();
    }
  });
});

describe('Ctrl-C on the real process', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'mesh-bench.js');
  const dist = path.join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'mesh-bench.js');

  test('SIGINT while a measured Job runs: the Job is deleted, exit 130, one line saying how to resume', async () => {
    if (!fs.existsSync(dist)) {
      if (process.env.CI === 'true') throw new Error('dist/ is required in CI (npm run build)');
      // eslint-disable-next-line no-console
      console.log('skipped: needs dist/ (run `npm run build`)');
      return;
    }
    const { spawn } = await import('node:child_process');
    const cluster = await startBenchCluster();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-sigint-'));
    try {
      cluster.jobScript = (m) => ({ ...scriptFor(cellOf(m)), ...(cellOf(m).phase === 'measure' ? { outcome: 'never' as const } : {}) });
      const kubeconfig = cluster.server.writeKubeconfig(dir);
      const out = path.join(dir, 'out');
      const child = spawn(process.execPath, [bin, 'run', '--kubeconfig', kubeconfig, '--out', out, '--run-id', 'mb-sig', '--rounds', '1', '--no-calibrate', '--idle-seconds', '0', '--poll-interval', '0.05', '--job-timeout', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      for (let i = 0; i < 400 && !cluster.createdJobs.some((j) => cellOf(j.manifest).phase === 'measure'); i++) await new Promise((r) => setTimeout(r, 25));
      const running = cluster.createdJobs.find((j) => cellOf(j.manifest).phase === 'measure');
      expect(running).toBeDefined();
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(cluster.server.find('DELETE', new RegExp(`/jobs/${running?.name}$`))).toHaveLength(1);
      const lines = stderr.split('\n').filter((l) => l.startsWith('mesh-bench'));
      expect(lines).toEqual([
        'mesh-bench run: interrupted; deleting the running Job and saving the results directory (Ctrl-C again to force)',
        expect.stringMatching(new RegExp(`^mesh-bench: interrupted during rate 1000 round 1 \\w+ \\(its Job was deleted\\); ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is a valid, resumable results directory: continue with \`mesh-bench run --resume `)),
      ]);
      expect((JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8')) as RunMetadata).interrupted).toBe(true);
    } finally {
      await cluster.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
