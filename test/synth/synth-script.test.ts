import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { childEnv, fileHashes, istiodVersion, manifestStacks, READY_STACKS, ROOT } from './helpers';

const root = ROOT;
const synthScript = path.join(root, 'scripts', 'synth.js');

/** Runs `npm run synth`'s script as a child process, as a user does (minus npm). */
function runSynth(outdir: string, env: Record<string, string> = {}, args: string[] = []) {
  return spawnSync(process.execPath, [synthScript, ...args], { cwd: root, encoding: 'utf8', env: childEnv({ CDKTF_OUTDIR: outdir, ...env }) });
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
    expect(manifestStacks(outdir)).toEqual(READY_STACKS);
    expect(istiodVersion(outdir)).toBe('1.22.8');
    expect(fs.readdirSync(parent)).toEqual(['cdktf.out']);
  });

  test('invalid input: one message on stderr, no stack trace, exit 1, the previous output left whole', () => {
    const before = fileHashes(outdir);
    expect(Object.keys(before)).toContain('manifest.json');
    const r = runSynth(outdir, { ISTIO_VERSION: '9.9.9' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^synth failed: 'ISTIO_VERSION' must be a supported Istio release, got '9\.9\.9' \(supported: 1\.22\.0 … [^\n]*\)\n\(nothing written; (.*)\/ is unchanged\)\n$/);
    expect(r.stderr).toContain(`(nothing written; ${outdir}/ is unchanged)`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fileHashes(outdir)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['cdktf.out']); // no staging directory left behind
  });

  test('a failure in the middle of app.synth() (after a first stack was written) leaves the previous output whole', () => {
    const before = fileHashes(outdir);
    const r = runSynth(outdir, {}, [path.join(root, 'test', 'fixtures', 'failing-app.ts')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^synth failed: Validation failed with the following errors:\n.*fails-validation.*this stack is invalid on purpose/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fileHashes(outdir)).toEqual(before);
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
