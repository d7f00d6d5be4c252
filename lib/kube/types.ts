/**
 * The narrow views of Kubernetes objects the CLIs work with. The client maps
 * `@kubernetes/client-node` models onto these, so callers never depend on the generated types.
 */

/** Kubernetes server version (`GET /version`). */
export interface ServerVersion {
  readonly gitVersion: string;
  readonly major: string;
  readonly minor: string;
}

/** A ConfigMap's identity, labels and string data. */
export interface ConfigMapView {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
}

/** A namespace's labels. */
export interface NamespaceView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The parts of a pod the CLIs inspect. */
export interface PodView {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Node the pod is bound to; undefined while pending. */
  readonly nodeName?: string;
  /** `status.phase`, e.g. `Running`. */
  readonly phase?: string;
  /** The pod's `Ready` condition is `True`; undefined when the pod reports no `Ready` condition. */
  readonly ready?: boolean;
  /** Names of `spec.containers`. */
  readonly containers: readonly string[];
  /** Names of `spec.initContainers` (native sidecars appear here). */
  readonly initContainers: readonly string[];
  /** Kinds of the owner references, e.g. `['ReplicaSet']` or `['Job']`. */
  readonly ownerKinds: readonly string[];
  /** Container name → image, for `spec.containers` and `spec.initContainers`. */
  readonly images: Readonly<Record<string, string>>;
}

/** A node's name and labels. */
export interface NodeView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A Job condition (`Complete`, `Failed`, …). */
export interface JobConditionView {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

/** The status counters and conditions of a Job. */
export interface JobStatusView {
  readonly name: string;
  readonly namespace: string;
  readonly active: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly conditions: readonly JobConditionView[];
}
