#!/usr/bin/env node
// `npm run fuzz`: every property test in test/property at FUZZ_RUNS (default 10,000) cases per
// property. cdktf keeps every token it makes in a process-wide map, so memory grows with the stacks a
// process builds (10,000 BenchmarkNodeGroup cases, each with a whole EksCluster, exhaust an 8 GiB
// heap): each property runs as batches of at most FUZZ_BATCH (default 2,500) cases, one jest process
// per batch, each with its own seed (printed, to reproduce), and the per-construct file one target
// per process. Sequential, so it takes one core; prints one line per batch.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const runs = Number(process.env.FUZZ_RUNS ?? 10000);
const batch = Math.min(runs, Number(process.env.FUZZ_BATCH ?? 2500));
const baseSeed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const dir = path.join(root, 'test', 'property');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.property.test.ts')).sort();
const jest = require.resolve('jest/bin/jest');

function countTargets(file) {
  // Each target is one `name: {` entry of the TARGETS table (two-space indent), counted from the source.
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  const table = text.slice(text.indexOf('const TARGETS'), text.indexOf('\n};', text.indexOf('const TARGETS')));
  return (table.match(/^ {2}['A-Za-z.]+'?: \{$/gm) ?? []).length;
}

let failed = 0;
const started = Date.now();
for (const file of files) {
  const shards = file.startsWith('constructs.') ? countTargets(file) : 1;
  for (let i = 0; i < shards; i++) {
    for (let done = 0, k = 0; done < runs; done += batch, k++) {
      const n = Math.min(batch, runs - done);
      const seed = baseSeed + 1000 * i + k;
      const env = { ...process.env, FUZZ_RUNS: String(n), FUZZ_SEED: String(seed), NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=8192`.trim() };
      if (shards > 1) env.FUZZ_SHARD = `${i}/${shards}`;
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [jest, path.join('test', 'property', file), '--runInBand', '--testTimeout=7200000', '--silent'], { cwd: root, env, encoding: 'utf8' });
      const summary = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => /^Tests:/.test(l.trim())) ?? `exit ${r.status}`;
      const label = `${file}${shards > 1 ? ` [target ${i + 1}/${shards}]` : ''} cases ${done + 1}–${done + n} (seed ${seed})`;
      console.log(`${r.status === 0 ? 'ok  ' : 'FAIL'} ${label}: ${summary.trim()} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      if (r.status !== 0) {
        failed++;
        process.stdout.write(`${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /Counterexample|Seed|●|Error|heap/.test(l)).slice(0, 20).join('\n') + '\n');
      }
    }
  }
}
console.log(`fuzz: ${failed === 0 ? 'clean' : `${failed} batch(es) failed`} at ${runs} cases per property (batches of ${batch}, seeds from ${baseSeed}), ${((Date.now() - started) / 60000).toFixed(1)} min`);
process.exit(failed === 0 ? 0 : 1);
