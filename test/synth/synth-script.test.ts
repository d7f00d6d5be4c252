import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const synthScript = path.join(root, 'scripts', 'synth.js');

/** Runs `npm run synth`'s script as a child process, as a user does (minus npm). */
function runSynth(outdir: string, env: Record<string, string> = {}, args: string[] = []) {
  const clean = { ...process.env };
  for (const k of ['ISTIO_VERSION', 'KUBERNETES_VERSION', 'ALLOW_UNSUPPORTED_KUBERNETES_VERSION', 'CDKTF_CONTEXT_JSON']) delete clean[k];
  return spawnSync(process.execPath, [synthScript, ...args], { cwd: root, encoding: 'utf8', env: { ...clean, CDKTF_OUTDIR: outdir, ...env } });
}

/** Every file under `dir` with its sha256, so "left whole" means byte for byte. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function istiodVersion(outdir: string): unknown {
  const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'istio-ambient-new-cluster', 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, { name?: string; version?: string }>> };
  return Object.values(json.resource.helm_release).find((r) => r.name === 'istiod')?.version;
}

describe('npm run synth (scripts/synth.js)', () => {
  let parent: string;
  let outdir: string;
  beforeAll(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-script-'));
    outdir = path.join(parent, 'cdktf.out');
  });
  afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

  test('synthesizes every ready stack into the output directory and lists them', () => {
    const r = runSynth(outdir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Synthesized 3 stacks in \d+ ms into /);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
    expect(Object.keys(manifest.stacks).sort()).toEqual(['istio-ambient-existing-cluster', 'istio-ambient-new-cluster', 'mesh-benchmark']);
    expect(istiodVersion(outdir)).toBe('1.22.8');
    expect(fs.readdirSync(parent)).toEqual(['cdktf.out']);
  });

  test('invalid input: one message on stderr, no stack trace, exit 1, the previous output left whole', () => {
    const before = tree(outdir);
    expect(Object.keys(before)).toContain('manifest.json');
    const r = runSynth(outdir, { ISTIO_VERSION: '9.9.9' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^synth failed: 'ISTIO_VERSION' must be a supported Istio release, got '9\.9\.9' \(supported: 1\.22\.0 … 1\.22\.8\)\n/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(tree(outdir)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['cdktf.out']); // no staging directory left behind
  });

  test('a failure in the middle of app.synth() (after a first stack was written) leaves the previous output whole', () => {
    const before = tree(outdir);
    const r = runSynth(outdir, {}, [path.join(root, 'test', 'fixtures', 'failing-app.ts')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^synth failed: Validation failed with the following errors:\n.*fails-validation.*this stack is invalid on purpose/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(tree(outdir)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['cdktf.out']);
  });

  test('a later valid synth replaces the output as a whole (no file of the old one survives)', () => {
    const stale = path.join(outdir, 'stacks', 'removed-stack', 'cdk.tf.json');
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, '{}');
    const r = runSynth(outdir, { ISTIO_VERSION: '1.22.5' });
    expect(r.status).toBe(0);
    expect(istiodVersion(outdir)).toBe('1.22.5');
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.readdirSync(parent)).toEqual(['cdktf.out']);
  });
});
