import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'cdktf';
import { IstioResource, KubernetesObject } from '../istio/resources';
import { invalid } from './errors';
import { kubeYaml } from './kube-yaml';

/** Files of a generated chart: relative path → content. */
export type ChartFiles = Readonly<Record<string, string>>;

// Kubernetes' own rules (k8s.io/apimachinery/pkg/util/validation, apiextensions CRD name validation).
/** DNS-1123 subdomain: object names of custom resources, API groups, Helm chart names. At most 253 characters. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** DNS-1123 label: namespaces. At most 63 characters. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A CRD kind lowercased must be a DNS-1035 label (starts with a letter). At most 63 characters. */
const KIND = /^[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?$/;
/** API version: `<group>/<version>` (custom resources always have a group); version is a DNS-1035 label. */
const VERSION = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function subdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** The parts of a resource's identity, validated as Kubernetes requires; throws the library's error otherwise. */
function checkIdentity(prop: string, r: IstioResource): { group: string; kind: string; namespace: string; name: string } {
  const apiVersion = String(r.apiVersion);
  const slash = apiVersion.indexOf('/');
  const group = apiVersion.slice(0, Math.max(slash, 0));
  const version = apiVersion.slice(slash + 1);
  if (slash <= 0 || !subdomain(group) || version.length > 63 || !VERSION.test(version)) {
    throw invalid(`${prop}.apiVersion`, 'must be <group>/<version> of a custom resource (group a DNS-1123 subdomain, version a DNS-1035 label)', r.apiVersion, "e.g. 'security.istio.io/v1'");
  }
  const kind = String(r.kind);
  if (kind.length > 63 || !KIND.test(kind)) {
    throw invalid(`${prop}.kind`, 'must be a Kubernetes kind (a letter, then letters, digits or \'-\', at most 63 characters)', r.kind, "e.g. 'AuthorizationPolicy'");
  }
  const name = String(r.metadata.name);
  if (!subdomain(name)) {
    throw invalid(`${prop}.metadata.name`, 'must be a DNS-1123 subdomain', r.metadata.name,
      "lowercase letters, digits, '-' and '.', at most 253 characters, starting and ending with a letter or digit");
  }
  const namespace = String(r.metadata.namespace);
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    throw invalid(`${prop}.metadata.namespace`, 'must be a DNS-1123 label', r.metadata.namespace,
      "lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit");
  }
  return { group, kind: kind.toLowerCase(), namespace, name };
}

/**
 * The identity of a plain Kubernetes object (a revision tag's MutatingWebhookConfiguration or
 * Service): like {@link checkIdentity}, but the core group is allowed (`v1`, group ``) and
 * cluster-scoped kinds have no namespace (an empty namespace part in the file name).
 */
function checkObjectIdentity(prop: string, r: KubernetesObject): { group: string; kind: string; namespace: string; name: string } {
  const apiVersion = String(r.apiVersion);
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  if (slash === 0 || (group !== '' && !subdomain(group)) || version.length > 63 || !VERSION.test(version)) {
    throw invalid(`${prop}.apiVersion`, 'must be [<group>/]<version> (group a DNS-1123 subdomain, version a DNS-1035 label)', r.apiVersion, "e.g. 'v1' or 'admissionregistration.k8s.io/v1'");
  }
  const kind = String(r.kind);
  if (kind.length > 63 || !KIND.test(kind)) throw invalid(`${prop}.kind`, 'must be a Kubernetes kind', r.kind);
  const name = String(r.metadata.name);
  if (!subdomain(name)) throw invalid(`${prop}.metadata.name`, 'must be a DNS-1123 subdomain', r.metadata.name);
  const namespace = r.metadata.namespace === undefined ? '' : String(r.metadata.namespace);
  if (namespace !== '' && (namespace.length > 63 || !DNS1123_LABEL.test(namespace))) {
    throw invalid(`${prop}.metadata.namespace`, 'must be a DNS-1123 label', r.metadata.namespace);
  }
  return { group, kind: kind.toLowerCase(), namespace, name };
}

/**
 * The template file of a resource: `templates/<kind>.<group>_<namespace>_<name>.yaml`. No part
 * can contain `_` or `/`, so distinct resources never share a file, and a kind starts with a letter,
 * so the name never starts with `_` (Helm skips such files as partials). Names that would pass 200
 * characters are cut and end in a hash of the full identity.
 */
function templateFileName(id: { group: string; kind: string; namespace: string; name: string }): string {
  const base = `${id.kind}.${id.group}_${id.namespace}_${id.name}`;
  if (base.length <= 200) return `templates/${base}.yaml`;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 16);
  return `templates/${base.slice(0, 180)}~${hash}.yaml`;
}

/**
 * Checks resources for a generated chart, before anything is built from them: identity as
 * Kubernetes requires, no two resources with one identity (also against `alreadyInChart`), and no
 * `{{` (Helm would parse it as a template action). `prop` names the list in errors.
 */
