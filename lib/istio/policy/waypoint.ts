import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Labels } from '@cdktf/provider-kubernetes/lib/labels';
import { gatewayApiFor, gatewayApiInstallCommand } from '../../catalog/gateway-api';
import { compareMinor } from '../../catalog/istio-versions';
import { invalid } from '../../private/errors';
import { goStringLiteral } from '../../private/generated-chart';
import { bool, instanceOf, list, opt, str, validatedAt } from '../../private/props';
import { terraformSafe } from '../../private/terraform-escape';
import { validateNamespaceName } from '../../private/validate';
import { WAYPOINT } from '../../wire/istio-waypoint';
import { IstioResource } from '../resources';
import { MeshPolicy, MeshPolicyProps } from './mesh-policy';

/** Which traffic a waypoint handles (`istio.io/waypoint-for`). */
export enum WaypointTrafficType {
  /** Traffic addressed to Services (Istio's default). */
  SERVICE = 'service',
  /** Traffic addressed to pods or VMs directly. */
  WORKLOAD = 'workload',
  /** Both. */
  ALL = 'all',
  /** Neither (the waypoint exists but is not used). */
  NONE = 'none',
}

// Waypoint wire facts live in lib/wire; re-exported here, where the public API has always had them.
export { WAYPOINT };

/** Props of {@link Waypoint}. */
export interface WaypointProps extends Omit<MeshPolicyProps, 'name'> {
  /** Name of the waypoint `Gateway`. @default 'waypoint' (istioctl's default) */
  readonly name?: string;
  /** Which traffic the waypoint handles (always written as the label, so a GatewayClass-level default does not apply). @default WaypointTrafficType.SERVICE */
  readonly trafficType?: WaypointTrafficType;
  /**
   * Namespaces whose traffic goes through the waypoint (`istio.io/use-waypoint` on the Namespace).
   * Another namespace than the waypoint's needs Istio 1.23+ (`istio.io/use-waypoint-namespace`).
   * @default - the waypoint's own namespace
   */
  readonly useInNamespaces?: string[];
  /** Services in the waypoint's namespace to label `istio.io/use-waypoint` (instead of, or besides, whole namespaces). @default - none */
  readonly useForServices?: string[];
  /**
   * Fail the install, with the pinned install command, when the cluster does not serve the Gateway
   * API `Gateway` kind. Set false only if something else installs the CRDs in the same apply.
   * @default true
   */
  readonly checkGatewayApiCrds?: boolean;
  /** Kubernetes provider of the `istio.io/use-waypoint` labels. @default - the stack's default Kubernetes provider */
  readonly kubernetesProvider?: TerraformProvider;
}

/**
 * A waypoint proxy: the Gateway API `Gateway` Istio's `istioctl waypoint generate` writes
 * (`gatewayClassName: istio-waypoint`, one `mesh` listener on 15008/HBONE, `istio.io/waypoint-for`),
 * plus `istio.io/use-waypoint` on the namespaces or services that use it. L7 policies bind to it with
 * `targetRefs` ({@link AuthorizationPolicy} `waypoint`).
 *
 * The Gateway API CRDs are a prerequisite Istio does not ship. Synthesis cannot download them and the
 * library does not vendor them, so the waypoint's chart checks them at install time (Helm's
 * `.Capabilities.APIVersions`) and fails with the command for the version Istio's docs name for the
 * mesh's minor ({@link gatewayApiFor}).
 */
export class Waypoint extends MeshPolicy {
  public readonly trafficType: WaypointTrafficType;
  public readonly gateway: IstioResource;
  /** Namespaces that use the waypoint. */
  public readonly useInNamespaces: readonly string[];
  /** `istio.io/use-waypoint` labels on namespaces the mesh does not create, and on services. */
  public readonly useLabels: Labels[] = [];

