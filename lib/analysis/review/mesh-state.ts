/**
 * The mesh facts a review judges, read from one stack: Istio releases and their versions and
 * revisions, revision tags, who references which revision, PeerAuthentications, CRD-bearing
 * releases. Revisions: istiod's `revision` value ('' is the `default` revision); ztunnel's
 * `revision` value; tags: MutatingWebhookConfigurations labelled `istio.io/tag` in generated
 * charts (Istio's `istioctl tag` shape) and istiod's `revisionTags` value.
 */
import { KubeObject, SynthStack, TfResource } from './model';
import { DEFAULT_REVISION, REVISION_LABEL as REV_LABEL, TAG_LABEL } from '../../wire/istio';
import { releaseValues } from './values';
import { isPlainObject as isRecord } from '../../private/props';

// Istio's revision and tag labels and the default revision's name: defined once in lib/wire/istio.ts, re-exported for existing importers.
export { DEFAULT_REVISION, REV_LABEL, TAG_LABEL };
/** The Istio charts the review recognises, by chart name. */
export type IstioChartName = 'base' | 'cni' | 'istiod' | 'ztunnel';
const ISTIO_CHARTS: readonly IstioChartName[] = ['base', 'cni', 'istiod', 'ztunnel'];

/** An Istio helm_release. */
export interface IstioRelease {
  readonly address: string;
  readonly chart: IstioChartName;
  readonly version?: string;
  /** istiod and ztunnel: the revision they belong to (`default` when unset). */
  readonly revision: string;
  readonly values: Record<string, unknown>;
}

/** A Kubernetes object and where it comes from. */
export interface SourcedObject {
  readonly object: KubeObject;
  /** `helm_release` address of the generated chart, or the `kubernetes_*` resource address. */
  readonly source: string;
}

/** Everything the risk rules read from one stack. */
export interface MeshState {
  readonly releases: readonly IstioRelease[];
  /** Revisions with an istiod release. */
  readonly installed: ReadonlySet<string>;
  /** Tag → revision it points at, and where the tag is defined. */
  readonly tags: ReadonlyMap<string, { revision: string; source: string }>;
  /** The revision the `default` tag points at, else base's `defaultRevision`, else the unrevisioned/only istiod. */
  readonly promoted?: string;
  /** Revision (or tag) → who references it (namespaces labelled `istio.io/rev`, ztunnel, tags). */
  readonly references: ReadonlyMap<string, readonly string[]>;
  readonly objects: readonly SourcedObject[];
}

