#!/usr/bin/env node
// `npm run pack:check`: what `npm pack` ships, checked from a clean copy of the repository.
//
//   node scripts/check-pack.js              a clean copy (the files git tracks plus new, not-ignored ones:
//                                           no dist/, no cdktf.out/), node_modules linked from here (offline),
//                                           then `npm pack --dry-run --json`, which runs `prepack` (the build)
//   node scripts/check-pack.js --in-place   this directory as it is, `--ignore-scripts` (dist/ must be built:
//                                           `npm test` does); used by test/package.test.ts
//
// Checks: the main module and its types, every bin and the module it requires, README.md and package.json
// are in; no sources, tests, scripts or build state are; cdktf, constructs and the provider packages are
// peerDependencies, not dependencies. Prints the problems and exits 1 when there are any.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PEERS = ['cdktf', 'constructs', '@cdktf/provider-aws', '@cdktf/provider-helm', '@cdktf/provider-kubernetes'];

/** Problems with a packed file list (paths relative to the package root) for the manifest `pkg`. */
function packProblems(files, pkg, dir) {
  const problems = [];
  const have = new Set(files);
  const must = ['package.json', 'README.md', pkg.main, pkg.types];
  for (const [name, bin] of Object.entries(pkg.bin || {})) {
    const binPath = path.normalize(bin).split(path.sep).join('/');
    must.push(binPath);
    // The module each bin requires (`require('../dist/lib/cli/mesh-bench')`) must ship too.
    const text = fs.readFileSync(path.join(dir, binPath), 'utf8');
    const target = /require\(['"](\.[^'"]+)['"]\)/.exec(text);
    if (!target) problems.push(`bin ${name} (${binPath}) requires no relative module`);
    else must.push(`${path.posix.normalize(path.posix.join(path.posix.dirname(binPath), target[1]))}.js`);
  }
  for (const f of must) if (!have.has(f)) problems.push(`missing from the package: ${f}`);
  for (const f of files) {
    if (/^(lib|stacks|examples|test|scripts)\//.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f))) problems.push(`source file in the package: ${f}`);
    if (/tsbuildinfo$|^cdktf\.out\/|^node_modules\//.test(f)) problems.push(`build state in the package: ${f}`);
  }
  for (const p of PEERS) {
    if (!pkg.peerDependencies || !pkg.peerDependencies[p]) problems.push(`${p} is not a peerDependency`);
    if (pkg.dependencies && pkg.dependencies[p]) problems.push(`${p} is a dependency (users would get a second copy)`);
    if (!pkg.devDependencies || !pkg.devDependencies[p]) problems.push(`${p} is not a devDependency (the tests need it)`);
  }
  return problems;
}

/** A clean copy of the repository: git's tracked and new not-ignored files, node_modules linked. */
function cleanCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-pack-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of listed) {
    const src = path.join(root, f);
    if (!fs.existsSync(src)) continue; // deleted in the work tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(src, path.join(dir, f));
    fs.chmodSync(path.join(dir, f), fs.statSync(src).mode);
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function main() {
  const inPlace = process.argv.includes('--in-place');
  const dir = inPlace ? root : cleanCopy();
  try {
    if (!inPlace && fs.existsSync(path.join(dir, 'dist'))) throw new Error('the clean copy has a dist/ before packing');
    const args = ['pack', '--dry-run', '--json', ...(inPlace ? ['--ignore-scripts'] : [])];
    const r = spawnSync(npm, args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    // prepack's output (the build) may precede the JSON on stdout.
    const json = JSON.parse(r.stdout.slice(r.stdout.search(/^\[/m)));
    const files = json[0].files.map((f) => f.path);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const problems = packProblems(files, pkg, dir);
    console.log(`${json[0].id}: ${files.length} files, ${(json[0].size / 1024).toFixed(0)} KiB packed (${inPlace ? 'this directory' : `clean copy ${dir}`})`);
    for (const p of problems) console.log(`  PROBLEM: ${p}`);
    console.log(problems.length === 0 ? 'package contents OK' : `${problems.length} problem(s)`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    if (!inPlace) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main();
module.exports = { packProblems };
