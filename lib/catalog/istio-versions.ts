import { invalid } from '../private/errors';
import {
  AmbientMaturity, CrdHandling, EndOfLife, RevisionTagObjects, ValuesWrapper, ZtunnelIstiodAddressing,
} from './istio-traits';

export * from './istio-traits';

/**
 * What the library knows about one Istio minor. **Adding a minor is one entry in {@link ISTIO_MINORS}
 * (and its `IstioVersion.V1_xx_y` constant below) plus its chart data in `../shared/istio-<minor>/`
 * and its column in the facts file**: the values seam reads only these traits, the
 * conformance tests run every minor of the table against its own charts and CRDs, and the
 * compatibility matrix, the upgrade planner and the README table are computed from this table.
 */
export interface IstioMinorInfo {
  /** The minor, e.g. `1.22`. */
  readonly minor: string;
  /** Released patches (istio/istio tags without pre-releases), oldest first; each is a published chart version. */
  readonly patches: readonly number[];
  /** Oldest Kubernetes minor istio.io supports for this release (inclusive). */
  readonly kubernetesMin: string;
  /** Newest Kubernetes minor istio.io supports for this release (inclusive). */
  readonly kubernetesMax: string;
  /** Ambient maturity in this minor. */
  readonly ambientMaturity: AmbientMaturity;
  /** End of life, from istio.io's supported-releases table. */
  readonly endOfLife: EndOfLife;
  /** Where the charts keep their defaults; a user value under this key is wrong (1.24+: the render fails). */
  readonly valuesWrapper: ValuesWrapper;
  /** istiod's `pilot.*` and cni's `cni.*` blocks are top-level (1.24+; the legacy prefixes are still merged on top). */
  readonly flattenedValues: boolean;
  /** How the base chart ships the CRDs. */
  readonly crdHandling: CrdHandling;
  /** Number of CRDs in the base chart (`crd-all.gen.yaml`). */
  readonly crdCount: number;
  /** The image registry the released charts default to. */
  readonly chartDefaultHub: string;
  /** What one revision tag renders to in the istiod chart. */
  readonly revisionTags: RevisionTagObjects;
  /** How ztunnel finds and is trusted by istiod. */
  readonly ztunnel: ZtunnelIstiodAddressing;
  /** Accepted `compatibilityVersion` values (the chart's `compatibility-version-*` profiles). */
  readonly compatibilityVersions: readonly string[];
  /** Default changes a running mesh notices on the hop *to* this minor (facts §3), one line each. */
  readonly hopNotes: readonly string[];
}

/** The image registry every Istio release since 1.31 (and every minor except 1.30) defaults to. */
export const ISTIO_DOCKER_HUB = 'docker.io/istio';

/**
 * Image registries Istio retires in December 2026 (istio.io blog "An update on our move to AWS",
 * 2026-08-21): Istio's 1.30 charts default to the first. Facts §2.2.
 */
export const RETIRED_ISTIO_REGISTRIES: readonly string[] = ['registry.istio.io', 'gcr.io/istio-release'];

const TAG_TEMPLATE_V1: RevisionTagObjects = { templates: ['templates/revision-tags.yaml'], tagService: false };
const TAG_TEMPLATE_V2: RevisionTagObjects = {
  templates: ['templates/revision-tags-mwc.yaml', 'templates/revision-tags-svc.yaml'], tagService: true,
};
const ZTUNNEL_STATIC = { resourceName: 'static', xdsAddressValue: true } as const;

/**
 * The version table. Sources (../shared/facts/istio-minor-hops.md): patches §6 "Released patch tags";
 * Kubernetes ranges and EOL §1 (istio.io's supportStatus.yml; 1.22–1.24 from facts/istio-1.22-to-1.24.md
 * §1–2); wrapper/flattening §2.3; CRDs §2.5; hub §2.2; revision tags §2.6; ztunnel/istiod §2.4, §2.7;
 * compatibility profiles: `shared/istio-<minor>/profiles/compatibility-version-*.yaml`; hop notes §3.
 * Expected EOL months ("~Aug 2026") are stored as the month's last day with `expected: true`.
 */
