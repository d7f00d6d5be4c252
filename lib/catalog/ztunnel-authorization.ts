import { compareMinor } from './istio-versions';
import { isPlainObject as isObj } from '../private/props';

/**
 * What ztunnel does with one AuthorizationPolicy field, per Istio minor. Derived from pilot's ambient
 * conversion (`convertAuthorizationPolicy` / `handleRule` in
 * `pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go` at 1.22 … 1.29,
 * `pilot/pkg/serviceregistry/ambient/authorization.go` at 1.30); the test cites the lines per tag.
 */
export enum ZtunnelFieldClass {
  /** ztunnel enforces it. */
  L4 = 'l4',
  /** An HTTP attribute: an ALLOW rule holding it is dropped, a DENY rule keeps only its L4 part. */
  L7 = 'l7',
  /** Neither enforced nor reported: the rule is enforced as if the field were absent. */
  IGNORED = 'ignored',
}

/** Where in a rule a field sits. */
export type ZtunnelRulePart = 'source' | 'operation' | 'when';

/** One row of the table: a field (or a `when` key) and what ztunnel does with it. */
export interface ZtunnelFieldRule {
  readonly part: ZtunnelRulePart;
  /** Field name in `from[].source` / `to[].operation`, or the `when[].key`. */
  readonly field: string;
  readonly cls: ZtunnelFieldClass;
  /** First minor whose CRD has the field. @default - every supported minor */
  readonly sinceMinor?: string;
}

const L4 = ZtunnelFieldClass.L4;
const L7 = ZtunnelFieldClass.L7;

/** The table. A field not listed for `source`/`operation` is unknown to the library (it is not in any CRD it knows). */
export const ZTUNNEL_FIELD_RULES: readonly ZtunnelFieldRule[] = [
  // from[].source: stringToIP / stringToMatch in handleRule build the L4 match; httpSources lists the L7 ones.
  ...['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks'].map((field) => ({ part: 'source' as const, field, cls: L4 })),
  // serviceAccounts: in the CRD and in the ztunnel match (stringToServiceAccountMatch) from 1.25.
  { part: 'source', field: 'serviceAccounts', cls: L4, sinceMinor: '1.25' },
  { part: 'source', field: 'notServiceAccounts', cls: L4, sinceMinor: '1.25' },
  ...['remoteIpBlocks', 'notRemoteIpBlocks', 'requestPrincipals', 'notRequestPrincipals'].map((field) => ({ part: 'source' as const, field, cls: L7 })),
  // trustDomains (CRD from 1.30): handleRule neither converts nor reports it, so ztunnel matches any trust domain.
  { part: 'source', field: 'trustDomains', cls: ZtunnelFieldClass.IGNORED, sinceMinor: '1.30' },
  { part: 'source', field: 'notTrustDomains', cls: ZtunnelFieldClass.IGNORED, sinceMinor: '1.30' },
  // to[].operation: ports become DestinationPorts; httpOperations lists the rest.
  { part: 'operation', field: 'ports', cls: L4 },
  { part: 'operation', field: 'notPorts', cls: L4 },
  ...['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'].map((field) => ({ part: 'operation' as const, field, cls: L7 })),
  // when[].key: l4WhenAttributes; every other key is L7.
  ...['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port'].map((field) => ({ part: 'when' as const, field, cls: L4 })),
];

/** Actions ztunnel enforces; any other action makes pilot skip the whole policy for ztunnel. */
export const ZTUNNEL_ACTIONS: readonly string[] = ['ALLOW', 'DENY'];

/**
 * What ztunnel does with a field at a minor; undefined for a `source`/`operation` field the minor's
 * CRD does not have. `when` keys not in the table are L7.
 */
export function ztunnelFieldClass(minor: string, part: ZtunnelRulePart, field: string): ZtunnelFieldClass | undefined {
  const row = ZTUNNEL_FIELD_RULES.find((r) => r.part === part && r.field === field);
  if (!row) return part === 'when' ? L7 : undefined;
  if (row.sinceMinor && compareMinor(minor, row.sinceMinor) < 0) return undefined;
  return row.cls;
}

/** A field of one rule that ztunnel does not enforce as written. */
export interface ZtunnelFinding {
  /** Index of the rule in `spec.rules`. */
  readonly rule: number;
  /** Path inside the rule, e.g. `to[0].operation.paths` or `when[1].key=request.headers[x]`. */
  readonly path: string;
  readonly field: string;
  readonly cls: ZtunnelFieldClass;
}

function nonEmpty(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '';
}

/**
 * The fields of `spec.rules` that ztunnel does not enforce as written, at `minor`. Fields the table
 * does not know (not in that minor's CRD) are reported as IGNORED: the API server prunes them.
 */
export function ztunnelFindings(minor: string, rules: unknown): ZtunnelFinding[] {
  const out: ZtunnelFinding[] = [];
  if (!Array.isArray(rules)) return out;
  rules.forEach((rule, i) => {
    if (!isObj(rule)) return;
    const visit = (listKey: 'from' | 'to', part: 'source' | 'operation'): void => {
      const list = rule[listKey];
      if (!Array.isArray(list)) return;
      list.forEach((entry, j) => {
        const body = isObj(entry) ? entry[part] : undefined;
        if (!isObj(body)) return;
        for (const [field, value] of Object.entries(body)) {
          if (!nonEmpty(value)) continue;
          const cls = ztunnelFieldClass(minor, part, field) ?? ZtunnelFieldClass.IGNORED;
          if (cls !== L4) out.push({ rule: i, path: `${listKey}[${j}].${part}.${field}`, field, cls });
        }
      });
    };
    visit('from', 'source');
    visit('to', 'operation');
    const when = rule.when;
    if (Array.isArray(when)) {
      when.forEach((c, j) => {
        const key = isObj(c) ? String(c.key) : '';
        const cls = ztunnelFieldClass(minor, 'when', key)!;
        if (cls !== L4) out.push({ rule: i, path: `when[${j}].key`, field: key, cls });
      });
    }
  });
  return out;
}
