import { IConstruct } from 'constructs';
import { invalid } from '../../private/errors';
import { DATAPLANE_MODE_AMBIENT, DATAPLANE_MODE_LABEL, INJECTION_LABEL, REVISION_LABEL } from '../../wire/istio';

/** Stable ids of the synth-time prechecks. An id is never reused for another check. */
export enum CheckId {
  /** L7 attribute in a policy ztunnel enforces. */
  ZTUNNEL_L7_ATTRIBUTE = 'CIM-1001',
  /** AUDIT or CUSTOM on a policy ztunnel enforces. */
  ZTUNNEL_UNSUPPORTED_ACTION = 'CIM-1002',
  /** A field ztunnel neither enforces nor reports (e.g. `trustDomains` at 1.30). */
  ZTUNNEL_IGNORED_FIELD = 'CIM-1003',
  /** A regex Envoy's RE2 rejects. */
  INVALID_RE2_REGEX = 'CIM-2001',
  /** An apiVersion the installed minor does not serve. */
  API_VERSION_NOT_SERVED = 'CIM-3001',
  /** A superseded (v1beta1, v1alpha3, …) or alpha-only apiVersion. */
  API_VERSION_DEPRECATED = 'CIM-3002',
  /** A workload selector matching no workload the stack declares. */
  SELECTOR_MATCHES_NOTHING = 'CIM-4001',
  /** A `targetRefs` entry naming nothing the stack declares. */
  TARGET_REF_MATCHES_NOTHING = 'CIM-4002',
  /** Two or more namespace-wide Telemetry resources in one namespace. */
  CONFLICTING_TELEMETRY = 'CIM-4003',
  /** Mesh or policy mTLS not STRICT. */
  MTLS_NOT_STRICT = 'CIM-5001',
  /** A namespace enrolled in both sidecar injection and ambient. */
  SIDECAR_AND_AMBIENT = 'CIM-5002',
  /** A Helm chart without an exact version. */
  UNPINNED_CHART = 'CIM-6001',
  /** A container image without a tag or digest, or tagged `latest`. */
  UNPINNED_IMAGE = 'CIM-6002',
  /** A Helm value the Istio chart of that version does not read (checked against the chart on disk). */
  CHART_VALUE_NOT_READ = 'CIM-6003',
  /** The chart CIM-6003 needs is not in the charts directory, or cannot be read. */
  CHART_NOT_AVAILABLE = 'CIM-6004',
}

/** Error fails synth; warning prints. */
export type CheckSeverity = 'error' | 'warning';

/** What a check is, how to fix what it finds, and the matching `istioctl analyze` code. */
export interface CheckInfo {
  readonly severity: CheckSeverity;
  readonly title: string;
  readonly fix: string;
  /** The `istioctl analyze` message that covers the same problem, if one exists. */
  readonly istioctl?: string;
}

