import { ISTIO_MINORS, IstioVersion, compareMinor } from '../catalog/istio-versions';
import { invalid } from '../private/errors';
import { CanaryPhase, CanaryStep } from './canary-phase';

/**
 * Hop rules of a canary upgrade (../shared/facts/istio-minor-hops.md §2.8): cni and ztunnel N work
 * only with a control plane N or N+1, so a running ambient mesh moves one minor per hop; patch
 * canaries stay within a minor.
 */

function compare(a: IstioVersion, b: IstioVersion): number {
  return compareMinor(a.minor, b.minor) || a.patch - b.patch;
}

function nextMinor(minor: string): string {
  const [major, m] = minor.split('.').map(Number);
  return `${major}.${m + 1}`;
}

/** The next hop from `stable`, as a message fragment: `1.23 (latest 1.23.6)`. */
export function describeNextHop(stable: IstioVersion): string {
  const next = nextMinor(stable.minor);
  const row = ISTIO_MINORS.find((m) => m.minor === next);
  return row ? `${next} (latest ${next}.${row.patches[row.patches.length - 1]})` : next;
}

/** Fails unless `canary` is newer than `stable` and at most one minor ahead. */
export function checkHop(stable: IstioVersion, canary: IstioVersion): void {
  if (compare(canary, stable) <= 0) {
    throw invalid('canaryVersion', `must be newer than the stable release ${stable.version}`, canary.version,
      `a later ${stable.minor} patch or ${describeNextHop(stable)}`);
  }
  if (compareMinor(canary.minor, nextMinor(stable.minor)) > 0) {
    throw invalid('canaryVersion', `must not skip a minor: from ${stable.version} the next hop is ${describeNextHop(stable)}`, canary.version,
      'ztunnel and istio-cni work only with a control plane of their own minor or the next one');
  }
}

/**
 * Fails unless the data plane version is one the control planes allow in this phase: the stable
 * version, or the canary version once the canary is promoted; never ahead of the newest control
 * plane, never more than one minor behind it.
 */
export function checkDataPlane(dataPlane: IstioVersion, stable: IstioVersion, canary: IstioVersion, phase: CanaryPhase): void {
  const prop = 'dataPlaneVersion';
  if (compare(dataPlane, canary) > 0) {
    throw invalid(prop, `must not be ahead of the control plane (newest: ${canary.version})`, dataPlane.version,
      'the data plane is upgraded after its control plane');
  }
  if (compareMinor(dataPlane.minor, canary.minor) < 0 && compareMinor(nextMinor(dataPlane.minor), canary.minor) < 0) {
    throw invalid(prop, `must not be more than one minor behind the control plane ${canary.version}`, dataPlane.version,
      `finish the previous hop first: data plane at ${stable.version}`);
  }
  if (compare(dataPlane, stable) !== 0 && compare(dataPlane, canary) !== 0) {
    throw invalid(prop, 'must be the stable or the canary release (ztunnel is pointed at one revision by name)', dataPlane.version,
      `allowed: ${stable.version}, or ${canary.version} once promoted`);
  }
  if (compare(dataPlane, canary) === 0 && !phase.atLeast(CanaryStep.PROMOTED)) {
    throw invalid(prop, `must not move to the canary ${canary.version} before the canary is promoted`, dataPlane.version,
      `phase is '${phase.toString()}'; set phase 'promoted' first`);
  }
}
