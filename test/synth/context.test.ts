import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { childEnv, istiodVersion, ROOT } from './helpers';

/**
 * How synth-time choices reach the ready app, as users run it: the exact `cdktf.json` app command,
 * and the real cdktf CLI (0.21, offline). What the README documents under "Synth-time choices".
 */
const root = ROOT;
const cdktfJson = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')) as { app: string; context?: unknown };
const cli = path.join(root, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-context-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the cdktf.json `app` command exactly as the cdktf CLI does (through a shell, in the project directory). */
function runApp(name: string, env: Record<string, string>): string {
  const outdir = path.join(tmp, name);
  const r = spawnSync(cdktfJson.app, { shell: true, cwd: root, encoding: 'utf8', env: childEnv({ ...env, CDKTF_OUTDIR: outdir }) });
  if (r.status !== 0) throw new Error(`app command failed (${r.status}):\n${r.stderr}`);
  return outdir;
}

/** Runs the real `cdktf synth` in `cwd` with extra args, output to a fresh directory. */
function runCli(name: string, cwd: string, args: string[], env: Record<string, string> = {}): string {
  const outdir = path.join(tmp, name);
  const r = spawnSync(process.execPath, [cli, 'synth', '--output', outdir, ...args], { cwd, encoding: 'utf8', env: childEnv({ ...env, CI: 'true' }), timeout: 120_000 });
  if (r.status !== 0) throw new Error(`cdktf synth failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return outdir;
}

describe('the cdktf.json app command', () => {
  test('runs the TypeScript sources without a build or a type-check (no dist/, no tsc)', () => {
    expect(cdktfJson.app).not.toMatch(/\btsc\b|dist\//);
    expect(istiodVersion(runApp('defaults', {}))).toBe('1.22.8');
  });

  test('reads the environment variables of stacks/config.ts, and context (CDKTF_CONTEXT_JSON) wins over them', () => {
    expect(istiodVersion(runApp('env', { ISTIO_VERSION: '1.22.3' }))).toBe('1.22.3');
    expect(istiodVersion(runApp('context-json', { ISTIO_VERSION: '1.22.3', CDKTF_CONTEXT_JSON: JSON.stringify({ istioVersion: '1.22.5' }) }))).toBe('1.22.5');
  });

  test('invalid input: the message alone on stderr (no stack trace), exit 1', () => {
    const r = spawnSync(cdktfJson.app, { shell: true, cwd: root, encoding: 'utf8', env: childEnv({ ISTIO_VERSION: '9.9.9', CDKTF_OUTDIR: path.join(tmp, 'invalid') }) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^'ISTIO_VERSION' must be a supported Istio release, got '9\.9\.9' \(supported: 1\.22\.0 … [^\n]*\)\n$/);
  });
});

describe('the real cdktf CLI (0.21)', () => {
  // cdktf-cli copies cdktf.json's `context` into CDKTF_CONTEXT_JSON, replacing the caller's value
  // (even an empty `{}` does), so this project's cdktf.json has no `context` key.
  test('cdktf.json has no context key, so CDKTF_CONTEXT_JSON from the environment reaches the app', () => {
    expect(cdktfJson).not.toHaveProperty('context');
  });

  test('`-c key=value` is not an option of `cdktf synth` and is silently ignored; CDKTF_CONTEXT_JSON works', () => {
    const out = runCli('cli-c', root, ['-c', 'istioVersion=1.22.3'], { CDKTF_CONTEXT_JSON: JSON.stringify({ istioVersion: '1.22.5' }) });
    expect(istiodVersion(out)).toBe('1.22.5');
  }, 150_000);

  test('`context` in cdktf.json reaches the app, and replaces CDKTF_CONTEXT_JSON as a whole', () => {
    const project = path.join(tmp, 'project-with-context');
    fs.mkdirSync(project);
    const app = `node --require ${JSON.stringify(path.join(root, 'scripts', 'ts-register.js'))} ${JSON.stringify(path.join(root, 'stacks', 'main.ts'))}`;
    fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify({ language: 'typescript', app, context: { istioVersion: '1.22.3' } }));
    const out = runCli('cli-cdktf-json', project, [], { CDKTF_CONTEXT_JSON: JSON.stringify({ istioVersion: '1.22.5' }) });
    expect(istiodVersion(out)).toBe('1.22.3');
  }, 150_000);

  test('plain `cdktf synth` (the CLI\'s relative `cdktf.out`) writes every stack and its generated charts', () => {
    const project = path.join(tmp, 'project-default-output');
    fs.mkdirSync(project);
    const app = `node --require ${JSON.stringify(path.join(root, 'scripts', 'ts-register.js'))} ${JSON.stringify(path.join(root, 'stacks', 'main.ts'))}`;
    fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify({ language: 'typescript', app }));
    const r = spawnSync(process.execPath, [cli, 'synth'], { cwd: project, encoding: 'utf8', env: childEnv({ CI: 'true' }), timeout: 120_000 });
    if (r.status !== 0) throw new Error(`cdktf synth failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    const out = path.join(project, 'cdktf.out', 'stacks');
    for (const stack of fs.readdirSync(out)) {
      const json = JSON.parse(fs.readFileSync(path.join(out, stack, 'cdk.tf.json'), 'utf8')) as { resource: { helm_release: Record<string, { chart: string; repository?: string }> } };
      const generated = Object.values(json.resource.helm_release).filter((rel) => rel.repository === undefined);
      expect(generated.length).toBeGreaterThan(0);
      for (const rel of generated) expect([stack, fs.existsSync(path.join(out, stack, rel.chart, 'Chart.yaml'))]).toEqual([stack, true]);
    }
  }, 150_000);

  test('no README line, example, stack or library comment tells users to pass context with `cdktf … -c key=value`', () => {
    const offenders: string[] = [];
    const scan = (file: string): void => {
      fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        // The README's own warning ("not `npx cdktf synth -c key=value`") is the one allowed mention.
        if (/\bcdktf (synth|deploy|diff|plan|watch)\b[^\n]*\s(-c|--context)[\s=]+\S+=/.test(line) && !/\bnot `npx cdktf synth -c/.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    };
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|md)$/.test(e.name)) scan(p);
      }
    };
    scan(path.join(root, 'README.md'));
    for (const d of ['examples', 'stacks', 'lib']) walk(path.join(root, d));
    expect(offenders).toEqual([]);
  });
});
