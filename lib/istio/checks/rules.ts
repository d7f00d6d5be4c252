import { IConstruct } from 'constructs';
import { apiVersionVerdict } from '../../catalog/istio-apis';
import { ZTUNNEL_ACTIONS, ZtunnelFieldClass, ztunnelFindings } from '../../catalog/ztunnel-authorization';
import { DATAPLANE_MODE_AMBIENT, DATAPLANE_MODE_LABEL, INJECTION_LABEL, ISTIO_SYSTEM_NAMESPACE, REVISION_LABEL } from '../../wire/istio';
import { CheckId } from './check-registry';
import { unreadValues } from './chart-keys';
import { findChart } from './chart-source';
import { ISTIO_CHART_REPOSITORY, ISTIO_OCI_CHART_REPOSITORY } from '../../catalog/istio-versions';
import { RETIRED_CHART_REPOSITORIES } from '../../private/istio-release';
import { IstioChart } from '../../private/istio-chart-values';
import { re2Problem } from './re2';
import { ResourceSite, StackModel, minorsOf } from './stack-model';
import { isPlainObject as isObj } from '../../private/props';

/** One precheck result, reported on `owner`. */
export interface Finding {
  readonly id: CheckId;
  readonly owner: IConstruct;
  readonly message: string;
}

type Obj = Record<string, unknown>;
function ref(site: ResourceSite): string {
  const m = site.resource.metadata;
  return `${site.resource.kind} ${m.namespace}/${m.name}`;
}
/** Labels of each namespace, merged over every place the stack sets them, plus the meshes' ambient namespaces. */
export function namespaceLabels(model: StackModel): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const site of model.namespaceLabels) out.set(site.namespace, { ...out.get(site.namespace), ...site.labels });
  return out;
}

function sidecarInjected(labels: Record<string, string> | undefined): boolean {
  // The injector's namespace selectors (istiod chart, mutatingwebhook templates): `istio-injection=enabled`,
  // or `istio.io/rev=<rev|tag>` with NO `istio-injection` label. `istio-injection=disabled` beside a
  // revision label (what IstioCanaryRevision writes on ambient namespaces) turns injection off.
  if (labels === undefined) return false;
  const injection = labels[INJECTION_LABEL];
  return injection === 'enabled' || (injection === undefined && labels[REVISION_LABEL] !== undefined);
}

function hasTargetRefs(spec: Obj): boolean {
  return (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0) || isObj(spec.targetRef);
}

/** CIM-1001/1002/1003: AuthorizationPolicies enforced by ztunnel (no targetRefs, in a namespace not known to be sidecar-only). */
export function checkZtunnelPolicies(model: StackModel): Finding[] {
  const labels = namespaceLabels(model);
  const out: Finding[] = [];
  for (const site of model.resources) {
    const { resource } = site;
    if (resource.kind !== 'AuthorizationPolicy' || !resource.apiVersion.startsWith('security.istio.io/')) continue;
    if (hasTargetRefs(resource.spec)) continue;
    const ns = labels.get(resource.metadata.namespace);
    if (sidecarInjected(ns) && ns?.[DATAPLANE_MODE_LABEL] !== DATAPLANE_MODE_AMBIENT) continue; // sidecars enforce L7
    for (const minor of minorsOf(site)) {
      const action = String(resource.spec.action ?? 'ALLOW');
      if (!ZTUNNEL_ACTIONS.includes(action)) {
        out.push({ id: CheckId.ZTUNNEL_UNSUPPORTED_ACTION, owner: site.owner, message: `${ref(site)} has action ${action}, which ztunnel does not support: Istio ${minor} skips the whole policy for ztunnel, so it is not enforced at all.` });
        continue;
      }
      const rules = resource.spec.rules as unknown[] | undefined;
      const byRule = new Map<number, ReturnType<typeof ztunnelFindings>>();
      for (const f of ztunnelFindings(minor, rules)) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
      for (const [i, findings] of byRule) {
        const quoted = `rules[${i}] = ${JSON.stringify(rules![i])}`;
        const l7 = findings.filter((f) => f.cls === ZtunnelFieldClass.L7);
        const ignored = findings.filter((f) => f.cls === ZtunnelFieldClass.IGNORED);
        if (l7.length > 0) {
          const effect = action === 'ALLOW'
            ? 'ztunnel drops this ALLOW rule (a policy whose ALLOW rules are all dropped denies everything it selects)'
            : 'ztunnel enforces this DENY rule without its L7 part, so it denies more than written';
          out.push({ id: CheckId.ZTUNNEL_L7_ATTRIBUTE, owner: site.owner, message: `${ref(site)} ${quoted} uses L7 attributes (${l7.map((f) => `${f.path}${f.path.endsWith('.key') ? ` '${f.field}'` : ''}`).join(', ')}) but no targetRefs: ${effect}.` });
        }
        if (ignored.length > 0) {
          out.push({ id: CheckId.ZTUNNEL_IGNORED_FIELD, owner: site.owner, message: `${ref(site)} ${quoted}: Istio ${minor}'s ztunnel ignores ${ignored.map((f) => f.path).join(', ')} without a report, so the rule matches as if it were absent${action === 'ALLOW' ? ' (it allows more than written)' : ''}.` });
        }
      }
    }
  }
  return out;
}

