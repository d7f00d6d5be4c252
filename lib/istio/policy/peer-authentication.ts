import { Construct } from 'constructs';
import { invalid } from '../../private/errors';
import { opt, str, stringMap, validatedAt } from '../../private/props';
import { ISTIO_SYSTEM_NAMESPACE } from '../../wire/istio';
import { IstioResource } from '../resources';
import { MeshPolicy, MeshPolicyProps, validatePort, validateSelector } from './mesh-policy';

/** mTLS mode of a namespace or workload PeerAuthentication (`security.istio.io/v1`). */
export enum PeerMtlsMode {
  /** Inherit from the parent (namespace, then mesh). */
  UNSET = 'UNSET',
  /** Only mTLS. */
  STRICT = 'STRICT',
  /** mTLS and plaintext. */
  PERMISSIVE = 'PERMISSIVE',
  /** Plaintext only (sidecars); ztunnel treats it like PERMISSIVE. */
  DISABLE = 'DISABLE',
}

/** Props of {@link PeerAuthentication}. */
export interface PeerAuthenticationProps extends MeshPolicyProps {
  /** Workload labels; without them the policy applies to the whole namespace. @default - the whole namespace */
  readonly selector?: Record<string, string>;
  /** mTLS mode of the selected workloads. @default PeerMtlsMode.UNSET (inherit) */
  readonly mode?: PeerMtlsMode;
  /** Per-port modes (workload policies only: Istio ignores them without `selector`). @default - none */
  readonly portLevelMtls?: Record<number, PeerMtlsMode>;
}

/**
 * A namespace or workload PeerAuthentication, with port-level modes. The mesh-wide one stays in
 * {@link IstioAmbientCluster} (`mtlsMode`), so this construct refuses the root namespace.
 */
export class PeerAuthentication extends MeshPolicy {
  public readonly mode: PeerMtlsMode;
  public readonly resource: IstioResource;

  constructor(scope: Construct, id: string, props: PeerAuthenticationProps) {
    super(scope, id, props, 'PeerAuthentication', {
      selector: opt(stringMap()), mode: opt(str(32)), portLevelMtls: opt(stringMap(100)),
    });
    const { mode, resource } = validatedAt(this, () => this.render(props));
    this.mode = mode;
    this.resource = resource;
    this.install('peerauthn', props, [this.resource]);
  }

  private render(props: PeerAuthenticationProps): { mode: PeerMtlsMode; resource: IstioResource } {
    if (this.namespace === ISTIO_SYSTEM_NAMESPACE) {
      throw invalid('namespace', "must not be the root namespace: set the mesh-wide mode with IstioAmbientCluster's 'mtlsMode'", this.namespace);
    }
    const mode = props.mode ?? PeerMtlsMode.UNSET;
    const modes = Object.values(PeerMtlsMode);
    if (!modes.includes(mode)) throw invalid('mode', 'must be a PeerMtlsMode', mode, modes.join(', '));
    validateSelector('selector', props.selector);
    const ports = Object.entries(props.portLevelMtls ?? {});
    if (ports.length > 0 && !props.selector) {
      throw invalid('portLevelMtls', "needs 'selector': Istio applies port-level modes only to workload policies", props.portLevelMtls);
    }
    for (const [port, m] of ports) {
      if (!/^\d+$/.test(port)) throw invalid('portLevelMtls', 'must have port numbers as keys', port);
      validatePort('portLevelMtls', Number(port));
      if (!modes.includes(m)) throw invalid('portLevelMtls', 'must map ports to PeerMtlsMode values', m, modes.join(', '));
    }

    const spec: Record<string, unknown> = {};
    if (props.selector) spec.selector = { matchLabels: { ...props.selector } };
    if (mode !== PeerMtlsMode.UNSET) spec.mtls = { mode };
    if (ports.length > 0) spec.portLevelMtls = Object.fromEntries(ports.map(([p, m]) => [String(Number(p)), { mode: m }]));
    return { mode, resource: { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: this.metadata(), spec } };
  }
}
