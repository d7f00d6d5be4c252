/**
 * Real Helm for the render tests: the official helm v3.17.3 binary that `npm run helm:fetch`
 * (scripts/fetch-helm.js) puts under .cache/helm/. Its template engine is the one hashicorp/helm 3.1.1
 * (the provider our releases use) embeds (helm v3.18.4: pkg/engine is unchanged between the two).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HELM_PATH, HELM_VERSION } = require('../../scripts/fetch-helm.js') as { HELM_PATH: string; HELM_VERSION: string };

/**
 * The helm binary, or why there is none. When it is not in place yet, `scripts/fetch-helm.js` is run
 * once here (so `npm test` on a fresh clone, and CI, need no extra step); offline that fails with its reason.
 */
export function findHelm(): { bin: string; version: string } | string {
  if (!fs.existsSync(HELM_PATH)) {
    const fetched = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'fetch-helm.js')], { encoding: 'utf8', timeout: 300_000 });
    if (fetched.status !== 0 || !fs.existsSync(HELM_PATH)) {
      return `no helm at ${path.relative(process.cwd(), HELM_PATH)}, and 'npm run helm:fetch' failed: ${(fetched.stderr || fetched.stdout || String(fetched.error)).trim().split('\n').pop()}`;
    }
  }
  const r = spawnSync(HELM_PATH, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' });
  if (r.status !== 0 || r.stdout.trim() !== HELM_VERSION) return `${HELM_PATH} does not report ${HELM_VERSION} (${(r.stderr || r.stdout || String(r.error)).trim()})`;
  return { bin: HELM_PATH, version: HELM_VERSION };
}

/** What `helm template` printed: the exit status, stderr, and each rendered template's text by its source path. */
export interface HelmRender {
  readonly status: number | null;
  readonly stderr: string;
  /** `<chart>/templates/<file>` → the documents rendered from it (text, without the `# Source:` line). */
  readonly sources: ReadonlyMap<string, string[]>;
}

/**
 * `helm template <release> <chartDir>` as Terraform's helm provider renders on install: `apiVersions`
 * are what the cluster's discovery returns (Helm's GetVersionSet adds both `group/version` and
 * `group/version/Kind`); without them Helm's built-in default set (core Kubernetes APIs only) is used.
 */
export function helmTemplate(bin: string, release: string, chartDir: string, namespace: string, apiVersions: readonly string[] = []): HelmRender {
  const args = ['template', release, chartDir, '--namespace', namespace, ...apiVersions.flatMap((v) => ['--api-versions', v])];
  const r = spawnSync(bin, args, { encoding: 'utf8', env: helmEnv() });
  const sources = new Map<string, string[]>();
  // `helm template` prints each document as "---\n# Source: <chart>/templates/<file>\n<text>".
  for (const part of r.stdout.split(/^---\n/m).filter((p) => p.trim() !== '')) {
    const m = /^# Source: (\S+)\n([\s\S]*)$/.exec(part);
    if (!m) throw new Error(`unexpected helm output part: ${part.slice(0, 200)}`);
    sources.set(m[1], [...(sources.get(m[1]) ?? []), m[2]]);
  }
  return { status: r.status, stderr: r.stderr, sources };
}

let helmHome: string | undefined;
/** Helm with its own empty home (no user repositories or plugins), no network needed. */
function helmEnv(): NodeJS.ProcessEnv {
  helmHome ??= fs.mkdtempSync(path.join(os.tmpdir(), 'helm-home-'));
  return { PATH: process.env.PATH, HOME: helmHome, HELM_CACHE_HOME: path.join(helmHome, 'cache'), HELM_CONFIG_HOME: path.join(helmHome, 'config'), HELM_DATA_HOME: path.join(helmHome, 'data') };
}

/**
 * Reads YAML documents as Kubernetes' client does, with Go's sigs.k8s.io/yaml (YAML 1.1 scalars:
 * `on` is true, `0o17` is 15): each document is handed to the real helm as a values file (Helm reads
 * values with sigs.k8s.io/yaml too) and printed back by `{{ .Values | toJson }}`. One helm run for all.
 */
export function readAsKubernetes(bin: string, documents: readonly string[]): unknown[] {
  if (documents.length === 0) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-read-'));
  try {
    fs.mkdirSync(path.join(dir, 'chart', 'templates'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: read\nversion: 1.0.0\n');
    // One key per document, its lines indented under it (block YAML stays block YAML when indented).
    const values = documents.map((d, i) => `d${i}:\n${d.replace(/\n+$/, '').split('\n').map((l) => (l === '' ? l : `  ${l}`)).join('\n')}\n`).join('');
    fs.writeFileSync(path.join(dir, 'values.yaml'), values);
    fs.writeFileSync(path.join(dir, 'chart', 'templates', 'read.yaml'),
      documents.map((_d, i) => `{{ index .Values "d${i}" | toJson }}\n`).join(''));
    const r = spawnSync(bin, ['template', 'read', path.join(dir, 'chart'), '-f', path.join(dir, 'values.yaml')], { encoding: 'utf8', env: helmEnv() });
    if (r.status !== 0) throw new Error(`helm could not read the documents: ${r.stderr}`);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{') || l === 'null');
    if (lines.length !== documents.length) throw new Error(`helm printed ${lines.length} documents for ${documents.length}:\n${r.stdout}`);
    return lines.map((l) => JSON.parse(l) as unknown);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
