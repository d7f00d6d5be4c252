/**
 * The semantic diff of two synth outputs, per stack: Helm releases (chart version, values as
 * paths), Kubernetes objects (generated charts and kubernetes_* resources), revision tags, and
 * Terraform resources (created, destroyed, replaced, updated, moved).
 */
import { forceNewAttributes, isForceNew } from './force-new';
import { MeshState, SourcedObject, meshState, str } from './mesh-state';
import { SynthOutput, SynthStack, TfResource } from './model';
import { ValueChange, canonicalJson, diffPaths, flatten, redact, releaseValues } from './values';
import { isPlainObject as isRecord } from '../../private/props';

/** A helm_release that changed. */
export interface ReleaseChange {
  readonly address: string;
  readonly name: string;
  readonly chart: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly version?: { readonly from?: string; readonly to?: string };
  readonly values: readonly ValueChange[];
}

/** A Kubernetes object that changed. */
export interface ObjectChange {
  /** `kind apiGroup namespace/name`. */
  readonly key: string;
  readonly source: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Changed field paths (for `changed`). */
  readonly paths: readonly ValueChange[];
}

/** A revision tag that appeared, moved or went away. */
export interface TagMove {
  readonly tag: string;
  readonly from?: string;
  readonly to?: string;
}

/** What Terraform will do with a resource, as far as the JSON shows. */
export type TfAction = 'create' | 'destroy' | 'replace' | 'update' | 'move';

export interface TfChange {
  readonly address: string;
  readonly type: string;
  readonly action: TfAction;
  /** Changed attribute paths (update/replace). */
  readonly attributes: readonly string[];
  /** The attributes that force replacement. */
  readonly forceNew: readonly string[];
  /** For `move`: the base address with the same body (destroy + create unless a `moved` block says so). */
  readonly movedFrom?: string;
  /** False when the ForceNew table has no row for the type (replacement not judged). */
  readonly judged: boolean;
}

/** The diff of one stack. */
export interface StackDiff {
  readonly stack: string;
  readonly file: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly releases: readonly ReleaseChange[];
  readonly objects: readonly ObjectChange[];
  readonly tags: readonly TagMove[];
  readonly terraform: readonly TfChange[];
  /** What the review could not compare, and why. */
  readonly notes: readonly string[];
  readonly base: MeshState;
  readonly head: MeshState;
  readonly baseStack: SynthStack;
  readonly headStack: SynthStack;
}

/** Meta-arguments that are not resource attributes. */
const META = new Set(['depends_on', 'lifecycle', 'provider', 'count', 'for_each', 'connection', 'provisioner']);

/** Flattens a resource body; lists of blocks descend with `[i]` so nested attributes get paths. */
function flattenBody(v: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (Array.isArray(v) && v.length > 0 && v.every(isRecord)) {
    v.forEach((e, i) => flattenBody(e, `${prefix}[${i}]`, out));
  } else if (isRecord(v) && Object.keys(v).length > 0) {
    for (const k of Object.keys(v).sort()) flattenBody(v[k], prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, canonicalJson(v));
  }
  return out;
}

function attributesOf(r: TfResource): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(r.body)) if (!META.has(k)) flattenBody(v, k, out);
  return out;
}

function sameBody(a: TfResource, b: TfResource): boolean {
  const x = attributesOf(a);
  const y = attributesOf(b);
  return x.size === y.size && [...x].every(([k, v]) => y.get(k) === v);
}

function diffTerraform(base: SynthStack, head: SynthStack): TfChange[] {
  const before = new Map(base.resources.map((r) => [r.address, r]));
  const after = new Map(head.resources.map((r) => [r.address, r]));
  const out: TfChange[] = [];
  const destroyed = base.resources.filter((r) => !after.has(r.address));
  const movedFrom = new Set<string>();
  for (const r of head.resources) {
    const row = forceNewAttributes(r.type);
    const old = before.get(r.address);
    if (!old) {
      const twin = destroyed.find((d) => d.type === r.type && !movedFrom.has(d.address) && sameBody(d, r));
      if (twin) movedFrom.add(twin.address);
      out.push({ address: r.address, type: r.type, action: twin ? 'move' : 'create', attributes: [], forceNew: [], movedFrom: twin?.address, judged: row !== undefined });
      continue;
    }
    const changes = diffPaths(attributesOf(old), attributesOf(r)).map((c) => c.path);
    if (changes.length === 0) continue;
    const forceNew = row ? changes.filter((p) => isForceNew(row.attributes, p.replace(/\[\d+\]/g, ''))) : [];
    out.push({ address: r.address, type: r.type, action: forceNew.length > 0 ? 'replace' : 'update', attributes: changes, forceNew, judged: row !== undefined });
  }
  for (const d of destroyed) {
    if (!movedFrom.has(d.address)) out.push({ address: d.address, type: d.type, action: 'destroy', attributes: [], forceNew: [], judged: true });
  }
  return out.sort((a, b) => a.address.localeCompare(b.address));
}