export const ISTIO_MINORS: readonly IstioMinorInfo[] = [
  {
    minor: '1.22', patches: [0, 1, 2, 3, 4, 5, 6, 7, 8], kubernetesMin: '1.27', kubernetesMax: '1.30',
    ambientMaturity: AmbientMaturity.BETA, endOfLife: { date: '2025-01-31', expected: true },
    valuesWrapper: ValuesWrapper.DEFAULTS, flattenedValues: false, crdHandling: CrdHandling.HELM_CRDS_DIR, crdCount: 14,
    chartDefaultHub: ISTIO_DOCKER_HUB, revisionTags: TAG_TEMPLATE_V1,
    ztunnel: { resourceName: 'static', xdsAddressValue: false },
    compatibilityVersions: ['1.20', '1.21'],
    hopNotes: [],
  },
  {
    minor: '1.23', patches: [0, 1, 2, 3, 4, 5, 6], kubernetesMin: '1.27', kubernetesMax: '1.30',
    ambientMaturity: AmbientMaturity.BETA, endOfLife: { date: '2025-04-16', expected: false },
    valuesWrapper: ValuesWrapper.DEFAULTS, flattenedValues: false, crdHandling: CrdHandling.HELM_CRDS_DIR, crdCount: 14,
    chartDefaultHub: ISTIO_DOCKER_HUB, revisionTags: TAG_TEMPLATE_V1,
    ztunnel: { ...ZTUNNEL_STATIC, trustedNamespaceValue: 'pilot.trustedZtunnelNamespace' },
    compatibilityVersions: ['1.20', '1.21', '1.22'],
    hopNotes: ['istiod sets CA_TRUSTED_NODE_ACCOUNTS=<ns>/ztunnel itself (pilot.trustedZtunnelNamespace when ztunnel runs elsewhere)'],
  },
  {
    minor: '1.24', patches: [0, 1, 2, 3, 4, 5, 6], kubernetesMin: '1.28', kubernetesMax: '1.31',
    ambientMaturity: AmbientMaturity.STABLE, endOfLife: { date: '2025-06-24', expected: false },
    valuesWrapper: ValuesWrapper.INTERNAL_DEFAULTS, flattenedValues: true, crdHandling: CrdHandling.TEMPLATES, crdCount: 14,
    chartDefaultHub: ISTIO_DOCKER_HUB, revisionTags: TAG_TEMPLATE_V1,
    ztunnel: { ...ZTUNNEL_STATIC, trustedNamespaceValue: 'trustedZtunnelNamespace' },
    compatibilityVersions: ['1.21', '1.22', '1.23'],
    hopNotes: [
      "values wrapper 'defaults' → '_internal_defaults_do_not_set'; istiod pilot.* and cni cni.* flattened (legacy prefixes still merged)",
      'base templates the CRDs by default: CRDs first created by a ≤1.23 base outside Helm need the one-time ownership adoption',
    ],
  },
  {
    minor: '1.25', patches: [0, 1, 2, 3, 4, 5], kubernetesMin: '1.29', kubernetesMax: '1.32',
    ambientMaturity: AmbientMaturity.STABLE, endOfLife: { date: '2025-09-30', expected: false },
    valuesWrapper: ValuesWrapper.INTERNAL_DEFAULTS, flattenedValues: true, crdHandling: CrdHandling.TEMPLATES, crdCount: 14,
    chartDefaultHub: ISTIO_DOCKER_HUB, revisionTags: TAG_TEMPLATE_V1,
    ztunnel: { resourceName: 'release-name', xdsAddressValue: true, trustedNamespaceValue: 'trustedZtunnelNamespace', trustedNameSincePatch: 2 },
    compatibilityVersions: ['1.22', '1.23', '1.24'],
    hopNotes: [
      'cni ambient.dnsCapture defaults to true (pods created before the cni upgrade keep the old rules until restarted)',
      "ztunnel resources are named after the Helm release unless resourceName is set (the library's release is 'ztunnel')",
    ],
  },
  {
    minor: '1.26', patches: [0, 1, 2, 3, 4, 5, 6, 7, 8], kubernetesMin: '1.29', kubernetesMax: '1.33',
    ambientMaturity: AmbientMaturity.STABLE, endOfLife: { date: '2025-12-22', expected: false },
    valuesWrapper: ValuesWrapper.INTERNAL_DEFAULTS, flattenedValues: true, crdHandling: CrdHandling.TEMPLATES, crdCount: 14,
    chartDefaultHub: ISTIO_DOCKER_HUB, revisionTags: TAG_TEMPLATE_V1,
    ztunnel: { ...ZTUNNEL_STATIC, trustedNamespaceValue: 'trustedZtunnelNamespace', trustedNameSincePatch: 0 },
    compatibilityVersions: ['1.23', '1.24', '1.25'],
    hopNotes: [
      "ztunnel resource names revert to 'ztunnel'",
      'cni rollingMaxUnavailable is ignored (use updateStrategy.rollingUpdate.maxUnavailable); the agent leaves the host network namespace',
    ],
  },
  {
    minor: '1.27', patches: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], kubernetesMin: '1.29', kubernetesMax: '1.33',
    ambientMaturity: AmbientMaturity.STABLE, endOfLife: { date: '2026-04-07', expected: false },
    valuesWrapper: ValuesWrapper.INTERNAL_DEFAULTS, flattenedValues: true, crdHandling: CrdHandling.TEMPLATES, crdCount: 14,
    chartDefaultHub: ISTIO_DOCKER_HUB, revisionTags: TAG_TEMPLATE_V1,
    ztunnel: { ...ZTUNNEL_STATIC, trustedNamespaceValue: 'trustedZtunnelNamespace', trustedNameSincePatch: 0 },
    compatibilityVersions: ['1.24', '1.25', '1.26'],
    hopNotes: ['networking.istio.io CRDs store v1 (handled by the base upgrade); the ambient profile adds meshConfig.serviceScopeConfigs'],
  },
  {
    minor: '1.28', patches: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], kubernetesMin: '1.30', kubernetesMax: '1.34',
    ambientMaturity: AmbientMaturity.STABLE, endOfLife: { date: '2026-07-01', expected: false },
    valuesWrapper: ValuesWrapper.INTERNAL_DEFAULTS, flattenedValues: true, crdHandling: CrdHandling.TEMPLATES, crdCount: 14,
    chartDefaultHub: ISTIO_DOCKER_HUB, revisionTags: TAG_TEMPLATE_V2,
    ztunnel: { ...ZTUNNEL_STATIC, trustedNamespaceValue: 'trustedZtunnelNamespace', trustedNameSincePatch: 0 },
    compatibilityVersions: ['1.25', '1.26', '1.27'],
    hopNotes: [
      'revision tags render from revision-tags-mwc.yaml and a tag Service (revision-tags-svc.yaml); security.istio.io CRDs store v1',
      'istiod 1.28 with ztunnel 1.27: ServiceEntries with resolution NONE are NACKed until ztunnel is upgraded',
    ],
  },
  {
    minor: '1.29', patches: [0, 1, 2, 3, 4, 5, 6], kubernetesMin: '1.31', kubernetesMax: '1.35',
    ambientMaturity: AmbientMaturity.STABLE, endOfLife: { date: '2026-08-31', expected: true },
    valuesWrapper: ValuesWrapper.INTERNAL_DEFAULTS, flattenedValues: true, crdHandling: CrdHandling.TEMPLATES, crdCount: 14,
    chartDefaultHub: ISTIO_DOCKER_HUB, revisionTags: TAG_TEMPLATE_V2,
    ztunnel: { ...ZTUNNEL_STATIC, trustedNamespaceValue: 'trustedZtunnelNamespace', trustedNameSincePatch: 0 },
    compatibilityVersions: ['1.25', '1.26', '1.27', '1.28'],
    hopNotes: ['cni ambient.reconcileIptablesOnStartup defaults to true: the cni upgrade rewrites the redirection rules of running ambient pods'],
  },
  {
    minor: '1.30', patches: [0, 1, 2, 3], kubernetesMin: '1.32', kubernetesMax: '1.36',
    ambientMaturity: AmbientMaturity.STABLE, endOfLife: { date: '2026-11-30', expected: true },
    valuesWrapper: ValuesWrapper.INTERNAL_DEFAULTS, flattenedValues: true, crdHandling: CrdHandling.TEMPLATES, crdCount: 15,
    chartDefaultHub: 'registry.istio.io/release', revisionTags: TAG_TEMPLATE_V2,
    ztunnel: { ...ZTUNNEL_STATIC, trustedNamespaceValue: 'trustedZtunnelNamespace', trustedNameSincePatch: 0 },
    compatibilityVersions: ['1.25', '1.26', '1.27', '1.28', '1.29'],
    hopNotes: [
      "charts default to registry.istio.io/release (retired Dec 2026): the library sets hub docker.io/istio unless 'imageHub' is given",
      'cni un-enrolls running pods in excludeNamespaces (default [kube-system]); new CRD trafficextensions.extensions.istio.io',
    ],
  },
];