/** The chart name of a release: last path segment of `chart` (`istio/istiod`, `oci://…/istiod`). */
function chartName(chart: unknown): IstioChartName | undefined {
  if (typeof chart !== 'string') return undefined;
  const last = chart.split('/').pop() ?? '';
  return (ISTIO_CHARTS as readonly string[]).includes(last) ? (last as IstioChartName) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function labelsOf(o: KubeObject): Record<string, unknown> {
  const md = isRecord(o.metadata) ? o.metadata : {};
  return isRecord(md.labels) ? md.labels : {};
}

/** Kubernetes objects a stack declares: generated charts' templates and kubernetes_* resources. */
export function stackObjects(stack: SynthStack): SourcedObject[] {
  const out: SourcedObject[] = [];
  for (const [address, chart] of Object.entries(stack.charts)) {
    for (const object of chart.objects) out.push({ object, source: address });
  }
  for (const r of stack.resources) {
    const o = objectOfResource(r);
    if (o) out.push({ object: o, source: r.address });
  }
  return out;
}

/** The object a kubernetes_* resource declares, in Kubernetes shape (enough for the review). */
function objectOfResource(r: TfResource): KubeObject | undefined {
  const b = r.body;
  if (r.type === 'kubernetes_manifest') return isRecord(b.manifest) ? (b.manifest as KubeObject) : undefined;
  if (r.type === 'kubernetes_namespace' || r.type === 'kubernetes_namespace_v1') {
    return isRecord(b.metadata) ? { apiVersion: 'v1', kind: 'Namespace', metadata: b.metadata } : undefined;
  }
  if (r.type === 'kubernetes_labels' && isRecord(b.metadata)) {
    // Labels merged onto an existing object: only the labels this resource owns are known.
    return { apiVersion: b.api_version, kind: b.kind, metadata: { ...b.metadata, labels: b.labels } };
  }
  if (r.type.startsWith('kubernetes_') && isRecord(b.metadata)) {
    // Typed resources (kubernetes_config_map_v1, …): the kind from the type, fields as Terraform writes them.
    const base = r.type.replace(/^kubernetes_/, '').replace(/_v\d+$/, '');
    const kind = base.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
    const { metadata, depends_on: _d, provider: _p, lifecycle: _l, count: _c, for_each: _f, ...fields } = b;
    return { apiVersion: TYPED_API_VERSIONS[base] ?? 'v1', kind, metadata, ...fields };
  }
  return undefined;
}

/** API groups of the typed kubernetes_* resources whose kind is not in the core group. */
const TYPED_API_VERSIONS: Readonly<Record<string, string>> = {
  deployment: 'apps/v1', daemonset: 'apps/v1', stateful_set: 'apps/v1', job: 'batch/v1', cron_job: 'batch/v1',
  cluster_role: 'rbac.authorization.k8s.io/v1', cluster_role_binding: 'rbac.authorization.k8s.io/v1',
  role: 'rbac.authorization.k8s.io/v1', role_binding: 'rbac.authorization.k8s.io/v1',
  network_policy: 'networking.k8s.io/v1', ingress: 'networking.k8s.io/v1',
};

function releaseOf(r: TfResource): IstioRelease | undefined {
  if (r.type !== 'helm_release') return undefined;
  const chart = chartName(r.body.chart);
  if (!chart) return undefined;
  const values = releaseValues(r.body);
  const rev = str(values.revision);
  return { address: r.address, chart, version: str(r.body.version), revision: rev ? rev : DEFAULT_REVISION, values };
}

/** The revision a revision-tag webhook points at: its `istio.io/rev` label, else its service `istiod-<rev>`. */
function tagRevision(o: KubeObject): string {
  const rev = str(labelsOf(o)[REV_LABEL]);
  if (rev) return rev;
  const hooks = Array.isArray(o.webhooks) ? o.webhooks : [];
  for (const h of hooks) {
    const svc = isRecord(h) && isRecord(h.clientConfig) && isRecord(h.clientConfig.service) ? str(h.clientConfig.service.name) : undefined;
    if (svc === 'istiod') return DEFAULT_REVISION;
    if (svc?.startsWith('istiod-')) return svc.slice('istiod-'.length);
  }
  return DEFAULT_REVISION;
}

function push(map: Map<string, string[]>, key: string, who: string): void {
  map.set(key, [...(map.get(key) ?? []), who]);
}

export function meshState(stack: SynthStack): MeshState {
  const releases = stack.resources.flatMap((r) => releaseOf(r) ?? []);
  const istiods = releases.filter((r) => r.chart === 'istiod');
  const installed = new Set(istiods.map((r) => r.revision));
  const objects = stackObjects(stack);
  const tags = new Map<string, { revision: string; source: string }>();
  for (const r of istiods) {
    const list = Array.isArray(r.values.revisionTags) ? r.values.revisionTags : [];
    for (const t of list) if (typeof t === 'string') tags.set(t, { revision: r.revision, source: `${r.address} values.revisionTags` });
  }
  for (const { object, source } of objects) {
    const tag = str(labelsOf(object)[TAG_LABEL]);
    if (object.kind === 'MutatingWebhookConfiguration' && tag) tags.set(tag, { revision: tagRevision(object), source });
  }
  const references = new Map<string, string[]>();
  for (const { object, source } of objects) {
    const rev = str(labelsOf(object)[REV_LABEL]);
    if (object.kind === 'Namespace' && rev) {
      const name = isRecord(object.metadata) ? str(object.metadata.name) : undefined;
      push(references, rev, `namespace ${name ?? '?'} (${source})`);
    }
  }
  for (const z of releases.filter((r) => r.chart === 'ztunnel')) push(references, z.revision, `ztunnel (${z.address})`);
  for (const [tag, t] of tags) push(references, t.revision, `tag ${tag} (${t.source})`);
  // Promotion (Istio's canary docs): the `default` tag, else the base chart's `defaultRevision`
  // (which istiod serves the cluster-wide validator; ../shared/facts/istio-1.22.md), else the
  // unrevisioned istiod, else the only one.
  const baseDefault = releases.filter((r) => r.chart === 'base').map((r) => str(r.values.defaultRevision)).find((v) => v);
  const promoted = tags.get(DEFAULT_REVISION)?.revision ?? baseDefault
    ?? (installed.has(DEFAULT_REVISION) ? DEFAULT_REVISION : installed.size === 1 ? [...installed][0] : undefined);
  return { releases, installed, tags, promoted, references, objects };
}

/** The revision a name resolves to in a state: a tag's target, else the name itself. */
export function resolveRevision(state: MeshState, name: string): string {
  return state.tags.get(name)?.revision ?? name;
}