function diffReleases(base: SynthStack, head: SynthStack): ReleaseChange[] {
  const rel = (s: SynthStack): Map<string, TfResource> => new Map(s.resources.filter((r) => r.type === 'helm_release').map((r) => [r.address, r]));
  const before = rel(base);
  const after = rel(head);
  const out: ReleaseChange[] = [];
  for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(address);
    const b = after.get(address);
    const any = (b ?? a)!;
    const name = str(any.body.name) ?? address;
    const chart = str(any.body.chart) ?? '?';
    const va = a ? flatten(releaseValues(a.body)) : new Map<string, string>();
    const vb = b ? flatten(releaseValues(b.body)) : new Map<string, string>();
    const values = redact(diffPaths(va, vb));
    const from = a ? str(a.body.version) : undefined;
    const to = b ? str(b.body.version) : undefined;
    if (a && b && from === to && values.length === 0) continue;
    out.push({
      address, name, chart, change: !a ? 'added' : !b ? 'removed' : 'changed',
      version: from !== to ? { from, to } : undefined, values,
    });
  }
  return out;
}

/** Identity of a Kubernetes object: kind, API group, namespace, name. */
export function objectKey(o: SourcedObject['object']): string {
  const md = isRecord(o.metadata) ? o.metadata : {};
  const api = str(o.apiVersion) ?? '';
  const group = api.includes('/') ? api.split('/')[0] : 'core';
  const ns = str(md.namespace);
  return `${str(o.kind) ?? '?'} ${group} ${ns ? `${ns}/` : ''}${str(md.name) ?? '?'}`;
}

function diffObjects(base: MeshState, head: MeshState): ObjectChange[] {
  const index = (s: MeshState): Map<string, SourcedObject> => new Map(s.objects.map((o) => [objectKey(o.object), o]));
  const before = index(base);
  const after = index(head);
  const out: ObjectChange[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(key);
    const b = after.get(key);
    if (a && b) {
      // apiVersion changes within a group (v1beta1 → v1) are a change of the same object.
      const paths = redact(diffPaths(flatten(a.object), flatten(b.object)), b.object.kind === 'Secret');
      if (paths.length > 0) out.push({ key, source: b.source, change: 'changed', paths });
    } else {
      out.push({ key, source: (b ?? a)!.source, change: b ? 'added' : 'removed', paths: [] });
    }
  }
  return out;
}

function diffTags(base: MeshState, head: MeshState): TagMove[] {
  const tags = [...new Set([...base.tags.keys(), ...head.tags.keys()])].sort();
  return tags.flatMap((tag): TagMove[] => {
    const from = base.tags.get(tag)?.revision;
    const to = head.tags.get(tag)?.revision;
    return from === to ? [] : [{ tag, from, to }];
  });
}

const EMPTY: SynthStack = { name: '', file: '', annotations: [], resources: [], charts: {} };

function annotationsEqual(a: SynthStack, b: SynthStack): boolean {
  const key = (s: SynthStack): string => canonicalJson(s.annotations.map((x) => [x.level, x.constructPath, x.message]).sort());
  return key(a) === key(b);
}

/**
 * Drops, from both sides, the generated charts that one side lacks (no assets after synth errors),
 * so their objects are neither "removed" nor "added"; each becomes a note.
 */
function withoutMissingCharts(base: SynthStack, head: SynthStack): { base: SynthStack; head: SynthStack; notes: string[] } {
  const missing = new Set([...Object.entries(base.charts), ...Object.entries(head.charts)].filter(([, c]) => c.missing).map(([a]) => a));
  if (missing.size === 0) return { base, head, notes: [] };
  const keep = (s: SynthStack): SynthStack => ({ ...s, charts: Object.fromEntries(Object.entries(s.charts).filter(([a]) => !missing.has(a))) });
  const notes = [...missing].sort().map((a) => `The generated chart of ${a} is not in the ${head.charts[a]?.missing ? 'head' : 'base'} synth output (cdktf writes no assets after synth errors); its objects were not compared.`);
  return { base: keep(base), head: keep(head), notes };
}

/** Diffs every stack present in either output, sorted by name. */
export function diffOutputs(base: SynthOutput, head: SynthOutput): StackDiff[] {
  const names = [...new Set([...base.stacks.map((s) => s.name), ...head.stacks.map((s) => s.name)])].sort();
  return names.map((name) => {
    const b = base.stacks.find((s) => s.name === name);
    const h = head.stacks.find((s) => s.name === name);
    const { base: bs, head: hs, notes } = withoutMissingCharts(b ?? { ...EMPTY, name }, h ?? { ...EMPTY, name });
    const bm = meshState(bs);
    const hm = meshState(hs);
    const terraform = diffTerraform(bs, hs);
    const releases = diffReleases(bs, hs);
    const objects = diffObjects(bm, hm);
    const tags = diffTags(bm, hm);
    const changed = terraform.length + releases.length + objects.length + tags.length + notes.length > 0 || !annotationsEqual(bs, hs);
    return {
      stack: name, file: (h ?? b)!.file, status: !b ? 'added' : !h ? 'removed' : changed ? 'changed' : 'unchanged',
      releases, objects, tags, terraform, notes, base: bm, head: hm, baseStack: bs, headStack: hs,
    };
  });
}

