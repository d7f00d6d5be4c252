/**
 * Typed Istio custom resources the library renders into its generated chart. Only the fields the
 * library sets are typed; every emitted object is validated against the real CRD schema in tests.
 */

/** Metadata of a Kubernetes object the library renders; `namespace` is absent for cluster-scoped kinds. */
export interface KubernetesObjectMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/**
 * A Kubernetes object as rendered into a generated chart: the common header; the body fields
 * (`spec`, `webhooks`, …) are the kind's own and validated per kind in tests.
 */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KubernetesObjectMetadata;
}

/** Metadata of an Istio resource: always namespaced. */
export interface IstioResourceMetadata extends KubernetesObjectMetadata {
  readonly namespace: string;
}

/** An Istio custom resource as rendered into the chart. */
export interface IstioResource extends KubernetesObject {
  readonly metadata: IstioResourceMetadata;
  readonly spec: Record<string, unknown>;
}

/** Mesh-wide or namespace mTLS mode (`security.istio.io/v1` PeerAuthentication). */
export enum MtlsMode {
  /** Only mTLS traffic is accepted. */
  STRICT = 'STRICT',
  /** mTLS and plaintext are accepted: for migrations. */
  PERMISSIVE = 'PERMISSIVE',
}

/**
 * A selector-less PeerAuthentication: in the root namespace (`istio-system`) it sets the mesh-wide
 * mode; in another namespace, that namespace's mode.
 */
export function peerAuthentication(name: string, namespace: string, mode: MtlsMode): IstioResource {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    // No `app.kubernetes.io/managed-by` label: Helm sets it to `Helm` on every object it installs
    // (helm/helm pkg/action/validate.go, setMetadataVisitor), so a value of ours would be overwritten.
    metadata: { name, namespace },
    spec: { mtls: { mode } },
  };
}
