/**
 * Risk rules of `mesh-review`. Each rule reads one stack's diff and returns findings with a level,
 * a short why and a fix. Rules judge the change, not the state: a condition already present in
 * the base output is not reported again, so identical outputs give no findings.
 */
import { StackDiff } from './diff';
import { DEFAULT_REVISION, IstioRelease, MeshState, resolveRevision, str } from './mesh-state';
import { SynthAnnotation } from './model';
import { ISTIO_SYSTEM_NAMESPACE } from '../../wire/istio';

/** Finding levels, ordered. */
export type RiskLevel = 'low' | 'medium' | 'high';
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high'];

/** A rule's stable id, name and the help shown in SARIF and the README. */
export interface RiskRule {
  readonly id: string;
  readonly name: string;
  readonly summary: string;
}

export const RULES = {
  controlAndDataPlane: { id: 'MR001', name: 'control-and-data-plane-together', summary: 'Control plane and data plane upgraded (or rolled back) in one change' },
  minorSkipped: { id: 'MR002', name: 'minor-skipped', summary: 'An Istio chart skips a minor version' },
  mtlsRelaxed: { id: 'MR003', name: 'mtls-relaxed', summary: 'mTLS relaxed (PeerAuthentication STRICT → PERMISSIVE/DISABLE or removed)' },
  crdsChanging: { id: 'MR004', name: 'crds-changing', summary: "Istio CRDs change (the base chart's version, or CRD objects)" },
  tagToUninstalled: { id: 'MR005', name: 'tag-to-uninstalled-revision', summary: 'A revision tag moves to a revision not installed in base or head' },
  revisionRemovedInUse: { id: 'MR006', name: 'revision-removed-while-referenced', summary: 'A revision is removed while still referenced' },
  ztunnelNotPromoted: { id: 'MR007', name: 'ztunnel-not-on-promoted-revision', summary: 'ztunnel points at a revision that is not the promoted one' },
  precheck: { id: 'MR008', name: 'precheck-finding', summary: 'A synth error or a new synth warning (prechecks CIM-xxxx included)' },
  replaced: { id: 'MR009', name: 'resource-replaced', summary: 'A Terraform resource is replaced or destroyed' },
} as const satisfies Record<string, RiskRule>;

/** One finding. */
export interface Risk {
  readonly rule: RiskRule;
  readonly level: RiskLevel;
  readonly stack: string;
  /** Terraform address or object the finding is about. */
  readonly subject: string;
  readonly why: string;
  readonly fix: string;
}

export function levelRank(l: RiskLevel): number {
  return RISK_LEVELS.indexOf(l);
}

/** `1.22.8` → [1, 22, 8]; undefined for tokens or non-versions. */
export function parseVersion(v: string | undefined): [number, number, number] | undefined {
  const m = v ? /^v?(\d+)\.(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function byAddress(state: MeshState): Map<string, IstioRelease> {
  return new Map(state.releases.map((r) => [r.address, r]));
}

/** Releases of a chart whose version changed between base and head (same address). */
function versionChanges(d: StackDiff, chart: string): { rel: IstioRelease; from?: string; to?: string }[] {
  const before = byAddress(d.base);
  return d.head.releases.flatMap((rel) => {
    const old = before.get(rel.address);
    return rel.chart === chart && old && old.version !== rel.version ? [{ rel, from: old.version, to: rel.version }] : [];
  });
}

function maxVersion(releases: readonly IstioRelease[]): [number, number, number] | undefined {
  const vs = releases.map((r) => parseVersion(r.version)).filter((v): v is [number, number, number] => v !== undefined);
  return vs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]).pop();
}

function newer(a: [number, number, number] | undefined, b: [number, number, number] | undefined): boolean {
  if (!a || !b) return false;
  return a[0] - b[0] > 0 || (a[0] === b[0] && (a[1] - b[1] > 0 || (a[1] === b[1] && a[2] > b[2])));
}

function sameVersion(a: [number, number, number] | undefined, b: [number, number, number] | undefined): boolean {
  return a !== undefined && b !== undefined && a.join('.') === b.join('.');
}