export function checkChartResources(prop: string, resources: readonly IstioResource[], alreadyInChart: readonly IstioResource[] = []): void {
  const seen = new Map(alreadyInChart.map((r, i) => [templateFileName(checkIdentity(`(built-in ${i})`, r)), `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`]));
  resources.forEach((r, i) => {
    const file = templateFileName(checkIdentity(`${prop}[${i}]`, r));
    const label = `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`;
    if (seen.has(file)) throw invalid(prop, 'must not contain two resources with the same API group, kind, namespace and name', label);
    seen.set(file, label);
    const text = kubeYaml(r);
    if (text.includes('{{')) throw invalid(`${prop}[${i}]`, "must not contain '{{' (Helm would parse it as a template)", label);
    if (Token.isUnresolved(text)) {
      throw invalid(`${prop}[${i}]`, 'must not contain Terraform tokens (variables, references): the chart is written at synth, before Terraform knows them', label);
    }
  });
}

/**
 * Renders resources into the files of a Helm chart (apiVersion v2) with plain-YAML templates; plain
 * Kubernetes objects (`objects`, e.g. a revision tag's webhook and Service) go beside them, checked
 * the same way (identity, no duplicate across both lists, no `{{`). `checks` are library-written
 * templates (Helm actions allowed) that render nothing or `fail` at install time (e.g. a
 * prerequisite CRD is missing); their file names start with `check-`.
 */
export function renderChart(
  name: string, description: string, resources: readonly IstioResource[], prop = 'resources', objects: readonly KubernetesObject[] = [], objectsProp = 'kubernetesObjects',
  checks: ChartFiles = {},
): ChartFiles {
  if (name.length > 53 || !subdomain(name)) throw invalid('releaseName', 'must be a Helm release name (a DNS-1123 subdomain of at most 53 characters)', name);
  checkChartResources(prop, resources);
  const files: Record<string, string> = {
    'Chart.yaml': kubeYaml({ apiVersion: 'v2', name, description, type: 'application', version: '1.0.0' }, 80),
  };
  for (const [file, text] of Object.entries(checks)) {
    if (!/^check-[a-z0-9-]+\.yaml$/.test(file)) throw invalid('installChecks', "must name files 'check-<name>.yaml'", file);
    files[`templates/${file}`] = text;
  }
  resources.forEach((r, i) => {
    files[templateFileName(checkIdentity(`${prop}[${i}]`, r))] = kubeYaml(r);
  });
  objects.forEach((o, i) => {
    const file = templateFileName(checkObjectIdentity(`${objectsProp}[${i}]`, o));
    const label = `${o.kind} ${o.metadata.namespace ?? '(cluster)'}/${o.metadata.name}`;
    if (files[file] !== undefined) throw invalid(objectsProp, 'must not contain two objects with the same API group, kind, namespace and name', label);
    const text = kubeYaml(o);
    if (text.includes('{{')) throw invalid(`${objectsProp}[${i}]`, "must not contain '{{' (Helm would parse it as a template)", label);
    files[file] = text;
  });
  return files;
}

/**
 * `s` as a Go template string literal, for library-written checks (`{{- fail <literal> }}`): Go's
 * text/template unquotes it with strconv.Unquote, whose escapes include every one JSON.stringify writes,
 * except a lone UTF-16 surrogate (`\ud800`: not a valid rune in Go), which is refused.
 */
export function goStringLiteral(prop: string, s: string): string {
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) {
    throw invalid(prop, 'must not contain a lone UTF-16 surrogate (a Go template cannot hold it)', JSON.stringify(s));
  }
  return JSON.stringify(s);
}

/** A short content hash of chart files: the chart's directory name, so a content change is a Terraform change. */
export function chartHash(files: ChartFiles): string {
  const hash = createHash('sha256');
  for (const f of Object.keys(files).sort()) hash.update(f).update('\0').update(files[f]).update('\0');
  return hash.digest('hex').slice(0, 32);
}

/**
 * Writes the chart to `target` (in the synthesized output) all at once: into a fresh private
 * directory beside it (mkdtemp, mode 0700), then renamed into place, replacing every previous version
 * under `target`'s parent. On any failure the staging directory is removed and `target` is absent.
 */
export function writeChartDir(target: string, files: ChartFiles): void {
  // Absolute from here on: the cdktf CLI hands the app a relative outdir, and the containment check
  // below compares resolved paths.
  target = path.resolve(target);
  const versions = path.dirname(target);
  const assets = path.dirname(versions);
  fs.mkdirSync(assets, { recursive: true });
  const staging = fs.mkdtempSync(path.join(assets, '.chart-staging-'));
  try {
    for (const [rel, content] of Object.entries(files)) {
      const file = path.resolve(staging, rel);
      if (!file.startsWith(staging + path.sep)) throw new Error(`chart file '${rel}' would be written outside the chart`);
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
    }
    fs.rmSync(versions, { recursive: true, force: true });
    fs.mkdirSync(versions, { recursive: true });
    fs.renameSync(staging, target);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