/** Default Helm repository of the official Istio charts (every version; facts §2.1, blog 2026-08-21). */
export const ISTIO_CHART_REPOSITORY = 'https://blob.istio.io/istio-release/charts';
/** Istio's OCI registry for the same charts, usable as `chartRepository`. */
export const ISTIO_OCI_CHART_REPOSITORY = 'oci://ghcr.io/istio/release/charts';
/** Where the charts were published until December 2026 (removed then): for messages and the README. */
export const ISTIO_LEGACY_CHART_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';

function describeSupported(): string {
  return ISTIO_MINORS.map((m) => `${m.minor}.${m.patches[0]} … ${m.minor}.${m.patches[m.patches.length - 1]}`).join(', ');
}

/** The minor's row, or undefined. */
export function findIstioMinor(minor: string): IstioMinorInfo | undefined {
  return ISTIO_MINORS.find((m) => m.minor === minor);
}

/**
 * An Istio release the library can install. Use a constant (`IstioVersion.V1_30_3`) or
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
  /** Latest 1.22 patch (fixes two ambient PeerAuthentication bugs of earlier patches). */
  public static readonly V1_22_8 = IstioVersion.of('1.22.8');
  /** Latest 1.23 patch. */
  public static readonly V1_23_6 = IstioVersion.of('1.23.6');
  /** Latest 1.24 patch. */
  public static readonly V1_24_6 = IstioVersion.of('1.24.6');
  /** Latest 1.25 patch. */
  public static readonly V1_25_5 = IstioVersion.of('1.25.5');
  /** Latest 1.26 patch. */
  public static readonly V1_26_8 = IstioVersion.of('1.26.8');
  /** Latest 1.27 patch. */
  public static readonly V1_27_9 = IstioVersion.of('1.27.9');
  /** Latest 1.28 patch. */
  public static readonly V1_28_10 = IstioVersion.of('1.28.10');
  /** Latest 1.29 patch. */
  public static readonly V1_29_6 = IstioVersion.of('1.29.6');
  /** Latest 1.30 patch. */
  public static readonly V1_30_3 = IstioVersion.of('1.30.3');
  /** What the library installs when no version is given: 1.22.8, the release this library is for (end of life; synth warns). */
  public static readonly DEFAULT = IstioVersion.V1_22_8;
  /** The newest release in the version table. */
  public static readonly LATEST = IstioVersion.V1_30_3;

  /**
   * A release by its canonical version string, e.g. `1.22.3` (no leading zeros, no suffix).
   * @param prop the prop name used in the error message
   * @throws IstioMeshValidationError when the version is not a canonical release in the version table
   */
  public static of(version: string, prop = 'istioVersion'): IstioVersion {
    const match = typeof version === 'string' ? /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(version) : null;
    const info = match ? findIstioMinor(`${match[1]}.${match[2]}`) : undefined;
    if (!match || !info || !info.patches.includes(Number(match[3]))) {
      throw invalid(prop, 'must be a supported Istio release', version, `supported: ${describeSupported()}`);
    }
    return new IstioVersion(version, info, Number(match[3]));
  }

  /** Every release in the version table, oldest first. */
  public static supported(): IstioVersion[] {
    return ISTIO_MINORS.flatMap((m) => m.patches.map((p) => IstioVersion.of(`${m.minor}.${p}`)));
  }

  /** The latest patch of each minor, oldest minor first. */
  public static latestPatches(): IstioVersion[] {
    return ISTIO_MINORS.map((m) => IstioVersion.of(`${m.minor}.${m.patches[m.patches.length - 1]}`));
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
    return minorRange(this.info.kubernetesMin, this.info.kubernetesMax);
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

/** `major.minor` strings from `lo` to `hi` inclusive (same major). */
export function minorRange(lo: string, hi: string): string[] {
  const [major, a] = lo.split('.').map(Number);
  const b = Number(hi.split('.')[1]);
  const out: string[] = [];
  for (let m = a; m <= b; m++) out.push(`${major}.${m}`);
  return out;
}
