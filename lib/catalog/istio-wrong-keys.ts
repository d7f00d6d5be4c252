import { KnownWrongKey } from './istio-traits';
import { compareMinor } from './istio-versions';

/** A known-wrong key and the minors in which the charts do not read it. */
export interface KnownWrongKeyRule extends KnownWrongKey {
  /** First minor that ignores (or rejects) the key. @default - every minor */
  readonly since?: string;
  /** Last minor that ignores it (the key became real after it). @default - every later minor */
  readonly until?: string;
}

/**
 * Value paths that public examples (or an older minor's charts) set but a minor's charts do not read;
 * Helm ignores them silently because no core chart has a values schema (facts/istio-minor-hops.md §2.3).
 * The list grows per minor from the facts file's "must do" per hop (§3) and table §2.4; a rule with
 * open `until` covers every later minor, so a new minor inherits it. test/conformance proves each
 * listed path is absent from that minor's real chart values.
 */
export const KNOWN_WRONG_KEYS: readonly KnownWrongKeyRule[] = [
  // Every minor (facts/istio-1.22.md §0, §b).
  { chart: '*', path: 'global.mtls', fix: "mesh-wide mTLS is a PeerAuthentication resource; use the 'mtlsMode' prop" },
  { chart: '*', path: 'global.ambient', fix: "ambient is enabled by 'profile: ambient' on istiod and cni, which the library sets" },
  // 1.22–1.23: cni values live under 'cni.', istiod under 'pilot.' (flattened in 1.24, §2.3).
  { chart: 'cni', path: 'ambient', until: '1.23', fix: "this minor's cni chart reads 'cni.ambient.*'" },
  { chart: 'cni', path: 'excludeNamespaces', until: '1.23', fix: "this minor's cni chart reads 'cni.excludeNamespaces'" },
  { chart: 'istiod', path: 'env', until: '1.23', fix: "this minor's istiod chart reads 'pilot.env'" },
  { chart: 'istiod', path: 'resources', until: '1.23', fix: "this minor's istiod chart reads 'pilot.resources'" },
  // 1.22 → 1.23 (§3.1): trustedZtunnelNamespace appears (under pilot), cni.logLevel removed, ztunnel xdsAddress appears.
  { chart: 'istiod', path: 'pilot.trustedZtunnelNamespace', until: '1.22', fix: "1.22 has no such value; set 'pilot.env.CA_TRUSTED_NODE_ACCOUNTS' to '<namespace>/ztunnel'" },
  { chart: 'istiod', path: 'trustedZtunnelNamespace', until: '1.23', fix: "before 1.24 the value is 'pilot.trustedZtunnelNamespace' (1.23 only)" },
  { chart: 'ztunnel', path: 'xdsAddress', until: '1.22', fix: "1.22's ztunnel has only 'caAddress'; the XDS address follows 'revision'" },
  { chart: 'cni', path: 'cni.logLevel', since: '1.23', fix: "removed in 1.23 (it was a no-op); use 'cni.logging.level' (1.24+: 'logging.level')" },
  // 1.23 → 1.24 (§3.2): base drops the remote-istiod values.
  { chart: 'base', path: 'global.remotePilotAddress', since: '1.24', fix: 'removed from the base chart in 1.24 (istiod-remote is gone)' },
  { chart: 'base', path: 'global.externalIstiod', since: '1.24', fix: 'removed from the base chart in 1.24' },
  // 1.24 → 1.25 (§3.3, §5): trustedZtunnelName and ztunnel resourceName appear.
  { chart: 'istiod', path: 'trustedZtunnelName', until: '1.24', fix: 'exists from 1.25.2; the trusted ServiceAccount name is always ztunnel before' },
  { chart: 'ztunnel', path: 'resourceName', until: '1.24', fix: "exists from 1.25; ztunnel's resources are always named ztunnel before" },
  // 1.25 → 1.26 (§3.4): cni rolling update moved.
  { chart: 'cni', path: 'rollingMaxUnavailable', since: '1.26', fix: "ignored from 1.26; use 'updateStrategy.rollingUpdate.maxUnavailable'" },
  { chart: 'cni', path: 'cni.rollingMaxUnavailable', since: '1.26', fix: "ignored from 1.26; use 'updateStrategy.rollingUpdate.maxUnavailable'" },
  // 1.26 → 1.27 (§3.5): istiod global.multiCluster.enabled removed.
  { chart: 'istiod', path: 'global.multiCluster.enabled', since: '1.27', fix: 'removed in 1.27' },
];

/** The known-wrong keys of one chart in one minor. */
export function knownWrongKeys(chart: string, minor: string): KnownWrongKeyRule[] {
  return KNOWN_WRONG_KEYS.filter((k) => (k.chart === '*' || k.chart === chart)
    && (k.since === undefined || compareMinor(minor, k.since) >= 0)
    && (k.until === undefined || compareMinor(minor, k.until) <= 0));
}
