#!/usr/bin/env node
// `npm run synth`: synthesizes the ready app (stacks/) into cdktf.out/ with plain node: no network, no AWS
// credentials, no cdktf CLI, no type-check (the sources are transpiled in memory by scripts/ts-register.js;
// `npm test` type-checks). `npx cdktf synth` / `deploy` run the same app through cdktf.json.
//
// The app is synthesized into a fresh sibling directory and swapped in only when it succeeded, so a
// failed synth (invalid input, a validation error) leaves the previous cdktf.out/ whole. Input errors
// are printed as one message on stderr (no stack trace) and the exit code is 1.
//
// Usage: node scripts/synth.js [app-module]   (default stacks/main.ts; the module exports buildApp(app))
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outdir = path.resolve(root, process.env.CDKTF_OUTDIR || 'cdktf.out');
process.env.CHECKPOINT_DISABLE = '1';

/** Errors caused by the input (the library's validation error, construct validations, error annotations). */
function isInputError(e) {
  if (!(e instanceof Error)) return false;
  return e.name === 'IstioMeshValidationError' || /^(Validation failed with the following errors|Encountered Annotations with level "ERROR")/.test(e.message);
}

/** A path as printed: relative to the repository when inside it, else absolute. */
function shown(p) {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** Replaces `target` by `fresh` (both in one directory): two renames, the old copy deleted after. */
function swapIn(fresh, target) {
  const old = `${fresh}.old`;
  const hadTarget = fs.existsSync(target);
  if (hadTarget) fs.renameSync(target, old);
  try {
    fs.renameSync(fresh, target);
  } catch (e) {
    if (hadTarget) fs.renameSync(old, target);
    throw e;
  }
  if (hadTarget) fs.rmSync(old, { recursive: true, force: true });
}

function main() {
  const started = process.hrtime.bigint();
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  // Same parent directory as cdktf.out/, so the final rename never crosses a file system.
  const staging = fs.mkdtempSync(path.join(path.dirname(outdir), `.${path.basename(outdir)}.staging-`));
  let manifest;
  try {
    process.env.CDKTF_OUTDIR = staging;
    require('./ts-register');
    const { App } = require('cdktf');
    const { buildApp } = require(path.resolve(process.argv[2] || path.join(root, 'stacks', 'main.ts')));
    buildApp(new App({ outdir: staging })).synth();
    manifest = JSON.parse(fs.readFileSync(path.join(staging, 'manifest.json'), 'utf8'));
    swapIn(staging, outdir);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (isInputError(e)) {
      process.stderr.write(`synth failed: ${e.message}\n(nothing written; ${shown(outdir)}/ is unchanged)\n`);
    } else {
      process.stderr.write(`synth failed with an unexpected error (a bug, please report it):\n${e instanceof Error ? e.stack : String(e)}\n`);
    }
    return 1;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`Synthesized ${Object.keys(manifest.stacks).length} stacks in ${ms.toFixed(0)} ms into ${outdir}:`);
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    const file = path.join(outdir, stack.synthesizedStackPath);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const count = Object.values(json.resource || {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    console.log(`  ${name}: ${path.relative(root, file)} (${count} resources)`);
    for (const a of stack.annotations || []) console.log(`    ${a.level}: ${a.message}`);
  }
  console.log('Next: cd cdktf.out/stacks/<stack> && terraform init && terraform plan   (or: npx cdktf deploy <stack>)');
  return 0;
}

process.exitCode = main();
