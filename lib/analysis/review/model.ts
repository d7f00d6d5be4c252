/**
 * What `mesh-review` knows about one synth output (`cdktf.out`), as read by the reader in
 * `lib/cli/synth-output-reader.ts`. The analysis layer judges these values and never touches files,
 * so it is tested with real synth outputs read once.
 */

/** A Kubernetes object of a generated chart or a `kubernetes_manifest`, as parsed (untrusted). */
export interface KubeObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: unknown;
  readonly [key: string]: unknown;
}

/** A local chart a `helm_release` installs (its `chart` is a path inside the synth output). */
export interface LocalChart {
  /** The `chart` path as written in the Terraform JSON (relative to the stack directory). */
  readonly path: string;
  /** Parsed objects of `templates/*.yaml`, in file-name order. */
  readonly objects: readonly KubeObject[];
  /** Template files that hold Helm template actions (`{{`), which the review cannot render. */
  readonly unrendered: readonly string[];
  /** True when the directory is not in the output (cdktf skips assets after synth errors). */
  readonly missing?: boolean;
}

/** Severity of a synth annotation, from cdktf's `@cdktf/info|warn|error`. */
export type AnnotationLevel = 'info' | 'warning' | 'error';

/** One synth annotation of a stack (manifest.json). */
export interface SynthAnnotation {
  readonly level: AnnotationLevel;
  readonly message: string;
  readonly constructPath: string;
}

/** One Terraform resource of a stack's cdk.tf.json. */
export interface TfResource {
  /** `type.name`, Terraform's address within the root module. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** The resource block, without cdktf's `//` metadata. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** One stack of a synth output. */
export interface SynthStack {
  readonly name: string;
  /** Path of the stack's Terraform JSON relative to the synth output root (for report locations). */
  readonly file: string;
  readonly annotations: readonly SynthAnnotation[];
  readonly resources: readonly TfResource[];
  /** Local charts by the address of the `helm_release` that installs them. */
  readonly charts: Readonly<Record<string, LocalChart>>;
}

/** A whole synth output. */
export interface SynthOutput {
  readonly stacks: readonly SynthStack[];
}
