/**
 * Runs the real `terraform` CLI offline: providers only from a filesystem mirror (no registry, no
 * network), all state and data in a private temporary directory.
 */
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Where the AWS provider mirror is looked for (override with TF_PLUGIN_MIRROR). */
export const DEFAULT_MIRROR = '/opt/tf-plugins';
const AWS_IN_MIRROR = 'registry.terraform.io/hashicorp/aws';

export interface OfflineTerraform {
  readonly binary: string;
  readonly version: string;
  readonly mirror: string;
  readonly awsVersion: string;
}

/** Finds terraform and an AWS provider in the mirror, or says why not. */
export function findOfflineTerraform(): OfflineTerraform | string {
  const binary = process.env.TERRAFORM_BINARY ?? 'terraform';
  const probe = spawnSync(binary, ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (probe.error || probe.status !== 0) return `'${binary}' is not on PATH (${probe.error?.message ?? probe.stderr.trim()})`;
  const version = (JSON.parse(probe.stdout) as { terraform_version: string }).terraform_version;
  const mirror = process.env.TF_PLUGIN_MIRROR ?? DEFAULT_MIRROR;
  const awsDir = path.join(mirror, AWS_IN_MIRROR);
  const versions = fs.existsSync(awsDir) ? fs.readdirSync(awsDir).filter((v) => /^\d+\.\d+\.\d+$/.test(v)) : [];
  if (versions.length === 0) return `no hashicorp/aws provider in the plugin mirror ${awsDir} (set TF_PLUGIN_MIRROR)`;
  const awsVersion = versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1)!;
  return { binary, version, mirror, awsVersion };
}

export interface ValidateResult {
  readonly name: string;
  readonly valid: boolean;
  /** Error and warning diagnostics, one line each: `severity: summary: detail (file:line)`. */
  readonly diagnostics: string[];
  readonly seconds: number;
}

function run(binary: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
  range?: { filename: string; start: { line: number } };
}

function formatDiagnostic(d: Diagnostic): string {
  const where = d.range ? ` (${d.range.filename}:${d.range.start.line})` : '';
  return `${d.severity}: ${d.summary}${d.detail ? `: ${d.detail}` : ''}${where}`;
}

/**
 * A workspace for offline runs: a CLI config that installs providers only from the mirror, a plugin
 * cache shared by all configurations, and one directory per configuration. `dispose()` removes it.
 */
export class OfflineWorkspace {
  public readonly root: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly tf: OfflineTerraform) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-validate-'));
    const cliConfig = path.join(this.root, 'terraformrc');
    fs.writeFileSync(cliConfig, [
      'provider_installation {',
      `  filesystem_mirror {`,
      `    path = ${JSON.stringify(tf.mirror)}`,
      '  }',
      '}',
      '',
    ].join('\n'));
    const cache = path.join(this.root, 'plugin-cache');
    fs.mkdirSync(cache);
    this.env = {
      PATH: process.env.PATH,
      HOME: this.root,
      TMPDIR: os.tmpdir(),
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_PLUGIN_CACHE_DIR: cache,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
    };
  }

  /**
   * Validates several configurations with one `terraform init` and one `terraform validate`: each is
   * a child module of one root, so the AWS provider schema (the slow part) loads once. Diagnostics
   * are attributed to a configuration by their file name; those without a file go to every one.
   */
  async validateAll(configs: readonly { name: string; config: object }[]): Promise<Map<string, ValidateResult>> {
    const started = process.hrtime.bigint();
    const root = path.join(this.root, 'all');
    const modules: Record<string, { source: string }> = {};
    for (const { name, config } of configs) {
      const dir = path.join(root, name);
      fs.mkdirSync(dir, { recursive: true });
      // A child module may not configure a backend; -backend=false ignores it in a root anyway.
      const { terraform, ...rest } = config as { terraform?: Record<string, unknown> };
      const { backend: _backend, ...terraformRest } = terraform ?? {};
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ ...rest, terraform: terraformRest }, null, 2));
      modules[name] = { source: `./${name}` };
    }
    fs.writeFileSync(path.join(root, 'main.tf.json'), JSON.stringify({ module: modules }, null, 2));
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const results = new Map<string, ValidateResult>();
    const all = (valid: boolean, diagnostics: string[]) => {
      for (const { name } of configs) results.set(name, { name, valid, diagnostics, seconds: seconds() });
      return results;
    };
    const init = await run(this.tf.binary, ['init', '-backend=false', '-input=false', '-no-color'], root, this.env);
    if (init.code !== 0) return all(false, [`error: terraform init failed: ${(init.stderr || init.stdout).trim()}`]);
    const validate = await run(this.tf.binary, ['validate', '-json', '-no-color'], root, this.env);
    let parsed: { valid: boolean; diagnostics: Diagnostic[] };
    try {
      parsed = JSON.parse(validate.stdout) as { valid: boolean; diagnostics: Diagnostic[] };
    } catch {
      return all(false, [`error: terraform validate printed no JSON: ${validate.stderr.trim()}`]);
    }
    for (const { name } of configs) {
      const mine = parsed.diagnostics.filter((d) => !d.range || d.range.filename.split(/[\\/]/)[0] === name);
      const diagnostics = mine.map(formatDiagnostic);
      results.set(name, { name, valid: !mine.some((d) => d.severity === 'error'), diagnostics, seconds: seconds() });
    }
    return results;
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
