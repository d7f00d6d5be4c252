import { invalid } from '../private/errors';

/** Maturity of ambient mode in an Istio minor. */
export enum AmbientMaturity {
  ALPHA = 'alpha',
  BETA = 'beta',
  STABLE = 'stable',
}

/** What the library knows about one Istio minor. Add a row to {@link ISTIO_MINORS} to support a new minor. */
export interface IstioMinorInfo {
  /** The minor, e.g. `1.22`. */
  readonly minor: string;
  /** Patch releases published as Helm charts, oldest first. */
  readonly patches: readonly number[];
  /** Oldest Kubernetes minor Istio supports for this release (inclusive). */
  readonly kubernetesMin: string;
  /** Newest Kubernetes minor Istio supports for this release (inclusive). */
  readonly kubernetesMax: string;
  /** Ambient maturity in this minor. */
  readonly ambientMaturity: AmbientMaturity;
  /** Whether the base chart keeps CRDs in Helm's `crds/` (true up to 1.23; 1.24 templates them by default). */
  readonly crdsInHelmCrdsDir: boolean;
  /** End of life of the minor (ISO date), from istio.io's supported-releases table. */
  readonly endOfLife: string;
}

/**
 * The version table: the single place a future minor is added.
 * Sources: ../shared/facts/istio-1.22.md §f (tags 1.22.0 … 1.22.8, Kubernetes 1.27–1.30, ambient beta).
 */
export const ISTIO_MINORS: readonly IstioMinorInfo[] = [
  {
    minor: '1.22',
    patches: [0, 1, 2, 3, 4, 5, 6, 7, 8],
    kubernetesMin: '1.27',
    kubernetesMax: '1.30',
    ambientMaturity: AmbientMaturity.BETA,
    crdsInHelmCrdsDir: true,
    endOfLife: '2025-01-23',
  },
];

/** The Helm repository the official Istio charts are published to. */
export const ISTIO_CHART_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';

function supportedList(): string[] {
  return ISTIO_MINORS.flatMap((m) => m.patches.map((p) => `${m.minor}.${p}`));
}

function describeSupported(): string {
  return ISTIO_MINORS.map((m) => `${m.minor}.${m.patches[0]} … ${m.minor}.${m.patches[m.patches.length - 1]}`).join(', ');
}

/**
 * An Istio release the library can install. Use a constant (`IstioVersion.V1_22_8`) or
 * `IstioVersion.of('1.22.3')`; anything outside the version table fails at synth.
 */
export class IstioVersion {
  public static readonly V1_22_0 = IstioVersion.of('1.22.0');
  public static readonly V1_22_1 = IstioVersion.of('1.22.1');
  public static readonly V1_22_2 = IstioVersion.of('1.22.2');
  public static readonly V1_22_3 = IstioVersion.of('1.22.3');
  public static readonly V1_22_4 = IstioVersion.of('1.22.4');
  public static readonly V1_22_5 = IstioVersion.of('1.22.5');
  public static readonly V1_22_6 = IstioVersion.of('1.22.6');
  public static readonly V1_22_7 = IstioVersion.of('1.22.7');
  public static readonly V1_22_8 = IstioVersion.of('1.22.8');
  /** The latest supported release: 1.22.8 (fixes two ambient PeerAuthentication bugs of earlier patches). */
  public static readonly LATEST = IstioVersion.V1_22_8;

  /**
   * A release by its version string, e.g. `1.22.3`.
   * @param prop the prop name used in the error message
   * @throws IstioMeshValidationError when the version is not in the version table
   */
  public static of(version: string, prop = 'istioVersion'): IstioVersion {
    const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
    const minor = match ? `${match[1]}.${match[2]}` : undefined;
    const info = ISTIO_MINORS.find((m) => m.minor === minor);
    if (!match || !info || !info.patches.includes(Number(match[3]))) {
      throw invalid(prop, 'must be a supported Istio release', version, `supported: ${describeSupported()}`);
    }
    return new IstioVersion(version, info, Number(match[3]));
  }

  /** Every release in the version table, oldest first. */
  public static supported(): IstioVersion[] {
    return supportedList().map((v) => IstioVersion.of(v));
  }

  private constructor(
    /** The full version, e.g. `1.22.8`; also the chart version of every Istio chart. */
    public readonly version: string,
    /** The minor's row in the version table. */
    public readonly info: IstioMinorInfo,
    /** The patch number. */
    public readonly patch: number,
  ) {}

  /** The minor, e.g. `1.22`. */
  public get minor(): string {
    return this.info.minor;
  }

  /** The canonical revision name for this release, e.g. `1-22-8` (revisions may not contain dots). */
  public get revisionName(): string {
    return this.version.replace(/\./g, '-');
  }

  /** Whether a Kubernetes minor (e.g. `1.29`) is in this release's supported range. */
  public supportsKubernetes(kubernetesVersion: string): boolean {
    return compareMinor(kubernetesVersion, this.info.kubernetesMin) >= 0 && compareMinor(kubernetesVersion, this.info.kubernetesMax) <= 0;
  }

  /** Kubernetes minors in this release's supported range, e.g. `['1.27', …, '1.30']`. */
  public get supportedKubernetesVersions(): string[] {
    const [major, lo] = this.info.kubernetesMin.split('.').map(Number);
    const hi = Number(this.info.kubernetesMax.split('.')[1]);
    const out: string[] = [];
    for (let m = lo; m <= hi; m++) out.push(`${major}.${m}`);
    return out;
  }

  public toString(): string {
    return this.version;
  }
}

/** Compares two `major.minor` strings numerically: negative, zero or positive. */
export function compareMinor(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}
