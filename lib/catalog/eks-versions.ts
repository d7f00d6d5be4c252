/**
 * Amazon EKS Kubernetes versions: release, end of standard support and end of extended support.
 * Source: the Amazon EKS Kubernetes release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html),
 * cross-checked with endoflife.date/amazon-eks; dates as published in 2026. EKS stops creating clusters
 * at a version once its extended support has ended.
 * Add a row when EKS releases a new minor.
 */
export interface EksVersionInfo {
  /** Kubernetes minor, e.g. `1.31`. */
  readonly version: string;
  /** EKS release date (ISO). */
  readonly released: string;
  /** End of standard support (ISO). */
  readonly endOfStandardSupport: string;
  /** End of extended support (ISO): after it EKS no longer creates clusters at this version. */
  readonly endOfExtendedSupport: string;
}

export const EKS_VERSIONS: readonly EksVersionInfo[] = [
  { version: '1.27', released: '2023-05-24', endOfStandardSupport: '2024-07-24', endOfExtendedSupport: '2025-07-24' },
  { version: '1.28', released: '2023-09-26', endOfStandardSupport: '2024-11-26', endOfExtendedSupport: '2025-11-26' },
  { version: '1.29', released: '2024-01-23', endOfStandardSupport: '2025-03-23', endOfExtendedSupport: '2026-03-23' },
  { version: '1.30', released: '2024-05-23', endOfStandardSupport: '2025-07-23', endOfExtendedSupport: '2026-07-23' },
  { version: '1.31', released: '2024-09-26', endOfStandardSupport: '2025-11-26', endOfExtendedSupport: '2026-11-26' },
  { version: '1.32', released: '2025-01-23', endOfStandardSupport: '2026-03-23', endOfExtendedSupport: '2027-03-23' },
  { version: '1.33', released: '2025-05-29', endOfStandardSupport: '2026-07-29', endOfExtendedSupport: '2027-07-29' },
  { version: '1.34', released: '2025-10-02', endOfStandardSupport: '2026-12-02', endOfExtendedSupport: '2027-12-02' },
  { version: '1.35', released: '2026-01-27', endOfStandardSupport: '2027-03-27', endOfExtendedSupport: '2028-03-27' },
];

/** Support state of an EKS version on a given day. */
export enum EksSupportState {
  /** Not yet released on EKS (relative to the day checked). */
  UNRELEASED = 'unreleased',
  STANDARD = 'standard',
  EXTENDED = 'extended',
  /** Past end of extended support: EKS no longer creates clusters at this version. */
  ENDED = 'ended',
}

/** The row for a Kubernetes minor, or undefined when EKS never offered it (or the table predates it). */
export function findEksVersion(version: string): EksVersionInfo | undefined {
  return EKS_VERSIONS.find((v) => v.version === version);
}

/** The support state of an EKS version on day `asOf` (ISO date `YYYY-MM-DD`). Dates are end-exclusive. */
export function eksSupportState(info: EksVersionInfo, asOf: string): EksSupportState {
  if (asOf < info.released) return EksSupportState.UNRELEASED;
  if (asOf < info.endOfStandardSupport) return EksSupportState.STANDARD;
  if (asOf < info.endOfExtendedSupport) return EksSupportState.EXTENDED;
  return EksSupportState.ENDED;
}

/** EKS versions a new cluster can be created at on day `asOf`. */
export function creatableEksVersions(asOf: string): string[] {
  return EKS_VERSIONS.filter((v) => {
    const s = eksSupportState(v, asOf);
    return s === EksSupportState.STANDARD || s === EksSupportState.EXTENDED;
  }).map((v) => v.version);
}
