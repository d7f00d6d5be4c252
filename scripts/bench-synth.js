#!/usr/bin/env node
// `npm run bench` (synth part): wall time and peak RSS, N runs each (BENCH_RUNS, default 5), of
//  - the cdktf.json `app` command itself, exactly as `cdktf synth` runs it (through a shell, in the
//    project directory), with unchanged sources;
//  - `npm run synth` (npm's own start-up included);
//  - the reference: the same app from dist/ with the provider packages loaded from their package roots
//    (scripts/bench/synth-once.js --root-imports).
// Targets for the app command on a 2-core machine: median < 1000 ms, at least 2.5× faster than the
// reference's median, peak RSS < 250 MiB. Exit code 1 when a target is missed. Needs dist/ (npm run build).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS || 5);
const appCommand = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')).app;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TARGET_MS = 1000;
const TARGET_SPEEDUP = 2.5;
const TARGET_MIB = 250;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `command` (a shell command line) `runs` times; wall time of the whole command, peak RSS of its largest node process. */
function measure(label, command) {
  const samples = [];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    for (let i = 0; i < runs; i++) {
      const rssFile = path.join(scratch, `rss-${i}`);
      const env = {
        ...process.env,
        CHECKPOINT_DISABLE: '1',
        CDKTF_OUTDIR: path.join(scratch, `out-${i}`),
        BENCH_RSS_FILE: rssFile,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --require ${path.join(__dirname, 'bench', 'report-rss.js')}`.trim(),
      };
      const t0 = process.hrtime.bigint();
      const r = spawnSync(command, { shell: true, cwd: root, encoding: 'utf8', env });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${label} run ${i + 1} failed (${r.status}):\n${r.stderr}`);
      const procs = fs.readFileSync(rssFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const mib = Math.max(...procs.map((p) => p.mib));
      const cpuMs = procs.reduce((sum, p) => sum + p.cpuMs, 0);
      samples.push({ ms, mib, cpuMs });
      process.stderr.write(`  ${label} run ${i + 1}/${runs}: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU, ${mib.toFixed(0)} MiB\n`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const ms = samples.map((s) => s.ms);
  const mib = samples.map((s) => s.mib);
  return { label, command, medianMs: median(ms), maxMs: Math.max(...ms), medianCpuMs: median(samples.map((s) => s.cpuMs)), medianMiB: median(mib), maxMiB: Math.max(...mib) };
}

console.log(`Synth benchmark: ${runs} runs each, node ${process.version}, ${os.cpus().length} cores`);
const loadBefore = os.loadavg()[0];
const app = measure('cdktf.json app', appCommand);
const npmSynth = measure('npm run synth', `${npm} run --silent synth`);
const reference = measure('reference (root imports)', `"${process.execPath}" scripts/bench/synth-once.js --root-imports`);

console.log(`\nload average before: ${loadBefore.toFixed(1)} (the machine is shared; CPU time, node processes only, is less sensitive to it)`);
console.log('| what | command | median wall | max wall | median CPU | median peak RSS | max peak RSS |');
console.log('|---|---|---|---|---|---|---|');
for (const r of [app, npmSynth, reference]) {
  console.log(`| ${r.label} | \`${r.command.replace(process.execPath, 'node')}\` | ${r.medianMs.toFixed(0)} ms | ${r.maxMs.toFixed(0)} ms | ${r.medianCpuMs.toFixed(0)} ms | ${r.medianMiB.toFixed(0)} MiB | ${r.maxMiB.toFixed(0)} MiB |`);
}
const speedup = reference.medianMs / app.medianMs;
const ok = app.medianMs < TARGET_MS && speedup >= TARGET_SPEEDUP && app.maxMiB < TARGET_MIB;
console.log(`\ncdktf.json app: median ${app.medianMs.toFixed(0)} ms (target < ${TARGET_MS} ms), ${speedup.toFixed(1)}× the reference (target ≥ ${TARGET_SPEEDUP}×), max ${app.maxMiB.toFixed(0)} MiB (target < ${TARGET_MIB} MiB): ${ok ? 'MET' : 'MISSED'}`);
process.exitCode = ok ? 0 : 1;
