import { invalid } from '../private/errors';

/** The Gateway API release Istio's ambient install docs name for one Istio minor. */
export interface GatewayApiRelease {
  /** Gateway API tag, e.g. `v1.2.1`. */
  readonly version: string;
  /** Channel the docs install. */
  readonly channel: 'standard' | 'experimental';
}

/**
 * Istio minor → Gateway API CRDs its docs install (istio.io `archive/v1.xx` ambient install pages,
 * `k8s_gateway_api_version`; see ../shared/gateway-api/SOURCE.md). The waypoint `Gateway` needs only
 * the standard channel at every minor; the experimental channel the 1.22 and 1.28+ docs use is a
 * docs choice (1.28+: a workaround for kubernetes-sigs/gateway-api#4156).
 */
export const GATEWAY_API_FOR_MINOR: Readonly<Record<string, GatewayApiRelease>> = {
  '1.22': { version: 'v1.1.0', channel: 'experimental' },
  '1.23': { version: 'v1.1.0', channel: 'standard' },
  '1.24': { version: 'v1.2.0', channel: 'standard' },
  '1.25': { version: 'v1.2.1', channel: 'standard' },
  '1.26': { version: 'v1.3.0', channel: 'standard' },
  '1.27': { version: 'v1.3.0', channel: 'standard' },
  '1.28': { version: 'v1.4.0', channel: 'experimental' },
  '1.29': { version: 'v1.4.0', channel: 'experimental' },
  '1.30': { version: 'v1.5.1', channel: 'experimental' },
};

/** The Gateway API release for an Istio minor. */
export function gatewayApiFor(minor: string): GatewayApiRelease {
  const r = GATEWAY_API_FOR_MINOR[minor];
  if (!r) throw invalid('istioVersion', 'has no Gateway API release in the catalog', minor, `known minors: ${Object.keys(GATEWAY_API_FOR_MINOR).join(', ')}`);
  return r;
}

/**
 * The command that installs a release's CRDs (server-side apply: the experimental HTTPRoute CRD from
 * v1.4.0 is too large for the client-side last-applied annotation, kubernetes-sigs/gateway-api#4156).
 */
export function gatewayApiInstallCommand(r: GatewayApiRelease): string {
  return `kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/${r.version}/${r.channel}-install.yaml`;
}
