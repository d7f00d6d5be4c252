import { compareMinor } from './istio-versions';

/** One Istio (or Gateway API) kind and the API versions the CRDs serve. */
export interface IstioApiKind {
  readonly group: string;
  readonly kind: string;
  /** Every served version, at every minor from `sinceMinor` on. */
  readonly served: readonly string[];
  /** The version to use: `v1` where it exists; undefined for kinds that only have an alpha/beta API. */
  readonly stable?: string;
  /** First minor whose CRDs have the kind. @default - every supported minor */
  readonly sinceMinor?: string;
}

const NETWORKING_V1 = ['v1', 'v1alpha3', 'v1beta1'];

/**
 * Served versions of Istio's CRDs (`crd-all.gen.yaml` of 1.22 … 1.30, identical across those minors
 * except TrafficExtension, new in 1.30) and of the Gateway API kinds the library emits (v1 and
 * v1beta1 served in every Gateway API release Istio 1.22 … 1.30 names). Checked against the CRDs by
 * test/catalog/istio-apis.test.ts.
 */
export const ISTIO_API_KINDS: readonly IstioApiKind[] = [
  ...['DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'VirtualService', 'WorkloadEntry', 'WorkloadGroup']
    .map((kind) => ({ group: 'networking.istio.io', kind, served: NETWORKING_V1, stable: 'v1' })),
  { group: 'networking.istio.io', kind: 'EnvoyFilter', served: ['v1alpha3'] },
  { group: 'networking.istio.io', kind: 'ProxyConfig', served: ['v1beta1'] },
  ...['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']
    .map((kind) => ({ group: 'security.istio.io', kind, served: ['v1', 'v1beta1'], stable: 'v1' })),
  { group: 'telemetry.istio.io', kind: 'Telemetry', served: ['v1', 'v1alpha1'], stable: 'v1' },
  { group: 'extensions.istio.io', kind: 'WasmPlugin', served: ['v1alpha1'] },
  { group: 'extensions.istio.io', kind: 'TrafficExtension', served: ['v1alpha1'], sinceMinor: '1.30' },
  ...['Gateway', 'HTTPRoute', 'GatewayClass']
    .map((kind) => ({ group: 'gateway.networking.k8s.io', kind, served: ['v1', 'v1beta1'], stable: 'v1' })),
];

/** Verdict on one `apiVersion`/`kind` at a minor. */
export type ApiVersionVerdict =
  | { readonly status: 'ok' }
  | { readonly status: 'unknown-kind' }
  | { readonly status: 'not-served'; readonly served: readonly string[] }
  | { readonly status: 'superseded'; readonly stable: string }
  | { readonly status: 'alpha-only'; readonly version: string };

/** Whether `apiVersion` of `kind` is served by the minor's CRDs, and whether a stable version supersedes it. */
export function apiVersionVerdict(minor: string, apiVersion: string, kind: string): ApiVersionVerdict {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const row = ISTIO_API_KINDS.find((k) => k.group === group && k.kind === kind);
  if (!row) return { status: 'unknown-kind' };
  if (row.sinceMinor && compareMinor(minor, row.sinceMinor) < 0) return { status: 'not-served', served: [] };
  if (!row.served.includes(version)) return { status: 'not-served', served: row.served };
  if (row.stable === undefined) return /alpha/.test(version) ? { status: 'alpha-only', version } : { status: 'ok' };
  return version === row.stable ? { status: 'ok' } : { status: 'superseded', stable: row.stable };
}
