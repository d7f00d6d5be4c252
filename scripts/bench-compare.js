#!/usr/bin/env node
/*
 * Wall-time benchmark of `mesh-bench compare` (target: < 2 s) on 8 rounds × 3 modes of
 * 1 M-request fortio results. Runs the compiled CLI (dist/, `npx tsc -p tsconfig.build.json`
 * first) as a child process, so Node start-up and module loading are included.
 * The synthetic results directory is generated here, in a temp dir, from lognormal latency
 * distributions bucketed the way fortio buckets them (-r 1e-5), and removed afterwards.
 *
 *   node scripts/bench-compare.js [--runs 5] [--keep]
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'mesh-bench.js');
const DIST = path.join(ROOT, 'dist', 'lib', 'cli', 'mesh-bench.js');
const ROUNDS = 8;
const CALLS = 1000000;
const QPS = 1000;
const R = 0.00001;
const LIMIT_SECONDS = 2;
const BOUNDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100,
  120, 140, 160, 180, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000,
  2000, 3000, 4000, 5000, 7500, 10000, 20000, 30000, 40000, 50000, 75000, 100000];
const MODES = { baseline: 0.0002, sidecar: 0.0006, ambient: 0.00033 }; // median latency (s)

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i === -1 ? dflt : process.argv[i + 1];
}

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x) {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

function lognormalCdf(x, median, sigma) {
  return x <= 0 ? 0 : 0.5 * (1 + erf(Math.log(x / median) / (sigma * Math.SQRT2)));
}

/** A fortio DurationHistogram for CALLS lognormal latencies, by expected bucket counts. */
function histogram(median, sigma) {
  const edges = BOUNDS.map((b) => b * R);
  const counts = [];
  let prevCdf = 0;
  for (const e of edges) {
    const c = lognormalCdf(e, median, sigma);
    counts.push(Math.round(CALLS * (c - prevCdf)));
    prevCdf = c;
  }
  counts.push(0);
  const total = counts.reduce((a, b) => a + b, 0);
  const peak = counts.indexOf(Math.max(...counts));
  counts[peak] += CALLS - total; // make the counts sum to CALLS exactly
  const first = counts.findIndex((c) => c > 0);
  let last = counts.length - 1;
  while (counts[last] === 0) last--;
  const min = (first === 0 ? 0 : edges[first - 1]) + R * 0.3;
  const max = edges[Math.min(last, edges.length - 1)] - R * 0.2;
  const data = [];
  let cum = 0;
  for (let i = first; i <= last; i++) {
    if (counts[i] === 0) continue;
    cum += counts[i];
    data.push({ Start: data.length === 0 ? min : edges[i - 1], End: edges[i], Percent: (100 * cum) / CALLS, Count: counts[i] });
  }
  data[data.length - 1].End = max;
  return { Count: CALLS, Min: min, Max: max, Sum: CALLS * median, Avg: median, StdDev: median * sigma, Data: data, Percentiles: [] };
}

function fortioJson(median, sigma, round, mode) {
  return {
    RunType: 'HTTP', Labels: `bench/${mode}/${round}`, StartTime: '2026-01-01T00:00:00Z', RequestedQPS: String(QPS),
    RequestedDuration: '1000s', ActualQPS: QPS * 0.99995, ActualDuration: (CALLS / (QPS * 0.99995)) * 1e9, NumThreads: 16,
    Version: '1.75.2', DurationHistogram: histogram(median, sigma),
    ErrorsDurationHistogram: { Count: 0, Min: 0, Max: 0, Sum: 0, Avg: 0, StdDev: 0, Data: null },
    RetCodes: { 200: CALLS }, SocketCount: 16, Uniform: true, NoCatchUp: true, Offset: 0, Resolution: R,
  };
}

function generate(dir) {
  const modes = Object.keys(MODES);
  // results layout format 2 (lib/wire/results-layout.ts)
  fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify({
    formatVersion: 2, runId: 'bench', startedAt: '2026-01-01T00:00:00Z', seed: 7, rounds: ROUNDS, modes, rates: [QPS],
    order: Array.from({ length: ROUNDS }, () => modes), templates: {}, idleSeconds: 0, failures: [],
  }));
  for (let round = 1; round <= ROUNDS; round++) {
    const rd = path.join(dir, 'rates', String(QPS), 'rounds', String(round));
    fs.mkdirSync(rd, { recursive: true });
    modes.forEach((mode, m) => {
      const drift = 1 + 0.03 * Math.sin(round * 1.7 + m); // round-to-round variation
      fs.writeFileSync(path.join(rd, `${mode}.json`), JSON.stringify(fortioJson(MODES[mode] * drift, 0.45, round, mode)));
      const samples = mode === 'baseline' ? [] : Array.from({ length: 17 }, (_, i) => ({
        time: `2026-01-01T00:${String(i).padStart(2, '0')}:00Z`, pod: `${mode}-proxy`, container: 'istio-proxy', node: 'n1',
        cpuMillicores: mode === 'sidecar' ? 200 + i : 60 + i, memoryMiB: mode === 'sidecar' ? 48 : 12,
      }));
      fs.writeFileSync(path.join(rd, `${mode}.resources.json`), JSON.stringify({ mode, round, samples }));
    });
  }
}

function main() {
  if (!fs.existsSync(DIST)) {
    console.error(`missing ${path.relative(ROOT, DIST)}: run \`npx tsc -p tsconfig.build.json\` first`);
    return 1;
  }
  const runs = Number(arg('--runs', '5'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-bench-'));
  try {
    const results = path.join(tmp, 'results');
    fs.mkdirSync(results);
    const t0 = process.hrtime.bigint();
    generate(results);
    console.log(`generated ${ROUNDS} rounds × ${Object.keys(MODES).length} modes × ${CALLS.toLocaleString('en')} calls in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(2)} s (${results})`);
    const cases = [
      ['table', ['--format', 'table', '--svg', path.join(tmp, 'latency.svg')]],
      ['json', ['--format', 'json', '--out', path.join(tmp, 'report.json')]],
      ['csv', ['--format', 'csv', '--out', path.join(tmp, 'report.csv')]],
      ['md', ['--format', 'md', '--out', path.join(tmp, 'report.md')]],
    ];
    let worst = 0;
    for (const [name, extra] of cases) {
      const times = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const r = spawnSync(process.execPath, [BIN, 'compare', results, ...extra], { encoding: 'utf8' });
        times.push(Number(process.hrtime.bigint() - start) / 1e9);
        if (r.status !== 0) {
          console.error(`compare --format ${name} failed (exit ${r.status}):\n${r.stderr}`);
          return 1;
        }
        if (name === 'table' && i === 0) console.log(r.stdout);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      worst = Math.max(worst, times[times.length - 1]);
      console.log(`compare --format ${name.padEnd(5)} wall time: median ${median.toFixed(3)} s, min ${times[0].toFixed(3)} s, max ${times[times.length - 1].toFixed(3)} s over ${runs} runs`);
    }
    const ok = worst < LIMIT_SECONDS;
    console.log(`slowest run ${worst.toFixed(3)} s: ${ok ? 'UNDER' : 'NOT under'} ${LIMIT_SECONDS} s`);
    return ok ? 0 : 2;
  } finally {
    if (!process.argv.includes('--keep')) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = main();
