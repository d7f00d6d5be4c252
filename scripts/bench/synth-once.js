#!/usr/bin/env node
// One synth of the ready app into a temp dir; prints {"maxRssMiB":…} on the last line.
// With --root-imports it first loads the provider packages from their package roots (the reference).
'use strict';
const os = require('os');
const fs = require('fs');
const path = require('path');

if (process.argv.includes('--root-imports')) {
  require('@cdktf/provider-aws');
  require('@cdktf/provider-helm');
  require('@cdktf/provider-kubernetes');
  // Touch one export of each so lazy getters (if any) are paid for as a root import would.
  void require('@cdktf/provider-aws').eksCluster;
  void require('@cdktf/provider-helm').release;
  void require('@cdktf/provider-kubernetes').namespace;
}
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
const { App } = require('cdktf');
const { buildApp } = require(path.resolve(__dirname, '..', '..', 'dist', 'stacks', 'main.js'));
buildApp(new App({ outdir })).synth();
fs.rmSync(outdir, { recursive: true, force: true });
console.log(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
