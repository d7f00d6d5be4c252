import { invalid } from '../private/errors';
import { EKS_VERSIONS, EksSupportState, creatableEksVersions, eksSupportState, findEksVersion } from './eks-versions';
import { IstioVersion } from './istio-versions';

/** Input to {@link checkKubernetesVersion}. */
export interface KubernetesVersionCheck {
  /** The prop the Kubernetes version came from, for messages. */
  readonly prop: string;
  readonly kubernetesVersion: string;
  readonly istioVersion: IstioVersion;
  /** True when the construct creates the cluster (EKS must still offer the version). */
  readonly newCluster: boolean;
  /** The opt-in that turns an out-of-range Kubernetes version into a warning. */
  readonly allowUnsupportedKubernetesVersion: boolean;
  /** Day to judge support dates by (ISO `YYYY-MM-DD`). */
  readonly asOf: string;
}

/** Name of the opt-in prop, used in messages and the README. */
export const ALLOW_UNSUPPORTED_K8S_PROP = 'allowUnsupportedKubernetesVersion';

/**
 * Applies the Kubernetes-version rules. Throws for errors; returns warnings.
 * - the version must be a `major.minor` EKS has released (new clusters: one EKS still creates);
 * - outside the Istio release's supported range it fails unless the opt-in is set (then: warning);
 * - past end of standard support: warning (extended-support pricing); past end of extended: error
 *   for a new cluster (EKS refuses to create it), warning for an existing one.
 */
export function checkKubernetesVersion(c: KubernetesVersionCheck): string[] {
  const warnings: string[] = [];
  const eks = findEksVersion(c.kubernetesVersion);
  if (!eks) {
    throw invalid(c.prop, 'must be a Kubernetes minor that Amazon EKS offers', c.kubernetesVersion,
      `known EKS versions: ${EKS_VERSIONS.map((v) => v.version).join(', ')}`);
  }
  const state = eksSupportState(eks, c.asOf);
  if (c.newCluster && (state === EksSupportState.ENDED || state === EksSupportState.UNRELEASED)) {
    const why = state === EksSupportState.ENDED
      ? `EKS stopped creating ${eks.version} clusters when extended support ended on ${eks.endOfExtendedSupport}`
      : `EKS releases ${eks.version} on ${eks.released}`;
    throw invalid(c.prop, `is not available for new EKS clusters on ${c.asOf}: ${why}`, c.kubernetesVersion,
      `EKS creates: ${creatableEksVersions(c.asOf).join(', ')}`);
  }
  if (!c.istioVersion.supportsKubernetes(c.kubernetesVersion)) {
    const range = `Istio ${c.istioVersion.version} supports Kubernetes ${c.istioVersion.info.kubernetesMin}–${c.istioVersion.info.kubernetesMax}`;
    if (!c.allowUnsupportedKubernetesVersion) {
      throw invalid(c.prop, `is outside the Istio release's supported Kubernetes range`, c.kubernetesVersion,
        `${range}; set '${ALLOW_UNSUPPORTED_K8S_PROP}: true' to run outside it at your own risk`);
    }
    warnings.push(`'${c.prop}' ${c.kubernetesVersion} is outside the supported range (${range}); allowed by '${ALLOW_UNSUPPORTED_K8S_PROP}'. Istio does not test this combination.`);
  }
  if (state === EksSupportState.EXTENDED) {
    warnings.push(`Kubernetes ${eks.version} left EKS standard support on ${eks.endOfStandardSupport}; extended support (extra cost per cluster hour) ends ${eks.endOfExtendedSupport}.`);
  } else if (state === EksSupportState.ENDED) {
    warnings.push(`Kubernetes ${eks.version} is past EKS end of extended support (${eks.endOfExtendedSupport}); EKS will auto-upgrade the cluster.`);
  }
  return warnings;
}