function controlAndDataPlane(d: StackDiff): Risk[] {
  const cpBefore = maxVersion(d.base.releases.filter((r) => r.chart === 'istiod'));
  const cpAfter = maxVersion(d.head.releases.filter((r) => r.chart === 'istiod'));
  const dp = [...versionChanges(d, 'ztunnel'), ...versionChanges(d, 'cni')];
  if (!cpBefore || !cpAfter || sameVersion(cpBefore, cpAfter) || dp.length === 0) return [];
  const down = newer(cpBefore, cpAfter);
  return [{
    rule: RULES.controlAndDataPlane, level: 'high', stack: d.stack, subject: dp.map((c) => c.rel.address).join(', '),
    why: `istiod moves ${cpBefore.join('.')} → ${cpAfter.join('.')} while the data plane (${dp.map((c) => `${c.rel.chart} ${c.from} → ${c.to}`).join(', ')}) changes in the same apply. `
      + 'Istio requires the control plane to be upgraded before cni and ztunnel (cni and ztunnel at 1.x need a control plane at 1.x or 1.x+1), and Terraform gives no pause to verify one side before every node proxy restarts.',
    fix: down
      ? 'Roll back in the reverse order: cni and ztunnel first, verify, then istiod in a second change.'
      : 'Upgrade the control plane first (a canary istiod revision, or istiod alone), verify, then upgrade cni and ztunnel in a second change.',
  }];
}

function minorSkipped(d: StackDiff): Risk[] {
  const before = byAddress(d.base);
  return d.head.releases.flatMap((rel): Risk[] => {
    const a = parseVersion(before.get(rel.address)?.version);
    const b = parseVersion(rel.version);
    if (!a || !b || a[0] !== b[0] || b[1] - a[1] < 2) return [];
    return [{
      rule: RULES.minorSkipped, level: 'high', stack: d.stack, subject: rel.address,
      why: `${rel.chart} goes from ${a.join('.')} to ${b.join('.')}, skipping ${b[1] - a[1] - 1} minor(s). Ambient's skew rule allows cni/ztunnel at 1.x only with a control plane at 1.x or 1.x+1, and neither can be canaried, so a running mesh cannot skip a minor (istio.io ambient Helm upgrade docs; ../shared/facts/istio-minor-hops.md §2.8).`,
      fix: `Upgrade through each minor in turn (1.${a[1] + 1}.x first), one change per minor.`,
    }];
  });
}

const MODE_RANK: Readonly<Record<string, number>> = { STRICT: 2, PERMISSIVE: 1, DISABLE: 0 };

interface PeerAuthView {
  readonly key: string;
  readonly mode?: string;
  readonly ports: Record<string, string>;
  readonly meshWide: boolean;
}

function peerAuthentications(state: MeshState): Map<string, PeerAuthView> {
  const out = new Map<string, PeerAuthView>();
  for (const { object } of state.objects) {
    if (object.kind !== 'PeerAuthentication') continue;
    const md = (object.metadata ?? {}) as Record<string, unknown>;
    const spec = (typeof object.spec === 'object' && object.spec !== null ? object.spec : {}) as Record<string, unknown>;
    const mtls = (spec.mtls ?? {}) as Record<string, unknown>;
    const ports: Record<string, string> = {};
    const portLevel = (spec.portLevelMtls ?? {}) as Record<string, unknown>;
    for (const [p, v] of Object.entries(portLevel)) {
      const m = str((v as Record<string, unknown> | null)?.mode);
      if (m) ports[p] = m;
    }
    const ns = str(md.namespace) ?? '';
    const key = `${ns}/${str(md.name) ?? '?'}`;
    out.set(key, { key, mode: str(mtls.mode), ports, meshWide: ns === ISTIO_SYSTEM_NAMESPACE && spec.selector === undefined });
  }
  return out;
}

function mtlsRelaxed(d: StackDiff): Risk[] {
  const before = peerAuthentications(d.base);
  const after = peerAuthentications(d.head);
  const out: Risk[] = [];
  for (const [key, a] of before) {
    const b = after.get(key);
    const relaxed: string[] = [];
    const rank = (m?: string): number => (m === undefined ? -1 : MODE_RANK[m] ?? -1);
    if (a.mode === 'STRICT' || a.mode === 'PERMISSIVE') {
      if (!b) relaxed.push(`${a.mode} policy removed (Istio's default is PERMISSIVE)`);
      else if (rank(b.mode) >= 0 && rank(b.mode) < rank(a.mode)) relaxed.push(`mode ${a.mode} → ${b.mode}`);
      else if (b.mode === undefined && a.mode === 'STRICT') relaxed.push('mode STRICT → unset (inherits the parent, PERMISSIVE by default)');
    }
    for (const [port, m] of Object.entries(a.ports)) {
      const nm = b?.ports[port];
      if (b && rank(nm) >= 0 && rank(nm) < rank(m)) relaxed.push(`port ${port}: ${m} → ${nm}`);
    }
    if (relaxed.length === 0) continue;
    out.push({
      rule: RULES.mtlsRelaxed, level: a.meshWide ? 'high' : 'medium', stack: d.stack, subject: `PeerAuthentication ${key}`,
      why: `${a.meshWide ? 'Mesh-wide' : 'Namespace or workload'} mTLS relaxed: ${relaxed.join('; ')}. Plaintext traffic is accepted where it was refused.`,
      fix: 'Keep STRICT; if a migration needs plaintext, scope PERMISSIVE to the namespace or port that needs it, with an end date.',
    });
  }
  return out;
}

