import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const register = path.join(root, 'scripts', 'ts-register.js');

function synth(preload: string[]) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-register-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, TS_REGISTER_DEBUG: '1' };
    for (const k of ['ISTIO_VERSION', 'KUBERNETES_VERSION', 'ALLOW_UNSUPPORTED_KUBERNETES_VERSION', 'CDKTF_CONTEXT_JSON', 'NODE_OPTIONS']) delete env[k];
    const r = spawnSync(process.execPath, [...preload.flatMap((p) => ['--require', p]), path.join(root, 'stacks', 'main.ts')], { cwd: root, encoding: 'utf8', env });
    const stacks = fs.existsSync(path.join(outdir, 'manifest.json'))
      ? Object.keys((JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: object }).stacks).sort()
      : [];
    return { status: r.status, stderr: r.stderr, stacks };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('scripts/ts-register.js', () => {
  const all = ['istio-ambient-existing-cluster', 'istio-ambient-new-cluster', 'mesh-benchmark'];

  test('runs the ready app from its TypeScript sources with @swc/core', () => {
    expect(synth([register])).toEqual({ status: 0, stderr: '', stacks: all });
  });

  test('falls back to TypeScript transpileModule when @swc/core cannot be loaded', () => {
    const r = synth([path.join(root, 'test', 'fixtures', 'no-swc.js'), register]);
    expect(r.stderr).toMatch(/^ts-register: @swc\/core unavailable \(Cannot find module '@swc\/core'.*\); using typescript\n$/);
    expect(r.status).toBe(0);
    expect(r.stacks).toEqual(all);
  });
});
