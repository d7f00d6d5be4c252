import { invalid } from '../private/errors';
import { EKS_VERSIONS, EksSupportState, creatableEksVersions, eksSupportState, findEksVersion } from './eks-versions';
import { ISTIO_MINORS, IstioMinorInfo, IstioVersion, compareMinor, minorRange } from './istio-versions';

/** One step of an upgrade: an Istio minor hop (at a fixed Kubernetes version) or an EKS cluster upgrade. */
export interface UpgradeStep {
  readonly kind: 'istio' | 'kubernetes';
  /** Istio version before / after the step (equal for a cluster upgrade). */
  readonly istioFrom: string;
  readonly istioTo: string;
  /** Kubernetes minor before / after the step (equal for an Istio hop). */
  readonly kubernetesFrom: string;
  readonly kubernetesTo: string;
  /** True when Istio supports every version pair the step passes through. */
  readonly supported: boolean;
  /** The Kubernetes constraint of the step, in words. */
  readonly constraint: string;
  /** For an Istio hop: what changes for a running mesh (the target minor's hop notes). */
  readonly notes: readonly string[];
}

/** A shortest path from a current (Istio, Kubernetes) pair to a supported one. */
export interface UpgradePlan {
  readonly asOf: string;
  readonly istioFrom: string;
  readonly kubernetesFrom: string;
  /** The supported pair reached, or undefined when none is reachable with the catalog's data. */
  readonly istioTo?: string;
  readonly kubernetesTo?: string;
  readonly steps: readonly UpgradeStep[];
  /** Why no path exists (when `istioTo` is undefined). */
  readonly unreachableReason?: string;
}

/** Input of {@link planUpgrade}. */
export interface UpgradePlanInput {
  /** The Istio release running now. */
  readonly istioVersion: IstioVersion;
  /** The cluster's Kubernetes minor now. @default - {@link currentKubernetesGuess} */
  readonly kubernetesVersion?: string;
  /** Day the support dates are judged by (ISO). */
  readonly asOf: string;
  /** Name of the Kubernetes input in messages. @default 'kubernetesVersion' */
  readonly kubernetesProp?: string;
}

/**
 * A supported pair on `asOf`: the Istio minor is not past its end of life, supports the Kubernetes
 * minor, and EKS has that minor in standard support (no extended-support cost, no synth warning).
 */
export function isSupportedPair(minor: IstioMinorInfo, kubernetesVersion: string, asOf: string): boolean {
  const eks = findEksVersion(kubernetesVersion);
  return asOf < minor.endOfLife.date
    && inRange(minor, kubernetesVersion)
    && eks !== undefined && eksSupportState(eks, asOf) === EksSupportState.STANDARD;
}

/**
 * The Kubernetes minor a cluster running `istioVersion` most likely has on `asOf` when the user does not
 * say: the newest one both Istio supports and EKS still runs, else the oldest EKS still runs (EKS
 * upgrades clusters whose extended support ended, e.g. a 1.22 mesh is on 1.31 or later today).
 */
export function currentKubernetesGuess(istioVersion: IstioVersion, asOf: string): string {
  // EKS runs exactly the minors it still creates: past extended support it upgrades the cluster.
  const runnable = creatableEksVersions(asOf);
  const inIstio = runnable.filter((v) => istioVersion.supportsKubernetes(v));
  return inIstio.length > 0 ? inIstio[inIstio.length - 1] : runnable[0] ?? istioVersion.info.kubernetesMax;
}

interface Node {
  readonly minor: number;
  readonly k8s: string;
  readonly cost: readonly [number, number];
  readonly steps: readonly UpgradeStep[];
}

/**
 * The shortest upgrade path to a supported pair, by the documented rules:
 * - Istio moves one minor per hop (cni and ztunnel N work only with istiod N or N+1, facts §2.8), to
 *   the next minor's latest patch; during the hop both minors run, so the cluster's Kubernetes version
 *   should be in both ranges;
 * - EKS upgrades a cluster one Kubernetes minor at a time and never down, only to minors it still runs;
 *   the running Istio minor should support the new version.
 * Steps outside Istio's ranges are allowed but counted first: the plan minimises unsupported steps,
 * then steps; among equals it upgrades the cluster as early as possible (off extended support).
 */