/** The registry; README "Prechecks" documents every row. */
export const CHECKS: Readonly<Record<CheckId, CheckInfo>> = {
  [CheckId.ZTUNNEL_L7_ATTRIBUTE]: {
    severity: 'error', title: 'L7 attribute in a policy enforced by ztunnel',
    fix: "add a Waypoint and bind the policy to it ('waypoint' prop, i.e. targetRefs), or keep only L4 attributes (principals, service accounts, namespaces, ipBlocks, ports)",
    istioctl: 'none before apply; Istio 1.24+ reports it after apply as the policy status condition UnsupportedValue',
  },
  [CheckId.ZTUNNEL_UNSUPPORTED_ACTION]: {
    severity: 'error', title: 'action ztunnel does not support',
    fix: 'use ALLOW or DENY, or bind the policy to a Waypoint (targetRefs) for AUDIT and CUSTOM',
    istioctl: 'none before apply; Istio 1.24+ reports it after apply as the policy status condition UnsupportedValue',
  },
  [CheckId.ZTUNNEL_IGNORED_FIELD]: {
    severity: 'error', title: 'field ztunnel ignores without a report',
    fix: 'express the rule with principals or namespaces, or bind the policy to a Waypoint',
  },
  [CheckId.INVALID_RE2_REGEX]: {
    severity: 'error', title: 'regex Envoy (RE2) rejects',
    fix: 'rewrite it in RE2 syntax (no lookaround, no backreferences, repetition ≤ 1000): https://github.com/google/re2/wiki/Syntax',
    istioctl: 'IST0122 InvalidRegexp (analyzer removed in Istio 1.23)',
  },
  [CheckId.API_VERSION_NOT_SERVED]: {
    severity: 'error', title: 'apiVersion not served by the installed Istio minor',
    fix: 'use a served version (v1 where it exists)',
  },
  [CheckId.API_VERSION_DEPRECATED]: {
    severity: 'warning', title: 'superseded or alpha apiVersion',
    fix: 'use the v1 API where it exists; an alpha-only kind may change without notice',
  },
  [CheckId.SELECTOR_MATCHES_NOTHING]: {
    severity: 'warning', title: 'selector matches no workload the stack declares',
    fix: 'fix the labels, or suppress the check if the workload is deployed outside this stack',
    istioctl: 'IST0127 NoMatchingWorkloadsFound',
  },
  [CheckId.TARGET_REF_MATCHES_NOTHING]: {
    severity: 'warning', title: 'targetRefs names nothing the stack declares',
    fix: "pass the Waypoint construct ('waypoint' prop), or suppress the check if the target is deployed outside this stack",
    istioctl: 'IST0101 ReferencedResourceNotFound',
  },
  [CheckId.CONFLICTING_TELEMETRY]: {
    severity: 'warning', title: 'several namespace-wide Telemetry resources in one namespace',
    fix: 'merge them into one Telemetry, or give all but one a selector or a waypoint: which one wins is undefined',
    istioctl: 'IST0160 MultipleTelemetriesWithoutWorkloadSelectors (which also counts targetRefs ones)',
  },
  [CheckId.MTLS_NOT_STRICT]: {
    severity: 'warning', title: 'mTLS not STRICT',
    fix: 'use STRICT once every client is in the mesh; PERMISSIVE accepts plaintext',
  },
  [CheckId.SIDECAR_AND_AMBIENT]: {
    severity: 'error', title: 'namespace enrolled in both sidecar injection and ambient',
    fix: `remove either '${INJECTION_LABEL}'/'${REVISION_LABEL}' or '${DATAPLANE_MODE_LABEL}=${DATAPLANE_MODE_AMBIENT}' from the namespace`,
  },
  [CheckId.UNPINNED_CHART]: {
    severity: 'warning', title: 'Helm chart version not pinned',
    fix: "set the release's 'version' to an exact chart version",
  },
  [CheckId.UNPINNED_IMAGE]: {
    severity: 'warning', title: 'container image not pinned',
    fix: 'use an exact tag or, better, a digest (image@sha256:…)',
  },
  [CheckId.CHART_VALUE_NOT_READ]: {
    severity: 'error', title: "Helm value not in the chart's values",
    fix: "remove the key or move it to where this version's chart reads it (its values.yaml and templates name the keys it reads; Helm ignores the rest silently), or escape a ',' in a set value as '\\,'; if a template reaches the key otherwise (with/index), suppress with that reason",
  },
  [CheckId.CHART_NOT_AVAILABLE]: {
    severity: 'warning', title: 'chart not available for the values check',
    fix: "pull the chart into the directory of the 'cdktf-istio-mesh:chartsDir' context (helm pull <chart> --repo <repository> --version <version> -d <dir>), or unset the context",
  },
};

const SUPPRESS_KEY = 'cdktf-istio-mesh:suppress';

/** A suppression recorded on a construct. */
interface Suppression {
  readonly id: CheckId;
  readonly reason: string;
}

/**
 * Per-construct suppression of prechecks. A check's finding on a construct is suppressed when that
 * construct or one of its ancestors carries a suppression for the id; it is then reported as info
 * with the reason.
 */
export class MeshChecks {
  /** Suppresses `id` for `scope` and everything below it; `reason` is required and printed. */
  public static suppress(scope: IConstruct, id: CheckId, reason: string): void {
    if (!Object.values(CheckId).includes(id)) throw invalid('id', 'must be a CheckId', id, Object.values(CheckId).join(', '));
    if (typeof reason !== 'string' || reason.trim().length === 0) throw invalid('reason', 'must say why the check is suppressed', reason);
    scope.node.addMetadata(SUPPRESS_KEY, { id, reason } satisfies Suppression);
  }

  /** The reason `id` is suppressed at `scope`, or undefined. */
  public static suppressedBecause(scope: IConstruct, id: CheckId): string | undefined {
    for (const c of scope.node.scopes.slice().reverse()) {
      const hit = c.node.metadata.find((m) => m.type === SUPPRESS_KEY && (m.data as Suppression).id === id);
      if (hit) return (hit.data as Suppression).reason;
    }
    return undefined;
  }

  private constructor() {}
}

/** The annotation text of a finding: `[CIM-1001] <message> Fix: <fix>. istioctl analyze: <code>.` */
export function formatFinding(id: CheckId, message: string): string {
  const info = CHECKS[id];
  const istioctl = info.istioctl ? ` istioctl analyze: ${info.istioctl}.` : '';
  return `[${id}] ${info.title}: ${message} Fix: ${info.fix}.${istioctl} Suppress: MeshChecks.suppress(construct, '${id}', reason).`;
}
