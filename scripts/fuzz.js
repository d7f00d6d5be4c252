#!/usr/bin/env node
// `npm run fuzz`: every property test in test/property at FUZZ_RUNS (default 10,000) cases per
// property, one jest process per file, and for the per-construct file one process per target
// (cdktf keeps every token in a process-wide map, so one process per 10,000 stacks bounds memory).
// Sequential, so it never takes more than one core of the machine; prints one line per run.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const runs = process.env.FUZZ_RUNS ?? '10000';
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
    const env = { ...process.env, FUZZ_RUNS: runs, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=8192`.trim() };
    if (shards > 1) env.FUZZ_SHARD = `${i}/${shards}`;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [jest, path.join('test', 'property', file), '--runInBand', '--testTimeout=7200000', '--silent'], { cwd: root, env, encoding: 'utf8' });
    const summary = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => /^Tests:/.test(l.trim())) ?? `exit ${r.status}`;
    const label = shards > 1 ? `${file} [target ${i + 1}/${shards}]` : file;
    console.log(`${r.status === 0 ? 'ok  ' : 'FAIL'} ${label}: ${summary.trim()} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    if (r.status !== 0) {
      failed++;
      process.stdout.write(`${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /Counterexample|Seed|●|Error/.test(l)).slice(0, 20).join('\n') + '\n');
    }
  }
}
console.log(`fuzz: ${failed === 0 ? 'clean' : `${failed} run(s) failed`} at ${runs} cases per property, ${((Date.now() - started) / 60000).toFixed(1)} min`);
process.exit(failed === 0 ? 0 : 1);
