#!/usr/bin/env node
// `npm run bench`: wall time and peak RSS of synthesizing the ready app (stacks/), N runs each, beside
// a reference app that loads the provider packages from their roots. Targets (2-core machine): the
// ready app under 1.5 s and under 250 MB. Exit code 1 when a target is missed.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const runs = Number(process.env.BENCH_RUNS || 5);
const once = path.join(__dirname, 'bench', 'synth-once.js');
const TARGET_MS = 1500;
const TARGET_MIB = 250;

function measure(label, args) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [once, ...args], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${label} run ${i + 1} failed:\n${r.stderr}`);
    const last = r.stdout.trim().split('\n').pop();
    samples.push({ ms, mib: JSON.parse(last).maxRssMiB });
    process.stderr.write(`  ${label} run ${i + 1}/${runs}: ${ms.toFixed(0)} ms, ${JSON.parse(last).maxRssMiB.toFixed(0)} MiB\n`);
  }
  const sorted = (k) => samples.map((s) => s[k]).sort((a, b) => a - b);
  const median = (xs) => (xs.length % 2 ? xs[(xs.length - 1) / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2);
  return { label, medianMs: median(sorted('ms')), maxMs: Math.max(...sorted('ms')), medianMiB: median(sorted('mib')), maxMiB: Math.max(...sorted('mib')) };
}

console.log(`Synth benchmark: ${runs} runs each, node ${process.version}, ${require('os').cpus().length} cores`);
const rows = [measure('ready app (deep imports)', []), measure('reference (root imports)', ['--root-imports'])];
console.log('\n| app | median wall | max wall | median peak RSS | max peak RSS |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.label} | ${r.medianMs.toFixed(0)} ms | ${r.maxMs.toFixed(0)} ms | ${r.medianMiB.toFixed(0)} MiB | ${r.maxMiB.toFixed(0)} MiB |`);
const ok = rows[0].maxMs < TARGET_MS && rows[0].maxMiB < TARGET_MIB;
console.log(`\nTarget for the ready app: < ${TARGET_MS} ms and < ${TARGET_MIB} MiB on every run: ${ok ? 'MET' : 'MISSED'}`);
process.exitCode = ok ? 0 : 1;
