import { App } from 'cdktf';
import { IstioVersion } from '../lib/catalog/istio-versions';

/**
 * Synth-time choices of the ready stacks: context first (`CDKTF_CONTEXT_JSON`, or `context` in cdktf.json,
 * which the cdktf CLI copies into `CDKTF_CONTEXT_JSON`; cdktf 0.21 has no `-c` option), then the
 * environment, then defaults.
 */
export interface ReadyStackConfig {
  readonly istioVersion: IstioVersion;
  readonly kubernetesVersion: string;
  readonly allowUnsupportedKubernetesVersion: boolean;
}

/**
 * The Istio version decides chart values, so it is chosen at synth (`ISTIO_VERSION` or context
 * `istioVersion`), not as a Terraform variable. The default Kubernetes version for new clusters is
 * 1.32: the closest to Istio 1.22's supported 1.27–1.30 that EKS still creates (see README).
 */
export function readyStackConfig(app: App): ReadyStackConfig {
  const ctx = (key: string): string | undefined => {
    const v = app.node.tryGetContext(key);
    return typeof v === 'string' ? v : undefined;
  };
  const istio = ctx('istioVersion') ?? process.env.ISTIO_VERSION;
  const k8s = ctx('kubernetesVersion') ?? process.env.KUBERNETES_VERSION ?? '1.32';
  const allow = ctx('allowUnsupportedKubernetesVersion') ?? process.env.ALLOW_UNSUPPORTED_KUBERNETES_VERSION ?? 'true';
  return {
    istioVersion: istio ? IstioVersion.of(istio, 'ISTIO_VERSION') : IstioVersion.LATEST,
    kubernetesVersion: k8s,
    allowUnsupportedKubernetesVersion: allow === 'true',
  };
}
