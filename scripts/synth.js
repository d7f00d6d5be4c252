#!/usr/bin/env node
// Synthesizes the ready app (stacks/) into cdktf.out/ from the compiled JS: no network, no AWS
// credentials, no cdktf CLI. `npx cdktf deploy` runs the same app through cdktf.json.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outdir = path.resolve(root, process.env.CDKTF_OUTDIR || 'cdktf.out');
process.env.CDKTF_OUTDIR = outdir;
process.env.CHECKPOINT_DISABLE = '1';

const started = process.hrtime.bigint();
const { App } = require('cdktf');
const { buildApp } = require(path.join(root, 'dist/stacks/main.js'));
const app = buildApp(new App({ outdir }));
app.synth();
const ms = Number(process.hrtime.bigint() - started) / 1e6;

const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
console.log(`Synthesized ${Object.keys(manifest.stacks).length} stacks in ${ms.toFixed(0)} ms into ${outdir}:`);
for (const [name, stack] of Object.entries(manifest.stacks)) {
  const file = path.join(outdir, stack.synthesizedStackPath);
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const count = Object.values(json.resource || {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  console.log(`  ${name}: ${path.relative(root, file)} (${count} resources)`);
  for (const a of stack.annotations || []) console.log(`    ${a.level}: ${a.message}`);
}
console.log('Next: cd cdktf.out/stacks/<stack> && terraform init && terraform plan   (or: npx cdktf deploy <stack>)');
