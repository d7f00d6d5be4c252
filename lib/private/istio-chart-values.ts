import { ISTIO_DOCKER_HUB, IstioVersion, RETIRED_ISTIO_REGISTRIES, ValuesWrapper, compareMinor } from '../catalog/istio-versions';
import { ISTIO_SYSTEM_NAMESPACE } from '../wire/istio';
import { HelmValues } from './helm-values';

/** The official Istio charts the library installs, by published chart name. */
export enum IstioChart {
  BASE = 'base',
  CNI = 'cni',
  ISTIOD = 'istiod',
  ZTUNNEL = 'ztunnel',
}

/** Install order of the Istio 1.22 ambient docs (../shared/facts/istio-1.22.md §a). */
export const AMBIENT_INSTALL_ORDER: readonly IstioChart[] = [IstioChart.BASE, IstioChart.CNI, IstioChart.ISTIOD, IstioChart.ZTUNNEL];
/**
 * Order from 1.23 on (facts/istio-minor-hops.md §2.8): istiod before cni and ztunnel, because cni and
 * ztunnel N work only with a control plane N or N+1. Terraform applies a version change in this
 * dependency order, so a hop upgrades istiod first, as the docs require.
 */
export const AMBIENT_UPGRADE_ORDER: readonly IstioChart[] = [IstioChart.BASE, IstioChart.ISTIOD, IstioChart.CNI, IstioChart.ZTUNNEL];

/** The dependency order of the charts for a release: the 1.22 docs' order, then the documented upgrade order. */
export function ambientInstallOrder(version: IstioVersion): readonly IstioChart[] {
  return compareMinor(version.minor, '1.23') < 0 ? AMBIENT_INSTALL_ORDER : AMBIENT_UPGRADE_ORDER;
}

/** The namespace the library installs Istio into unless told otherwise. */
export const DEFAULT_ISTIO_NAMESPACE = ISTIO_SYSTEM_NAMESPACE;
/** The name ztunnel's ServiceAccount must have for istiod to trust it (every minor's default). */
export const ZTUNNEL_RESOURCE_NAME = 'ztunnel';

/** Inputs that shape the values the library sets on one chart. */
export interface IstioValuesOptions {
  /** Image registry for every Istio image (`global.hub`, ztunnel `hub`). @default - the chart's, except where that registry is retired */
  readonly imageHub?: string;
  /** Control-plane revision: istiod's `revision`, and the revision ztunnel connects to. @default - none (the default revision) */
  readonly revision?: string;
  /** Namespace of the istiod release. @default 'istio-system' */
  readonly istiodNamespace?: string;
  /** Namespace of the ztunnel release; istiod is told to trust it when it differs from istiod's. @default - istiodNamespace */
  readonly ztunnelNamespace?: string;
  /** Helm release name of ztunnel (1.25 names ztunnel's resources after it). @default 'ztunnel' */
  readonly ztunnelReleaseName?: string;
}

/** The Helm `profile` the ambient install uses. */
export const AMBIENT_PROFILE = 'ambient';

/** The hub the library sets when the user gives none: only when the chart's own default is a retired registry. */
export function effectiveImageHub(version: IstioVersion, imageHub: string | undefined): string | undefined {
  if (imageHub !== undefined) return imageHub;
  return isRetiredRegistry(version.info.chartDefaultHub) ? ISTIO_DOCKER_HUB : undefined;
}

/** True for an image hub under a registry Istio retires (registry.istio.io, gcr.io/istio-release). */
export function isRetiredRegistry(hub: string): boolean {
  return RETIRED_ISTIO_REGISTRIES.some((r) => hub === r || hub.startsWith(`${r}/`));
}

