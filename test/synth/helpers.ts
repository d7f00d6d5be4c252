/** Shared by the tests that run the ready app as a child process (test/synth/*.test.ts). */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const READY_STACKS = ['istio-ambient-existing-cluster', 'istio-ambient-new-cluster', 'mesh-benchmark'];

/**
 * The test process's environment without the ready app's inputs (stacks/config.ts), context,
 * output directory and NODE_OPTIONS, plus `env`: a child sees only what the test gives it.
 */
export function childEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1' };
  for (const k of ['ISTIO_VERSION', 'KUBERNETES_VERSION', 'ALLOW_UNSUPPORTED_KUBERNETES_VERSION', 'CDKTF_CONTEXT_JSON', 'CDKTF_OUTDIR', 'NODE_OPTIONS']) delete e[k];
  return { ...e, ...env };
}

/** Every file under `dir` (relative path → sha256), except the relative paths in `except`. */
export function fileHashes(dir: string, except: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!except.includes(path.relative(dir, p))) out[path.relative(dir, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** The stacks listed in `<outdir>/manifest.json`, sorted; [] when there is none. */
export function manifestStacks(outdir: string): string[] {
  const file = path.join(outdir, 'manifest.json');
  return fs.existsSync(file) ? Object.keys((JSON.parse(fs.readFileSync(file, 'utf8')) as { stacks: object }).stacks).sort() : [];
}

/** The istiod chart version the new-cluster stack pins, read from the synthesized JSON. */
export function istiodVersion(outdir: string): unknown {
  const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'istio-ambient-new-cluster', 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, { name?: string; version?: string }>> };
  return Object.values(json.resource.helm_release).find((r) => r.name === 'istiod')?.version;
}
