#!/usr/bin/env node
/**
 * Regenerates the README's compatibility matrix from the catalog (built into dist/ by `npm run build`):
 *   npm run docs:versions                      # support date: today (UTC)
 *   npm run docs:versions -- --as-of 2026-11-24
 * The section sits between the BEGIN/END markers below; test/readme-versions.test.ts fails when it
 * differs from what the catalog renders for the date written in the marker.
 */
const fs = require('fs');
const path = require('path');
const { renderVersionMatrix } = require('../dist/lib/catalog/version-matrix');
const { replaceVersionsSection } = require('../dist/lib/private/readme-section');

const args = process.argv.slice(2);
const at = args.indexOf('--as-of');
const asOf = at >= 0 ? args[at + 1] : new Date().toISOString().slice(0, 10);
if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf ?? '')) {
  process.stderr.write(`versions-readme: --as-of must be YYYY-MM-DD, got ${asOf}\n`);
  process.exit(1);
}
const file = path.join(__dirname, '..', 'README.md');
const next = replaceVersionsSection(fs.readFileSync(file, 'utf8'), asOf, renderVersionMatrix(asOf));
fs.writeFileSync(file, next);
process.stdout.write(`README.md: compatibility matrix regenerated for ${asOf}\n`);
