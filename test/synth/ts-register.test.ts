import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const register = path.join(root, 'scripts', 'ts-register.js');

/** Every file under `dir` but manifest.json (whose annotations carry stack traces with file paths), with its content. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (path.relative(dir, p) !== 'manifest.json') out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Runs `node <args…>` (the ready app) into a fresh output directory. */
function synth(args: string[], keep?: (outdir: string) => void) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-register-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, TS_REGISTER_DEBUG: '1' };
    for (const k of ['ISTIO_VERSION', 'KUBERNETES_VERSION', 'ALLOW_UNSUPPORTED_KUBERNETES_VERSION', 'CDKTF_CONTEXT_JSON', 'NODE_OPTIONS']) delete env[k];
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env });
    const stacks = fs.existsSync(path.join(outdir, 'manifest.json'))
      ? Object.keys((JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: object }).stacks).sort()
      : [];
    keep?.(outdir);
    return { status: r.status, stderr: r.stderr, stacks };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
const fromSources = (preload: string[], keep?: (outdir: string) => void) => synth([...preload.flatMap((p) => ['--require', p]), path.join(root, 'stacks', 'main.ts')], keep);

describe('scripts/ts-register.js', () => {
  const all = ['istio-ambient-existing-cluster', 'istio-ambient-new-cluster', 'mesh-benchmark'];

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
    expect(synth([built], (d) => { viaTsc = files(d); }).status).toBe(0);
    expect(fromSources([register], (d) => { viaSwc = files(d); }).status).toBe(0);
    expect(Object.keys(viaTsc).filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(3);
    expect(viaSwc).toEqual(viaTsc);
  });
});