/** Every regex in an Istio or Gateway API match: `regex` string fields, and Gateway API `type: RegularExpression` matches. */
export function regexesIn(value: unknown, path = '', out: { path: string; regex: string }[] = []): { path: string; regex: string }[] {
  if (Array.isArray(value)) value.forEach((v, i) => regexesIn(v, `${path}[${i}]`, out));
  else if (isObj(value)) {
    if (value.type === 'RegularExpression' && typeof value.value === 'string') out.push({ path: `${path}.value`, regex: value.value });
    for (const [k, v] of Object.entries(value)) {
      if (k === 'regex' && typeof v === 'string') out.push({ path: `${path}.regex`, regex: v });
      else regexesIn(v, path ? `${path}.${k}` : k, out);
    }
  }
  return out;
}

/** CIM-2001: regexes RE2 rejects. */
export function checkRegexes(model: StackModel): Finding[] {
  const out: Finding[] = [];
  for (const site of model.resources) {
    for (const { path, regex } of regexesIn(site.resource.spec, 'spec')) {
      const problem = re2Problem(regex);
      if (problem) out.push({ id: CheckId.INVALID_RE2_REGEX, owner: site.owner, message: `${ref(site)} ${path} = ${JSON.stringify(regex)} is rejected: ${problem}.` });
    }
  }
  return out;
}