/**
 * The one seam that computes chart values from (chart, version, options): the values the library
 * sets before the user's escape-hatch values. It writes each key where that minor's chart reads it
 * (`pilot.*` before 1.24, top-level after) and nothing that minor ignores; test/conformance checks
 * every output against `../shared/istio-<minor>/` and test/catalog/hop-values.test.ts checks the
 * per-hop differences against the facts file.
 *
 * - base: CRDs as Helm-owned templates from the first install (`base.enableCRDTemplates` where it is
 *   not already the default), so `helm upgrade` of base upgrades them in every minor.
 * - istiod, cni: `profile: ambient`; ztunnel without a profile, as the docs install it.
 * - hub: `imageHub`, or `docker.io/istio` where the chart defaults to a retired registry (1.30).
 * - istiod trusts ztunnel's namespace when it differs (`CA_TRUSTED_NODE_ACCOUNTS` in 1.22,
 *   `pilot.trustedZtunnelNamespace` in 1.23, `trustedZtunnelNamespace` from 1.24).
 * - ztunnel `resourceName: ztunnel` on 1.25 when its release has another name.
 */
export function istioChartValues(chart: IstioChart, version: IstioVersion, options: IstioValuesOptions = {}): HelmValues {
  const info = version.info;
  const hub = effectiveImageHub(version, options.imageHub);
  const global = hub !== undefined ? { global: { hub } } : {};
  switch (chart) {
    case IstioChart.BASE:
      return info.valuesWrapper === ValuesWrapper.DEFAULTS ? { base: { enableCRDTemplates: true } } : {};
    case IstioChart.CNI:
      return { profile: AMBIENT_PROFILE, ...global };
    case IstioChart.ISTIOD:
      return {
        profile: AMBIENT_PROFILE,
        ...global,
        ...(options.revision !== undefined ? { revision: options.revision } : {}),
        ...trustedZtunnelValues(version, options),
      };
    case IstioChart.ZTUNNEL: {
      const release = options.ztunnelReleaseName ?? ZTUNNEL_RESOURCE_NAME;
      return {
        ...(hub !== undefined ? { hub } : {}),
        ...(options.revision !== undefined ? { revision: options.revision } : {}),
        ...(info.ztunnel.resourceName === 'release-name' && release !== ZTUNNEL_RESOURCE_NAME ? { resourceName: ZTUNNEL_RESOURCE_NAME } : {}),
      };
    }
  }
}

/** istiod values that make it trust ztunnel's ServiceAccount when ztunnel runs outside istiod's namespace. */
function trustedZtunnelValues(version: IstioVersion, options: IstioValuesOptions): HelmValues {
  const istiodNs = options.istiodNamespace ?? DEFAULT_ISTIO_NAMESPACE;
  const ztunnelNs = options.ztunnelNamespace ?? istiodNs;
  if (ztunnelNs === istiodNs) return {};
  switch (version.info.ztunnel.trustedNamespaceValue) {
    case 'trustedZtunnelNamespace':
      return { trustedZtunnelNamespace: ztunnelNs };
    case 'pilot.trustedZtunnelNamespace':
      return { pilot: { trustedZtunnelNamespace: ztunnelNs } };
    case undefined:
      // 1.22: no value; the ambient profile trusts istio-system/ztunnel and kube-system/ztunnel only.
      return { pilot: { env: { CA_TRUSTED_NODE_ACCOUNTS: `${ztunnelNs}/${ZTUNNEL_RESOURCE_NAME}` } } };
  }
}

/**
 * Namespaces the user's cni escape values exclude from istio-cni (`excludeNamespaces`, or
 * `cni.excludeNamespaces`, which 1.22–1.23 read and 1.24+ still merge on top). Pods there are never
 * redirected, and from 1.30 running pods there are un-enrolled (facts/istio-minor-hops.md §3.8).
 */
export function cniExcludedNamespaces(cniValues: HelmValues | undefined, version: IstioVersion): string[] {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const legacy = (cniValues?.cni as HelmValues | undefined)?.excludeNamespaces;
  return version.info.flattenedValues ? [...list(cniValues?.excludeNamespaces), ...list(legacy)] : list(legacy);
}