function crdsChanging(d: StackDiff): Risk[] {
  const out: Risk[] = [];
  const afterAddr = byAddress(d.head);
  for (const rel of d.base.releases.filter((r) => r.chart === 'base')) {
    if (!afterAddr.has(rel.address)) {
      out.push({
        rule: RULES.crdsChanging, level: 'high', stack: d.stack, subject: rel.address,
        why: 'The base chart release is removed: its CRDs are Helm-owned templates, so uninstalling it deletes the CRDs and with them every Istio resource in the cluster.',
        fix: 'Keep the base release until the mesh is fully removed; remove it last, on purpose.',
      });
    }
  }
  for (const c of versionChanges(d, 'base')) {
    out.push({
      rule: RULES.crdsChanging, level: 'medium', stack: d.stack, subject: c.rel.address,
      why: `The base chart moves ${c.from} → ${c.to}: Istio's CRDs change cluster-wide for every revision at once (fields added or removed, stored versions).`,
      fix: 'Apply the CRD change before (or together with) the new control plane only; check the release notes for removed fields, and keep old revisions working against the new CRDs.',
    });
  }
  for (const o of d.objects) {
    if (o.key.startsWith('CustomResourceDefinition ')) {
      out.push({
        rule: RULES.crdsChanging, level: o.change === 'removed' ? 'high' : 'medium', stack: d.stack, subject: o.key,
        why: `A CRD is ${o.change} by ${o.source}${o.change === 'removed' ? ': deleting a CRD deletes every object of its kind' : ''}.`,
        fix: 'Change CRDs in their own reviewed change, before the controllers that need them.',
      });
    }
  }
  return out;
}

function tagToUninstalled(d: StackDiff): Risk[] {
  return d.tags.flatMap((t): Risk[] => {
    if (t.to === undefined) return [];
    const inHead = d.head.installed.has(t.to);
    const inBase = d.base.installed.has(t.to);
    // A new tag no namespace uses (yet) re-points no workload; a first install has nothing to re-point.
    const newUnused = t.from === undefined && !d.base.references.has(t.tag) && !d.head.references.has(t.tag);
    if (inHead && (inBase || newUnused || d.base.installed.size === 0)) return [];
    const moves = t.from ? `moves from ${t.from} to` : 'is created pointing at';
    return [{
      rule: RULES.tagToUninstalled, level: inHead ? 'medium' : 'high', stack: d.stack, subject: `tag ${t.tag}`,
      why: inHead
        ? `Tag ${t.tag} ${moves} revision ${t.to}, which this same change installs: workloads are re-pointed before the new control plane has run and been verified.`
        : `Tag ${t.tag} ${moves} revision ${t.to}, which no istiod release installs${inBase ? ' any more' : ''}: injection and ztunnel config for the tag's namespaces fail.`,
      fix: inHead
        ? `Install revision ${t.to} in one change, verify it, then move the tag in a later change.`
        : `Install revision ${t.to} first, or point the tag at an installed revision (${[...d.head.installed].join(', ') || 'none'}).`,
    }];
  });
}

function revisionRemovedInUse(d: StackDiff): Risk[] {
  const out: Risk[] = [];
  for (const rev of d.base.installed) {
    if (d.head.installed.has(rev)) continue;
    const users = [...d.head.references].flatMap(([name, who]) => (resolveRevision(d.head, name) === rev ? who : []));
    if (users.length === 0) continue;
    out.push({
      rule: RULES.revisionRemovedInUse, level: 'high', stack: d.stack, subject: `revision ${rev}`,
      why: `istiod revision ${rev} is removed while still referenced by ${users.join(', ')}: those workloads lose their control plane.`,
      fix: `Move every reference to the new revision (tags, namespace labels, ztunnel) in one change, verify, then remove revision ${rev} in a later change.`,
    });
  }
  return out;
}

