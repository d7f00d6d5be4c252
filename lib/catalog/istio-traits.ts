/**
 * The per-minor traits an installer of Istio's Helm charts must know, as types. The values of each
 * trait per minor live in the version table (`istio-versions.ts`); the sources are
 * ../shared/facts/istio-minor-hops.md (cited per field) and each minor's ../shared/istio-<minor>/SOURCE.md.
 */

/** Maturity of ambient mode in an Istio minor. */
export enum AmbientMaturity {
  ALPHA = 'alpha',
  BETA = 'beta',
  STABLE = 'stable',
}

/** Where a chart's own defaults sit in its `values.yaml` (facts §2.3). */
export enum ValuesWrapper {
  /** 1.22–1.23: `defaults:`; a user value under `defaults` lands silently in the defaults. */
  DEFAULTS = 'defaults',
  /** 1.24+: `_internal_defaults_do_not_set:`; a user value under `defaults` fails the render. */
  INTERNAL_DEFAULTS = '_internal_defaults_do_not_set',
}

/** How the base chart ships Istio's CRDs (facts §2.5). */
export enum CrdHandling {
  /**
   * 1.22–1.23: `crds/` (install-only, never upgraded by Helm) unless `base.enableCRDTemplates=true`
   * renders them as templates. The library always sets it (and `skip_crds`), so the base release
   * owns and upgrades the CRDs from the first install.
   */
  HELM_CRDS_DIR = 'helm-crds-dir',
  /** 1.24+: `files/` rendered by `templates/crds.yaml` (default `base.enableCRDTemplates=true`). */
  TEMPLATES = 'templates',
}

/** The objects one revision tag consists of when the istiod chart renders it (facts §2.6). */
export interface RevisionTagObjects {
  /** The istiod chart templates that render a tag (`helm template -s <template>`). */
  readonly templates: readonly string[];
  /** 1.28+: a Service `istiod-revision-tag-<tag>` besides the MutatingWebhookConfiguration. */
  readonly tagService: boolean;
}

/** How ztunnel finds istiod and how istiod trusts ztunnel (facts §2.7, §2.4). */
export interface ZtunnelIstiodAddressing {
  /**
   * The istiod value naming the namespace whose `ztunnel` ServiceAccount istiod trusts, when it is
   * not istiod's own namespace; undefined when the chart has none (1.22: the ambient profile's
   * `pilot.env.CA_TRUSTED_NODE_ACCOUNTS` lists `istio-system/ztunnel,kube-system/ztunnel`).
   */
  readonly trustedNamespaceValue?: 'pilot.trustedZtunnelNamespace' | 'trustedZtunnelNamespace';
  /** First patch with istiod's `trustedZtunnelName` (1.25.2); undefined when the minor has none. */
  readonly trustedNameSincePatch?: number;
  /**
   * What ztunnel's DaemonSet/ServiceAccount are named: `static` = `ztunnel`; `release-name` (1.25
   * only) = the Helm release name unless `resourceName` is set. A release not named `ztunnel`
   * then needs `resourceName: ztunnel`, or istiod stops trusting its certificate requests.
   */
  readonly resourceName: 'static' | 'release-name';
  /** ztunnel has `xdsAddress` (1.23+); `caAddress` and `revision` exist in every minor. */
  readonly xdsAddressValue: boolean;
}

/** A value public examples or older minors set that this minor's charts do not read. */
export interface KnownWrongKey {
  /** The chart that ignores it, or `*` for every Istio chart. */
  readonly chart: 'base' | 'cni' | 'istiod' | 'ztunnel' | '*';
  /** Dotted value path. */
  readonly path: string;
  /** What to set instead. */
  readonly fix: string;
}

/** An end-of-life date, exact or as istio.io states an expectation ("~Nov 2026 (Expected)"). */
export interface EndOfLife {
  /** ISO date; for an expected month, the month's last day (no warning before it is certain). */
  readonly date: string;
  /** True when istio.io gives only an expected month. */
  readonly expected: boolean;
}