export function planUpgrade(input: UpgradePlanInput): UpgradePlan {
  const { istioVersion, asOf } = input;
  const k0 = input.kubernetesVersion ?? currentKubernetesGuess(istioVersion, asOf);
  if (!/^1\.\d{1,3}$/.test(k0) || !findEksVersion(k0)) {
    throw invalid(input.kubernetesProp ?? 'kubernetesVersion', 'must be a Kubernetes minor that Amazon EKS offers', k0, `known EKS versions: ${EKS_VERSIONS.map((v) => v.version).join(', ')}`);
  }
  const allowed = new Set([k0, ...creatableEksVersions(asOf)]);
  const start = ISTIO_MINORS.findIndex((m) => m.minor === istioVersion.minor);
  const latestOf = (i: number): string => `${ISTIO_MINORS[i].minor}.${ISTIO_MINORS[i].patches[ISTIO_MINORS[i].patches.length - 1]}`;
  const versionAt = (i: number): string => (i === start ? istioVersion.version : latestOf(i));
  const base = { asOf, istioFrom: istioVersion.version, kubernetesFrom: k0 };

  const queue: Node[] = [{ minor: start, k8s: k0, cost: [0, 0], steps: [] }];
  const best = new Map<string, readonly [number, number]>();
  while (queue.length > 0) {
    let at = 0;
    for (let i = 1; i < queue.length; i++) if (less(queue[i].cost, queue[at].cost)) at = i;
    const node = queue.splice(at, 1)[0];
    const key = `${node.minor}@${node.k8s}`;
    if (best.has(key)) continue;
    best.set(key, node.cost);
    const info = ISTIO_MINORS[node.minor];
    if (isSupportedPair(info, node.k8s, asOf)) {
      return { ...base, istioTo: versionAt(node.minor), kubernetesTo: node.k8s, steps: node.steps };
    }
    const next = nextMinor(node.k8s);
    if (allowed.has(next) && compareMinor(next, node.k8s) > 0) {
      const ok = inRange(info, next);
      queue.push({
        minor: node.minor, k8s: next, cost: [node.cost[0] + (ok ? 0 : 1), node.cost[1] + 1],
        steps: [...node.steps, {
          kind: 'kubernetes', istioFrom: versionAt(node.minor), istioTo: versionAt(node.minor), kubernetesFrom: node.k8s, kubernetesTo: next, supported: ok, notes: [],
          constraint: `upgrade the EKS cluster ${node.k8s} → ${next}${eksNote(next, asOf)}; Istio ${info.minor} supports ${info.kubernetesMin}–${info.kubernetesMax}${ok ? '' : ' (outside it: unsupported)'}`,
        }],
      });
    }
    if (node.minor + 1 < ISTIO_MINORS.length) {
      const to = ISTIO_MINORS[node.minor + 1];
      const ok = inRange(info, node.k8s) && inRange(to, node.k8s);
      const both = minorRange(maxMinor(info.kubernetesMin, to.kubernetesMin), minMax(info.kubernetesMax, to.kubernetesMax));
      queue.push({
        minor: node.minor + 1, k8s: node.k8s, cost: [node.cost[0] + (ok ? 0 : 1), node.cost[1] + 1],
        steps: [...node.steps, {
          kind: 'istio', istioFrom: versionAt(node.minor), istioTo: latestOf(node.minor + 1), kubernetesFrom: node.k8s, kubernetesTo: node.k8s, supported: ok, notes: to.hopNotes,
          constraint: ok
            ? `cluster at ${node.k8s}${eksNote(node.k8s, asOf)}; both minors support ${span(both)}`
            : `cluster at ${node.k8s}, outside ${both.length > 0 ? `${span(both)}, which both minors support` : 'any version both minors support'}${both.every((v) => !allowed.has(v)) ? ' (EKS runs none of them)' : ''}`,
        }],
      });
    }
  }
  return { ...base, steps: [], unreachableReason: `no Istio minor in the catalog is supported on a Kubernetes version in EKS standard support on ${asOf}` };
}

/** One line per step, for the CLI and the README. */
export function renderUpgradePlan(plan: UpgradePlan): string[] {
  const head = `From Istio ${plan.istioFrom} on Kubernetes ${plan.kubernetesFrom} (EKS support judged on ${plan.asOf}):`;
  if (plan.istioTo === undefined) return [head, `  no path: ${plan.unreachableReason}`];
  if (plan.steps.length === 0) return [head, '  already a supported pair: nothing to do'];
  const lines = plan.steps.flatMap((s, i) => {
    const what = s.kind === 'istio' ? `Istio ${s.istioFrom} → ${s.istioTo}` : `Kubernetes ${s.kubernetesFrom} → ${s.kubernetesTo}`;
    return [`  ${String(i + 1).padStart(2)}. ${what.padEnd(26)} ${s.supported ? '' : '[UNSUPPORTED] '}${s.constraint}`, ...s.notes.map((n) => `${' '.repeat(33)}- ${n}`)];
  });
  const unsupported = plan.steps.filter((s) => !s.supported).length;
  return [head, ...lines,
    `  = Istio ${plan.istioTo} on Kubernetes ${plan.kubernetesTo}: ${plural(plan.steps.length, 'step')} (${plural(plan.steps.filter((s) => s.kind === 'istio').length, 'Istio hop')}, ${plural(plan.steps.filter((s) => s.kind === 'kubernetes').length, 'cluster upgrade')}), ${unsupported} outside Istio's supported ranges`];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function span(versions: readonly string[]): string {
  return versions.length > 1 ? `${versions[0]}–${versions[versions.length - 1]}` : versions.join('');
}

function inRange(m: IstioMinorInfo, k: string): boolean {
  return compareMinor(k, m.kubernetesMin) >= 0 && compareMinor(k, m.kubernetesMax) <= 0;
}

function less(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[0] !== b[0] ? a[0] < b[0] : a[1] < b[1];
}

function nextMinor(k: string): string {
  const [major, minor] = k.split('.').map(Number);
  return `${major}.${minor + 1}`;
}

function maxMinor(a: string, b: string): string {
  return compareMinor(a, b) >= 0 ? a : b;
}

function minMax(a: string, b: string): string {
  return compareMinor(a, b) <= 0 ? a : b;
}

function eksNote(k: string, asOf: string): string {
  const eks = findEksVersion(k);
  if (!eks) return ' (not on EKS)';
  switch (eksSupportState(eks, asOf)) {
    case EksSupportState.STANDARD: return ` (EKS standard support until ${eks.endOfStandardSupport})`;
    case EksSupportState.EXTENDED: return ` (EKS extended support, extra cost, until ${eks.endOfExtendedSupport})`;
    case EksSupportState.ENDED: return ' (past EKS extended support)';
    case EksSupportState.UNRELEASED: return ` (EKS releases it ${eks.released})`;
  }
}
