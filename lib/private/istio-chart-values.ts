import { HelmValues } from './helm-values';

/** The official Istio charts the library installs, by published chart name. */
export enum IstioChart {
  BASE = 'base',
  CNI = 'cni',
  ISTIOD = 'istiod',
  ZTUNNEL = 'ztunnel',
}

/** Install order documented for ambient in 1.22 (../shared/facts/istio-1.22.md §a). */
export const AMBIENT_INSTALL_ORDER: readonly IstioChart[] = [IstioChart.BASE, IstioChart.CNI, IstioChart.ISTIOD, IstioChart.ZTUNNEL];

/** Inputs that shape the values the library sets. */
export interface IstioValuesInput {
  /** Image registry override (`global.hub`, ztunnel `hub`). */
  readonly imageHub?: string;
  /** istiod revision (canaries); ztunnel follows it. */
  readonly revision?: string;
}

/** The Helm `profile` the ambient install uses on istiod and cni. */
export const AMBIENT_PROFILE = 'ambient';

/**
 * The values the library sets on each chart, before the user's escape-hatch values. Every key here
 * exists in the chart at every supported version (test/conformance proves it).
 */
export function istioChartValues(chart: IstioChart, input: IstioValuesInput = {}): HelmValues {
  const hub = input.imageHub;
  switch (chart) {
    case IstioChart.BASE:
      // CRDs as Helm-owned templates from the first install, so `helm upgrade` upgrades them
      // (the chart's `crds/` directory is install-only); the release sets skip_crds.
      return { base: { enableCRDTemplates: true } };
    case IstioChart.CNI:
      return { profile: AMBIENT_PROFILE, ...(hub !== undefined ? { global: { hub } } : {}) };
    case IstioChart.ISTIOD:
      return {
        profile: AMBIENT_PROFILE,
        ...(hub !== undefined ? { global: { hub } } : {}),
        ...(input.revision !== undefined ? { revision: input.revision } : {}),
      };
    case IstioChart.ZTUNNEL:
      // Installed without a profile, as the 1.22 doc does (the ambient profile only sets the variant here).
      return {
        ...(hub !== undefined ? { hub } : {}),
        ...(input.revision !== undefined ? { revision: input.revision } : {}),
      };
  }
}