/** CIM-3001/3002: apiVersions per the installed minor. */
export function checkApiVersions(model: StackModel): Finding[] {
  const out: Finding[] = [];
  for (const site of model.resources) {
    const { apiVersion, kind } = site.resource;
    for (const minor of minorsOf(site)) {
      const v = apiVersionVerdict(minor, apiVersion, kind);
      if (v.status === 'not-served') {
        // During a canary the CRDs are already the canary's (base moves first); an older minor in play
        // still runs its istiod, which neither serves nor acts on the resource.
        const canary = minorsOf(site).length > 1 ? ` (its istiod still runs during the canary upgrade and ignores it; the CRDs may already be the canary's)` : '';
        out.push({ id: CheckId.API_VERSION_NOT_SERVED, owner: site.owner, message: `${ref(site)} uses ${apiVersion}, which Istio ${minor} does not serve (served: ${v.served.join(', ') || 'none, the kind is newer'})${canary}.` });
      } else if (v.status === 'superseded') {
        out.push({ id: CheckId.API_VERSION_DEPRECATED, owner: site.owner, message: `${ref(site)} uses ${apiVersion}; ${v.stable} is the stable version at Istio ${minor}.` });
      } else if (v.status === 'alpha-only') {
        out.push({ id: CheckId.API_VERSION_DEPRECATED, owner: site.owner, message: `${ref(site)} uses ${apiVersion}, an alpha API (${kind} has no stable version at Istio ${minor}).` });
      }
    }
  }
  return out;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** CIM-4001/4002: selectors and targetRefs that match nothing the stack declares. */
export function checkReferences(model: StackModel): Finding[] {
  const out: Finding[] = [];
  const gateways = new Set(model.resources.filter((s) => s.resource.kind === 'Gateway' && s.resource.apiVersion.startsWith('gateway.networking.k8s.io/'))
    .map((s) => `${s.resource.metadata.namespace}/${s.resource.metadata.name}`));
  for (const site of model.resources) {
    const { spec, metadata } = site.resource;
    const selector = isObj(spec.selector) && isObj(spec.selector.matchLabels) ? spec.selector.matchLabels as Record<string, string> : undefined;
    if (selector && metadata.namespace !== ISTIO_SYSTEM_NAMESPACE && ['AuthorizationPolicy', 'PeerAuthentication', 'Telemetry', 'RequestAuthentication'].includes(site.resource.kind)) {
      const found = model.workloads.some((w) => (w.namespace === undefined || w.namespace === metadata.namespace) && matches(selector, w.labels));
      if (!found) out.push({ id: CheckId.SELECTOR_MATCHES_NOTHING, owner: site.owner, message: `${ref(site)} selects ${JSON.stringify(selector)}, but no workload in namespace '${metadata.namespace}' declared in this stack has those labels.` });
    }
    const refs = [...(Array.isArray(spec.targetRefs) ? spec.targetRefs : []), ...(isObj(spec.targetRef) ? [spec.targetRef] : [])];
    for (const r of refs) {
      if (!isObj(r)) continue;
      const key = `${metadata.namespace}/${String(r.name)}`;
      const known = r.kind === 'Gateway' ? gateways.has(key)
        : r.kind === 'Service' ? model.services.has(key) || model.services.has(`*/${String(r.name)}`)
          : true; // ServiceEntry, GatewayClass…: not modelled
      if (!known) out.push({ id: CheckId.TARGET_REF_MATCHES_NOTHING, owner: site.owner, message: `${ref(site)} targets ${String(r.kind)} ${key}, which this stack does not declare.` });
    }
  }
  return out;
}

/** CIM-4003: more than one Telemetry without selector and targetRefs in a namespace. */
export function checkTelemetryConflicts(model: StackModel): Finding[] {
  const byNs = new Map<string, ResourceSite[]>();
  for (const site of model.resources) {
    const { resource } = site;
    if (resource.kind !== 'Telemetry' || isObj(resource.spec.selector) || hasTargetRefs(resource.spec)) continue;
    byNs.set(resource.metadata.namespace, [...(byNs.get(resource.metadata.namespace) ?? []), site]);
  }
  const out: Finding[] = [];
  for (const [ns, sites] of byNs) {
    if (sites.length < 2) continue;
    const names = sites.map((s) => s.resource.metadata.name).join(', ');
    for (const site of sites) out.push({ id: CheckId.CONFLICTING_TELEMETRY, owner: site.owner, message: `${ref(site)}: namespace '${ns}' has ${sites.length} Telemetry resources without selector or targetRefs (${names}).` });
  }
  return out;
}

/** CIM-5001: mTLS not STRICT (the mesh-wide mode, and PeerAuthentications). */
export function checkMtls(model: StackModel): Finding[] {
  const out: Finding[] = [];
  for (const mesh of model.meshes) {
    if (mesh.mtlsMode !== 'STRICT') out.push({ id: CheckId.MTLS_NOT_STRICT, owner: mesh, message: `the mesh-wide mTLS mode is ${mesh.mtlsMode}: workloads accept plaintext.` });
  }
  for (const site of model.resources) {
    if (site.resource.kind !== 'PeerAuthentication' || site.resource.metadata.namespace === ISTIO_SYSTEM_NAMESPACE) continue;
    const spec = site.resource.spec;
    const modes: string[] = [];
    const mode = isObj(spec.mtls) ? spec.mtls.mode : undefined;
    if (mode === 'PERMISSIVE' || mode === 'DISABLE') modes.push(`mtls.mode ${mode}`);
    for (const [port, m] of Object.entries(isObj(spec.portLevelMtls) ? spec.portLevelMtls : {})) {
      const pm = isObj(m) ? m.mode : undefined;
      if (pm === 'PERMISSIVE' || pm === 'DISABLE') modes.push(`port ${port} ${String(pm)}`);
    }
    if (modes.length) out.push({ id: CheckId.MTLS_NOT_STRICT, owner: site.owner, message: `${ref(site)} sets ${modes.join(', ')}: those workloads accept plaintext.` });
  }
  return out;
}

/** CIM-5002: namespaces with both sidecar injection and ambient labels. */
export function checkDoubleEnrollment(model: StackModel): Finding[] {
  const labels = namespaceLabels(model);
  const out: Finding[] = [];
  for (const [ns, l] of labels) {
    if (l[DATAPLANE_MODE_LABEL] === DATAPLANE_MODE_AMBIENT && sidecarInjected(l)) {
      const owner = [...model.namespaceLabels].reverse().find((s) => s.namespace === ns)!.owner;
      const inject = l[REVISION_LABEL] !== undefined ? `${REVISION_LABEL}=${l[REVISION_LABEL]}` : `${INJECTION_LABEL}=enabled`;
      out.push({ id: CheckId.SIDECAR_AND_AMBIENT, owner, message: `namespace '${ns}' is labelled both ${inject} and ${DATAPLANE_MODE_LABEL}=${DATAPLANE_MODE_AMBIENT}: injected pods keep their sidecars and bypass ztunnel, the rest run in ambient.` });
    }
  }
  return out;
}

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** CIM-6001/6002: charts without an exact version; images without a tag or digest, or `latest`. */
export function checkPinning(model: StackModel): Finding[] {
  const out: Finding[] = [];
  for (const r of model.releases) {
    if (r.generated) continue;
    if (r.version !== undefined && !EXACT_VERSION.test(r.version) && !r.version.startsWith('${')) {
      out.push({ id: CheckId.UNPINNED_CHART, owner: r.owner, message: `helm_release '${r.owner.nameInput ?? r.owner.node.id}' (chart ${r.chart ?? '?'}) has version '${r.version}', a range.` });
    } else if (r.version === undefined) {
      out.push({ id: CheckId.UNPINNED_CHART, owner: r.owner, message: `helm_release '${r.owner.nameInput ?? r.owner.node.id}' (chart ${r.chart ?? '?'}) has no version: each apply may install a newer chart.` });
    }
  }
  for (const { image, owner } of model.images) {
    const problem = imagePinProblem(image);
    if (problem) out.push({ id: CheckId.UNPINNED_IMAGE, owner, message: `image '${image}' ${problem}.` });
  }
  return out;
}

/** Why an image reference is not pinned, or undefined. */
export function imagePinProblem(image: string): string | undefined {
  if (image.includes('@sha256:')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'has no tag (Kubernetes pulls latest)';
  const tag = image.slice(colon + 1);
  if (tag === 'latest' || tag === '') return `is tagged '${tag || '(empty)'}'`;
  return undefined;
}

/** Where Istio publishes its charts (and published them): a release of an Istio chart from there is checked by CIM-6003. */
const ISTIO_CHART_HOMES = new Set([ISTIO_CHART_REPOSITORY, ISTIO_OCI_CHART_REPOSITORY, ...RETIRED_CHART_REPOSITORIES]);
const ISTIO_CHARTS = new Set<string>(Object.values(IstioChart));

/** `helm pull` for a chart, from an `https://` repository or an `oci://` registry. */
function pullCommand(chart: string, repository: string | undefined, version: string, dir: string): string {
  const repo = repository ?? ISTIO_CHART_REPOSITORY;
  return repo.startsWith('oci://') ? `helm pull ${repo.replace(/\/$/, '')}/${chart} --version ${version} -d ${dir}` : `helm pull ${chart} --repo ${repo} --version ${version} -d ${dir}`;
}

/**
 * CIM-6003/6004: the values of every release of an official Istio chart (the library's, and the
 * stack's own from Istio's repositories), compared with the chart of that exact version read from
 * the `cdktf-istio-mesh:chartsDir` directory. Off when the context is not set.
 */
export function checkChartValues(model: StackModel): Finding[] {
  const dir = model.chartsDir;
  if (dir === undefined) return [];
  const out: Finding[] = [];
  for (const r of model.releases) {
    if (r.generated || r.chart === undefined || !ISTIO_CHARTS.has(r.chart)) continue;
    if (!r.istioChart && !ISTIO_CHART_HOMES.has((r.repository ?? '').replace(/\/$/, ''))) continue;
    if (r.version === undefined || !EXACT_VERSION.test(r.version) || r.values === undefined) continue;
    const name = `helm_release '${r.owner.nameInput ?? r.owner.node.id}' (${r.chart} ${r.version})`;
    const lookup = findChart(dir, r.chart, r.version);
    if (!lookup.found) {
      out.push({ id: CheckId.CHART_NOT_AVAILABLE, owner: r.owner, message: `the values of ${name} are not checked: ${lookup.problem}. Run: ${pullCommand(r.chart, r.repository, r.version, dir)}.` });
      continue;
    }
    for (const e of r.setErrors ?? []) {
      const why = e.attribute === 'set_sensitive' ? "Helm's parser rejects it (its message, which quotes the value, is not shown)" : e.error;
      const hint = /has no value/.test(e.error) ? " (Helm splits a set value at each ',' not written '\\,')" : '';
      out.push({ id: CheckId.CHART_VALUE_NOT_READ, owner: r.owner, message: `${name} ${e.attribute} '${e.name}' fails in Helm: ${why}${hint}.` });
    }
    for (const u of unreadValues(lookup.chart, r.values)) {
      out.push({ id: CheckId.CHART_VALUE_NOT_READ, owner: r.owner, message: `${name} sets '${u.path}': ${u.problem}; checked against ${lookup.source}.` });
    }
  }
  return out;
}
