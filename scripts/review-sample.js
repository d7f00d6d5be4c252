#!/usr/bin/env node
// Regenerates the README's mesh-review sample from real synth outputs: synthesizes the example pull
// request (examples/review-sample.ts, compiled to dist/) for base and head, runs `mesh-review` on
// them and replaces the block between the README's mesh-review-sample markers. Run: npm run review-sample
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
process.env.CHECKPOINT_DISABLE = '1';
const { synthReviewSample } = require(path.join(root, 'dist/examples/review-sample.js'));
const { main } = require(path.join(root, 'dist/lib/cli/mesh-review.js'));
const { replaceSample } = require(path.join(root, 'dist/examples/review-sample-readme.js'));

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-sample-'));
  try {
    const { base, head } = synthReviewSample(dir);
    let md = '';
    const code = await main(['node', 'mesh-review', base, head, '--fail-on', 'high'], { stdout: (t) => { md += t; }, stderr: () => undefined });
    const readme = path.join(root, 'README.md');
    fs.writeFileSync(readme, replaceSample(fs.readFileSync(readme, 'utf8'), md, code));
    console.log(`README.md: mesh-review sample updated (exit code ${code} with --fail-on high)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})();