/**
 * A new cluster at the Kubernetes version the library chose (the Istio release's newest) that EKS
 * does not create on `asOf`: one message that names a version EKS creates and, when that version is
 * outside Istio's range, the opt-in, so one edit fixes it.
 */
export function checkDefaultKubernetesVersion(prop: string, kubernetesVersion: string, istioVersion: IstioVersion, asOf: string): void {
  const eks = findEksVersion(kubernetesVersion);
  const state = eks ? eksSupportState(eks, asOf) : undefined;
  if (state !== EksSupportState.ENDED && state !== EksSupportState.UNRELEASED) return;
  const creatable = creatableEksVersions(asOf);
  if (creatable.length === 0) return;
  // Never suggest a version whose EKS support ends within 90 days: the fix would break again at once.
  const soon = new Date(Date.parse(`${asOf}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);
  const lasting = creatable.filter((v) => (findEksVersion(v)?.endOfExtendedSupport ?? '9999-12-31') > soon);
  const candidates = lasting.length > 0 ? lasting : creatable;
  const inRange = candidates.filter((v) => istioVersion.supportsKubernetes(v));
  const pick = inRange.length > 0 ? inRange[inRange.length - 1] : closestMinor(candidates, kubernetesVersion);
  const fix = inRange.length > 0
    ? `set ${prop}: '${pick}'`
    : `set ${prop}: '${pick}' (the closest EKS creates with support beyond 90 days) and ${ALLOW_UNSUPPORTED_K8S_PROP}: true (Istio ${istioVersion.version} supports ${istioVersion.info.kubernetesMin}–${istioVersion.info.kubernetesMax}; EKS creates none of them), or choose a newer Istio release`;
  throw invalid(prop, `defaults to ${kubernetesVersion}, the newest Kubernetes Istio ${istioVersion.version} supports, which EKS does not create on ${asOf}`, kubernetesVersion,
    `${fix}; EKS creates: ${creatable.join(', ')}`);
}

function closestMinor(candidates: readonly string[], target: string): string {
  const n = (v: string) => Number(v.split('.')[1]);
  return [...candidates].sort((a, b) => Math.abs(n(a) - n(target)) - Math.abs(n(b) - n(target)) || n(a) - n(b))[0];
}

/** Today as ISO `YYYY-MM-DD` (UTC), or the override from context for reproducible synth. */
export function isoDay(override?: unknown): string {
  if (typeof override === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(override)) throw invalid(SUPPORT_DATE_CONTEXT, 'must be an ISO date YYYY-MM-DD', override);
    return override;
  }
  return new Date().toISOString().slice(0, 10);
}

/** Context key that pins the day support dates are judged by (tests, reproducible CI synth). */
export const SUPPORT_DATE_CONTEXT = 'cdktf-istio-mesh:supportDate';

/**
 * The Kubernetes minor a new cluster gets by default: the newest one the Istio release supports that
 * EKS still creates on `asOf`, or (when there is none, e.g. Istio 1.22 today) the release's newest
 * supported minor, which then fails {@link checkKubernetesVersion} with a message naming what EKS creates.
 */
export function defaultKubernetesVersion(istioVersion: IstioVersion, asOf: string): string {
  const creatable = creatableEksVersions(asOf).filter((v) => istioVersion.supportsKubernetes(v));
  return creatable.length > 0 ? creatable[creatable.length - 1] : istioVersion.info.kubernetesMax;
}

/** The end-of-life warning for an Istio release on day `asOf`, or undefined while it is supported. */
export function istioEndOfLifeWarning(istioVersion: IstioVersion, asOf: string): string | undefined {
  const eol = istioVersion.info.endOfLife;
  if (asOf < eol.date) return undefined;
  return eol.expected
    ? `Istio ${istioVersion.minor} is past its expected end of life (${eol.date.slice(0, 7)}, per istio.io); it may no longer receive security fixes.`
    : `Istio ${istioVersion.minor} reached end of life on ${eol.date}; it receives no security fixes.`;
}
