import { App } from 'cdktf';
import { SUPPORT_DATE_CONTEXT, isoDay } from '../lib/catalog/compatibility';
import { creatableEksVersions } from '../lib/catalog/eks-versions';
import { IstioVersion } from '../lib/catalog/istio-versions';
import { CHARTS_DIR_CONTEXT } from '../lib/istio/checks/chart-source';

/**
 * Synth-time choices of the ready stacks: context first (`CDKTF_CONTEXT_JSON`, or `context` in cdktf.json,
 * which the cdktf CLI copies into `CDKTF_CONTEXT_JSON`; cdktf 0.21 has no `-c` option), then the
 * environment, then defaults.
 */
export interface ReadyStackConfig {
  readonly istioVersion: IstioVersion;
  readonly kubernetesVersion: string;
  readonly allowUnsupportedKubernetesVersion: boolean;
  /** The benchmark stack also deploys the `ambient-waypoint` mode (context `benchmarkWaypoint`, env `BENCH_WAYPOINT`; needs the Gateway API CRDs). */
  readonly benchmarkWaypoint: boolean;
  /**
   * Directory of Istio charts pulled with Helm, which the CIM-6003 precheck compares every release's
   * values with (context `cdktf-istio-mesh:chartsDir`, env `ISTIO_CHARTS_DIR`); undefined: check off.
   */
  readonly chartsDir?: string;
}

/**
 * Kubernetes version of a new cluster when there is no EKS version the Istio release supports (Istio
 * 1.22 today): 1.32, the closest to 1.22's 1.27–1.30 that EKS creates for months, not days.
 */
export const FALLBACK_KUBERNETES_VERSION = '1.32';

/**
 * The Istio version decides chart values, so it is chosen at synth (`ISTIO_VERSION` or context
 * `istioVersion`), not as a Terraform variable. The new cluster's Kubernetes version defaults to the
 * newest one the Istio release supports that EKS creates on the support date (e.g. `ISTIO_VERSION=1.30.3`
 * → 1.35, a supported pair: no opt-in, no warning). When there is none (the default Istio 1.22.8
 * today), it is {@link FALLBACK_KUBERNETES_VERSION} with the opt-in on, and synth warns (see README).
 */
export function readyStackConfig(app: App): ReadyStackConfig {
  const ctx = (key: string): string | undefined => {
    const v = app.node.tryGetContext(key);
    return typeof v === 'string' ? v : undefined;
  };
  const istio = ctx('istioVersion') ?? process.env.ISTIO_VERSION;
  const istioVersion = istio ? IstioVersion.of(istio, 'ISTIO_VERSION') : IstioVersion.DEFAULT;
  const asOf = isoDay(app.node.tryGetContext(SUPPORT_DATE_CONTEXT));
  const supported = creatableEksVersions(asOf).filter((v) => istioVersion.supportsKubernetes(v));
  const k8s = ctx('kubernetesVersion') ?? process.env.KUBERNETES_VERSION ?? supported[supported.length - 1] ?? FALLBACK_KUBERNETES_VERSION;
  // The prechecks read the context from the stacks' tree, so the environment's value becomes app context
  // (possible only before the first stack is added, which is when the ready app calls this).
  if (ctx(CHARTS_DIR_CONTEXT) === undefined && process.env.ISTIO_CHARTS_DIR && app.node.children.length === 0) {
    app.node.setContext(CHARTS_DIR_CONTEXT, process.env.ISTIO_CHARTS_DIR);
  }
  const allow = ctx('allowUnsupportedKubernetesVersion') ?? process.env.ALLOW_UNSUPPORTED_KUBERNETES_VERSION ?? String(supported.length === 0);
  return {
    istioVersion,
    kubernetesVersion: k8s,
    allowUnsupportedKubernetesVersion: allow === 'true',
    benchmarkWaypoint: (ctx('benchmarkWaypoint') ?? process.env.BENCH_WAYPOINT) === 'true',
    chartsDir: ctx(CHARTS_DIR_CONTEXT),
  };
}
