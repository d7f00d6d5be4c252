import { ITerraformDependable, TerraformProvider, Token } from 'cdktf';
import * as v from 'valibot';
import { Construct } from 'constructs';
import { invalid } from '../../private/errors';
import { helmReleaseName } from '../../private/naming';
import { checkProps, construct, instanceOf, list, num, opt, props as propsSchema, str, validatedAt } from '../../private/props';
import { validateIntRange, validateNamespaceName } from '../../private/validate';
import { IstioAmbientCluster } from '../istio-ambient-cluster';
import { IstioResourceChart } from '../istio-resource-chart';
import { IstioResource } from '../resources';

/** Props every mesh policy shares. */
export interface MeshPolicyProps {
  /** The mesh the policy belongs to: it is installed after the mesh's istiod and ztunnel, with the mesh's Istio minor. */
  readonly mesh: IstioAmbientCluster;
  /** Namespace of the policy (a DNS-1123 label). */
  readonly namespace: string;
  /** Resource name (a DNS-1123 label). @default - the construct id in kebab case (`PaymentCallers` → `payment-callers`) */
  readonly name?: string;
  /** Helm provider of the policy's release. @default - the provider of the mesh's istiod release */
  readonly helmProvider?: TerraformProvider;
  /** Helm timeout of the policy's release. @default 300 */
  readonly timeoutSeconds?: number;
  /** More resources the release waits for, e.g. the namespace when another construct creates it. @default - the mesh's istiod and ztunnel (and its namespace, if the mesh creates it) */
  readonly installAfter?: ITerraformDependable[];
}

/** Runtime shapes of {@link MeshPolicyProps}. */
const COMMON_PROPS: Record<string, v.GenericSchema> = {
  mesh: instanceOf(IstioAmbientCluster, 'an IstioAmbientCluster'),
  namespace: str(63),
  name: opt(str(63)),
  helmProvider: opt(instanceOf(TerraformProvider, 'a Helm provider (TerraformProvider)')),
  timeoutSeconds: opt(num),
  installAfter: opt(list(construct('a resource or construct to wait for'), 100)),
};

/** Props that are not written into the chart (constructs and providers). */
const NOT_RENDERED = new Set(['mesh', 'helmProvider', 'kubernetesProvider', 'installAfter', 'waypoint', 'timeoutSeconds']);

/** `PaymentCallers` → `payment-callers`. */
export function kebabCase(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase();
}

/**
 * The common part of PeerAuthentication, AuthorizationPolicy, Telemetry and Waypoint: a name and
 * namespace, and one Helm release of a generated chart per policy (a change to one policy is a
 * one-resource plan diff), ordered after the mesh's control plane.
 */
export abstract class MeshPolicy extends Construct {
  public readonly mesh: IstioAmbientCluster;
  public readonly name: string;
  public readonly namespace: string;
  /** The Istio minor the policy is checked against (the mesh's). */
  public readonly istioMinor: string;
  /** The policy's generated chart and its `helm_release` (created by {@link install}). */
  private installed?: IstioResourceChart;

  /**
   * @param what the construct's class name, for errors
   * @param entries runtime shapes of the subclass's own props (the common ones are added here)
   */
  protected constructor(scope: Construct, id: string, props: MeshPolicyProps, what: string, entries: Record<string, v.GenericSchema>) {
    super(scope, id);
    validatedAt(this, () => {
      checkProps(what, propsSchema({ ...COMMON_PROPS, ...entries }), props);
      for (const [key, value] of Object.entries(props)) {
        if (NOT_RENDERED.has(key) || value instanceof Construct) continue;
        if (Token.isUnresolved(JSON.stringify(value) ?? '')) {
          throw invalid(key, 'must not contain Terraform tokens (variables, references): the policy is written into its generated chart at synth', value);
        }
      }
      validateNamespaceName('namespace', props.namespace);
      validateNamespaceName('name', props.name ?? kebabCase(id));
      validateIntRange('timeoutSeconds', props.timeoutSeconds ?? 300, 30, 3600);
    });
    this.mesh = props.mesh;
    this.istioMinor = props.mesh.istioVersion.minor;
    this.name = props.name ?? kebabCase(id);
    this.namespace = props.namespace;
  }

  /** The generated chart holding the policy's resources; its `release` is the `helm_release`. */
  public get chart(): IstioResourceChart {
    if (!this.installed) throw new Error(`${this.node.path}: the policy's chart is created at the end of its constructor`);
    return this.installed;
  }

  /** The rendered resources. */
  public get resources(): readonly IstioResource[] {
    return this.chart.resources;
  }

  /** Metadata for the policy's main resource (no managed-by label: Helm sets `app.kubernetes.io/managed-by: Helm`). */
  protected metadata(labels: Record<string, string> = {}): IstioResource['metadata'] {
    return Object.keys(labels).length > 0 ? { name: this.name, namespace: this.namespace, labels } : { name: this.name, namespace: this.namespace };
  }

  /**
   * Creates the chart and its release; called last by each subclass, after validation.
   * @param kind short kind for the release name, e.g. `authz`
   */
  protected install(kind: string, props: MeshPolicyProps, resources: IstioResource[], installChecks?: Record<string, string>,
    after: ITerraformDependable[] = []): IstioResourceChart {
    const releaseName = helmReleaseName('policy', kind, this.namespace, this.name);
    const stack = this.node.root;
    const clash = stack.node.findAll().find((c) => c !== this && c instanceof MeshPolicy && c.installed?.release.nameInput === releaseName);
    if (clash) throw invalid('name', `must be unique per kind and namespace (another policy, ${clash.node.path}, has the same Helm release name)`, this.name).at(this.node.path);
    const mesh = this.mesh;
    const meshNamespace = mesh.ambientNamespaces.find((n) => n.metadata.nameInput === this.namespace);
    this.installed = new IstioResourceChart(this, 'Chart', {
      releaseName,
      resources,
      installChecks,
      dependsOn: [mesh.istiod, mesh.ztunnel, ...(meshNamespace ? [meshNamespace] : []), ...(props.installAfter ?? []), ...after],
      helmProvider: props.helmProvider ?? mesh.istiod.provider,
      timeoutSeconds: props.timeoutSeconds,
    });
    return this.installed;
  }
}

/** Validates a workload selector's labels (Kubernetes label keys and values). */
export function validateSelector(prop: string, labels: Record<string, string> | undefined): void {
  if (labels === undefined) return;
  const entries = Object.entries(labels);
  if (entries.length === 0) throw invalid(prop, 'must have at least one label (omit it to select the whole namespace)', labels);
  for (const [k, v] of entries) {
    if (!/^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(k)) throw invalid(prop, 'must use valid label keys', k);
    if (!/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(v)) throw invalid(prop, 'must use valid label values (≤ 63 characters, alphanumeric at both ends)', v);
  }
}

/** Validates a port number (1–65535). */
export function validatePort(prop: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(prop, 'must hold port numbers from 1 to 65535', port);
}