  constructor(scope: Construct, id: string, props: WaypointProps) {
    super(scope, id, { ...props, name: props.name ?? 'waypoint' }, 'Waypoint', {
      trafficType: opt(str(16)),
      useInNamespaces: opt(list(str(63))),
      useForServices: opt(list(str(63))),
      checkGatewayApiCrds: opt(bool),
      kubernetesProvider: opt(instanceOf(TerraformProvider, 'a Kubernetes provider (TerraformProvider)')),
    });
    const trafficType = props.trafficType ?? WaypointTrafficType.SERVICE;
    const useIn = props.useInNamespaces ?? [this.namespace];
    const crds = validatedAt(this, () => {
      const types = Object.values(WaypointTrafficType);
      if (!types.includes(trafficType)) throw invalid('trafficType', 'must be a WaypointTrafficType', trafficType, types.join(', '));
      for (const ns of useIn) {
        validateNamespaceName('useInNamespaces', ns);
        if (ns !== this.namespace && compareMinor(this.istioMinor, WAYPOINT.useNamespaceLabelSince) < 0) {
          throw invalid('useInNamespaces', `may name another namespace than the waypoint's only from Istio ${WAYPOINT.useNamespaceLabelSince} (istio.io/use-waypoint-namespace); the mesh runs ${this.istioMinor}`, ns);
        }
      }
      if (new Set(useIn).size !== useIn.length) throw invalid('useInNamespaces', 'must not repeat a namespace', useIn);
      for (const svc of props.useForServices ?? []) validateNamespaceName('useForServices', svc);
      return gatewayApiFor(this.istioMinor);
    });
    this.trafficType = trafficType;
    this.useInNamespaces = useIn;

    this.gateway = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: this.metadata({ [WAYPOINT.forLabel]: this.trafficType }),
      spec: { gatewayClassName: WAYPOINT.gatewayClassName, listeners: [{ ...WAYPOINT.listener }] },
    };
    const checks = props.checkGatewayApiCrds ?? true
      ? { 'check-gateway-api-crds.yaml': gatewayApiCheckTemplate(gatewayApiInstallCommand(crds), this.istioMinor) }
      : undefined;
    const chart = this.install('waypoint', props, [this.gateway], checks);

    // Labels go on after the waypoint is ready, so traffic is never sent to a waypoint that does not exist yet
    // (except on namespaces the mesh creates, which get the label at creation: one owner per namespace).
    const labels = new Construct(this, 'UseWaypoint');
    const useLabels = (ns: string): Record<string, string> => ({
      [WAYPOINT.useLabel]: this.name,
      ...(ns !== this.namespace ? { [WAYPOINT.useNamespaceLabel]: this.namespace } : {}),
    });
    for (const ns of this.useInNamespaces) {
      const created = this.mesh.ambientNamespaces.find((n) => n.metadata.nameInput === ns);
      if (created) {
        // The mesh creates this namespace: its labels are set there, once (a second field manager would fight it).
        created.addOverride('metadata.labels', { ...(created.metadata.labelsInput ?? {}), ...useLabels(ns) });
        continue;
      }
      this.useLabels.push(new Labels(labels, `Namespace-${ns}`, terraformSafe({
        provider: props.kubernetesProvider, apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns },
        labels: useLabels(ns), fieldManager: 'cdktf-istio-mesh', dependsOn: [chart.release],
      })));
    }
    for (const svc of props.useForServices ?? []) {
      this.useLabels.push(new Labels(labels, `Service-${svc}`, terraformSafe({
        provider: props.kubernetesProvider, apiVersion: 'v1', kind: 'Service', metadata: { name: svc, namespace: this.namespace },
        labels: useLabels(this.namespace), fieldManager: 'cdktf-istio-mesh', dependsOn: [chart.release],
      })));
    }
  }
}

/**
 * A Helm template that renders nothing when the cluster serves `gateway.networking.k8s.io/v1`
 * `Gateway`, and otherwise fails the install with the command to run. Helm fills
 * `.Capabilities.APIVersions` from the live cluster on install and upgrade.
 */
export function gatewayApiCheckTemplate(installCommand: string, minor: string): string {
  const message = `The Gateway API CRDs are not installed, so the Istio waypoint cannot be created. Istio ${minor}'s docs install them with: ${installCommand}`;
  return [
    '{{- if not (.Capabilities.APIVersions.Has "gateway.networking.k8s.io/v1/Gateway") }}',
    `{{- fail ${goStringLiteral('installCommand', message)} }}`,
    '{{- end }}',
    '',
  ].join('\n');
}
