import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { childEnv, fileHashes, manifestStacks, READY_STACKS, ROOT } from './helpers';

const root = ROOT;
const register = path.join(root, 'scripts', 'ts-register.js');

/** Runs `node <args…>` (the ready app) into a fresh output directory. */
function synth(args: string[], keep?: (outdir: string) => void) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-register-'));
  try {
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: childEnv({ CDKTF_OUTDIR: outdir, TS_REGISTER_DEBUG: '1' }) });
    keep?.(outdir);
    return { status: r.status, stderr: r.stderr, stacks: manifestStacks(outdir) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
const fromSources = (preload: string[], keep?: (outdir: string) => void) => synth([...preload.flatMap((p) => ['--require', p]), path.join(root, 'stacks', 'main.ts')], keep);

describe('scripts/ts-register.js', () => {
  const all = READY_STACKS;

  test('runs the ready app from its TypeScript sources with @swc/core', () => {
    expect(fromSources([register])).toEqual({ status: 0, stderr: '', stacks: all });
  });

  test('falls back to TypeScript transpileModule when @swc/core cannot be loaded', () => {
    const r = fromSources([path.join(root, 'test', 'fixtures', 'no-swc.js'), register]);
    expect(r.stderr).toMatch(/^ts-register: @swc\/core unavailable \(Cannot find module '@swc\/core'.*\); using typescript\n$/);
    expect(r.status).toBe(0);
    expect(r.stacks).toEqual(all);
  });

  test('writes byte for byte the Terraform JSON and assets of the tsc build (dist/, built by npm test)', () => {
    const built = path.join(root, 'dist', 'stacks', 'main.js');
    if (!fs.existsSync(built)) throw new Error('dist/stacks/main.js is missing: run npm run build first (npm test does)');
    let viaTsc: Record<string, string> = {};
    let viaSwc: Record<string, string> = {};
    expect(synth([built], (d) => { viaTsc = fileHashes(d, ['manifest.json']); }).status).toBe(0);
    expect(fromSources([register], (d) => { viaSwc = fileHashes(d, ['manifest.json']); }).status).toBe(0);
    expect(Object.keys(viaTsc).filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(3);
    expect(viaSwc).toEqual(viaTsc);
  });
});
