import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Token } from 'cdktf';
import { stringify } from 'yaml';
import { IstioResource } from '../istio/resources';
import { invalid } from './errors';

/** Files of a generated chart: relative path → content. */
export type ChartFiles = Record<string, string>;

function templateFileName(r: IstioResource): string {
  return `templates/${r.kind.toLowerCase()}-${r.metadata.namespace}-${r.metadata.name}.yaml`;
}

/**
 * Renders resources into the files of a Helm chart (apiVersion v2). Templates are plain YAML; any
 * `{{` in a value would be read by Helm as a template action, so it is rejected. `checks` are
 * library-written templates (Helm actions allowed) that render nothing or `fail` at install time.
 */
export function renderChart(name: string, description: string, resources: readonly IstioResource[], checks: ChartFiles = {}): ChartFiles {
  const files: ChartFiles = {
    'Chart.yaml': stringify({ apiVersion: 'v2', name, description, type: 'application', version: '1.0.0' }),
  };
  for (const [file, text] of Object.entries(checks)) files[`templates/${file}`] = text;
  for (const r of resources) {
    const file = templateFileName(r);
    if (files[file] !== undefined) throw invalid('resources', 'must not contain two resources with the same kind, namespace and name', `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`);
    const text = stringify(r, { lineWidth: 0 });
    if (text.includes('{{')) throw invalid('resources', "must not contain '{{' (Helm would parse it as a template)", `${r.kind} ${r.metadata.name}`);
    if (Token.isUnresolved(text)) {
      throw invalid('resources', 'must not contain Terraform tokens (variables, references): the chart is written at synth, before Terraform knows them', `${r.kind} ${r.metadata.name}`);
    }
    files[file] = text;
  }
  return files;
}

/**
 * Writes chart files into a content-addressed directory under the OS temp dir and returns its path.
 * The same content always lands in the same directory, so repeated synths do not pile up copies;
 * cdktf's TerraformAsset then copies it into `cdktf.out`.
 */
export function writeChart(files: ChartFiles): string {
  const hash = createHash('sha256');
  for (const f of Object.keys(files).sort()) hash.update(f).update('\0').update(files[f]).update('\0');
  const dir = path.join(os.tmpdir(), 'cdktf-istio-mesh-charts', hash.digest('hex').slice(0, 32));
  if (fs.existsSync(dir)) return dir;
  // Write to a private directory, then rename: concurrent synths (e.g. parallel test workers) never see a half-written chart.
  const staging = `${dir}.${process.pid}.${Date.now()}`;
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(staging, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  try {
    fs.renameSync(staging, dir);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(dir)) throw e;
  }
  return dir;
}