function ztunnelNotPromoted(d: StackDiff): Risk[] {
  // Judged when ztunnel is pointed somewhere in this change: after a promotion ztunnel stays on the
  // old revision until the data plane is upgraded, which is Istio's documented order.
  const before = new Map(d.base.releases.filter((r) => r.chart === 'ztunnel').map((r) => [r.address, r.revision]));
  return d.head.releases.flatMap((z): Risk[] => {
    if (z.chart !== 'ztunnel' || before.get(z.address) === z.revision) return [];
    if (d.head.promoted === undefined || z.revision === d.head.promoted) return [];
    const installed = d.head.installed.has(z.revision);
    return [{
      rule: RULES.ztunnelNotPromoted, level: installed ? 'medium' : 'high', stack: d.stack, subject: z.address,
      why: `ztunnel is pointed at revision ${z.revision}${installed ? '' : ' (not installed)'} while the promoted revision is ${d.head.promoted}`
        + `${d.head.tags.has(DEFAULT_REVISION) ? ' (the default tag)' : ''}: every node's data plane takes config from a control plane the mesh has not promoted.`,
      fix: `Point ztunnel's revision at ${d.head.promoted}, or promote ${z.revision} (the default tag or base defaultRevision) first and switch ztunnel in a later change.`,
    }];
  });
}

/** A precheck id (`CIM-0001`) in an annotation message, if any. */
export function precheckId(message: string): string | undefined {
  return /\bCIM-\d{3,}\b/.exec(message)?.[0];
}

function annotationKey(a: SynthAnnotation): string {
  return `${a.level}|${a.constructPath}|${precheckId(a.message) ?? a.message}`;
}

function precheck(d: StackDiff): Risk[] {
  const before = new Set(d.baseStack.annotations.map(annotationKey));
  return d.headStack.annotations.flatMap((a): Risk[] => {
    if (a.level === 'info' || before.has(annotationKey(a))) return [];
    const id = precheckId(a.message);
    const level = a.level === 'error' ? 'high' : id ? 'medium' : 'low';
    return [{
      rule: RULES.precheck, level, stack: d.stack, subject: `${id ? `${id} ` : ''}${a.constructPath}`,
      why: `New synth ${a.level}: ${a.message}`,
      fix: a.level === 'error' ? 'Fix the input the error names; an output with synth errors must not be applied.' : 'Address the warning, or record in the pull request why it is accepted.',
    }];
  });
}

const CRITICAL_TYPES = new Set(['aws_eks_cluster', 'aws_vpc']);

function replaced(d: StackDiff): Risk[] {
  return d.terraform.flatMap((c): Risk[] => {
    if (c.action !== 'replace' && c.action !== 'destroy' && c.action !== 'move') return [];
    const istio = d.base.releases.find((r) => r.address === (c.movedFrom ?? c.address));
    // Removing the base release is MR004's finding, removing an istiod revision MR006's (judged by
    // who still references it): do not report them twice.
    if (c.action === 'destroy' && (istio?.chart === 'base' || istio?.chart === 'istiod')) return [];
    const critical = CRITICAL_TYPES.has(c.type) || istio !== undefined;
    const level = critical ? 'high' : c.action === 'destroy' ? 'low' : 'medium';
    const what = c.action === 'replace'
      ? `is replaced (destroyed and re-created) because ${c.forceNew.join(', ')} changed`
      : c.action === 'move' ? `moves from ${c.movedFrom}: without a \`moved\` block Terraform destroys and re-creates it` : 'is destroyed';
    return [{
      rule: RULES.replaced, level, stack: d.stack, subject: c.address,
      why: `${c.address} ${what}${critical ? '; for this resource that means downtime for the mesh or cluster' : ''}.`,
      fix: c.action === 'move'
        ? `Add a \`moved { from = ${c.movedFrom} to = ${c.address} }\` block, or keep the construct id.`
        : c.action === 'replace' ? 'Keep the attribute, or plan the replacement as a migration (new resource beside the old one).' : 'Confirm the removal is intended.',
    }];
  });
}

const ALL_RULES: readonly ((d: StackDiff) => Risk[])[] = [
  controlAndDataPlane, minorSkipped, mtlsRelaxed, crdsChanging, tagToUninstalled, revisionRemovedInUse, ztunnelNotPromoted, precheck, replaced,
];

/** Every finding of a stack diff, highest level first. */
export function assessRisks(d: StackDiff): Risk[] {
  return ALL_RULES.flatMap((rule) => rule(d)).sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.rule.id.localeCompare(b.rule.id));
}
