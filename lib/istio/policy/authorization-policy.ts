import { Construct } from 'constructs';
import { invalid } from '../../private/errors';
import { instanceOf, list as listOf, num, opt, str, stringMap, struct, validatedAt } from '../../private/props';
import { validateNamespaceName } from '../../private/validate';
import { IstioResource } from '../resources';
import { MeshPolicy, MeshPolicyProps, validatePort, validateSelector } from './mesh-policy';
import { Waypoint } from './waypoint';

/** What a matching request gets (`security.istio.io/v1` AuthorizationPolicy `action`). */
export enum AuthorizationAction {
  ALLOW = 'ALLOW',
  DENY = 'DENY',
  /** Logs only; sidecars and waypoints (ztunnel does not support it). */
  AUDIT = 'AUDIT',
  /** Delegates to an extension provider (`provider`); sidecars and waypoints only. */
  CUSTOM = 'CUSTOM',
}

/** A Kubernetes service account, the identity ztunnel sees (SPIFFE `<trustDomain>/ns/<namespace>/sa/<name>`). */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * Who sends the request. `principals`, `serviceAccounts`, `namespaces`, `ipBlocks` (and their `not`
 * forms) are L4: ztunnel enforces them. `requestPrincipals` and `remoteIpBlocks` are L7: they need a
 * waypoint.
 */
export interface AuthorizationSource {
  /** Peer identities, e.g. `cluster.local/ns/shop/sa/frontend`. @default - any */
  readonly principals?: string[];
  readonly notPrincipals?: string[];
  /**
   * Service accounts, rendered as principals in the mesh's trust domain (works at every minor; the
   * `serviceAccounts` field exists only from 1.25). @default - any
   */
  readonly serviceAccounts?: ServiceAccountRef[];
  readonly notServiceAccounts?: ServiceAccountRef[];
  readonly namespaces?: string[];
  readonly notNamespaces?: string[];
  /** Source IPs or CIDRs. */
  readonly ipBlocks?: string[];
  readonly notIpBlocks?: string[];
  /** L7: JWT `iss/sub`. */
  readonly requestPrincipals?: string[];
  readonly notRequestPrincipals?: string[];
  /** L7: client IPs from X-Forwarded-For. */
  readonly remoteIpBlocks?: string[];
  readonly notRemoteIpBlocks?: string[];
}

/** What is requested. `ports` are L4; hosts, methods and paths are L7 (waypoint only). */
export interface AuthorizationOperation {
  readonly ports?: number[];
  readonly notPorts?: number[];
  readonly hosts?: string[];
  readonly notHosts?: string[];
  readonly methods?: string[];
  readonly notMethods?: string[];
  readonly paths?: string[];
  readonly notPaths?: string[];
}

/** A `when` condition, e.g. `{ key: 'request.auth.claims[groups]', values: ['admins'] }` (L7) or `{ key: 'destination.port', values: ['8080'] }` (L4). */
export interface AuthorizationCondition {
  readonly key: string;
  readonly values?: string[];
  readonly notValues?: string[];
}

/** One rule: every present part must match (`from` entries are ORed, so are `to` entries). */
export interface AuthorizationRule {
  readonly from?: AuthorizationSource[];
  readonly to?: AuthorizationOperation[];
  readonly when?: AuthorizationCondition[];
}

/** Props of {@link AuthorizationPolicy}. */
export interface AuthorizationPolicyProps extends MeshPolicyProps {
  /** ALLOW, DENY (both enforced by ztunnel), AUDIT or CUSTOM (waypoint only). @default AuthorizationAction.ALLOW */
  readonly action?: AuthorizationAction;
  /** Workloads the policy applies to (enforced by ztunnel). Exclusive with `waypoint`. @default - the whole namespace */
  readonly selector?: Record<string, string>;
  /**
   * Bind the policy to a waypoint (`targetRefs` to its Gateway): enforced there, with L7 attributes.
   * The waypoint must be in the policy's namespace. @default - enforced by ztunnel (L4 only)
   */
  readonly waypoint?: Waypoint;
  /** Rules; an ALLOW policy with no rules denies everything it selects. @default - none */
  readonly rules?: AuthorizationRule[];
  /** Extension provider name, required with CUSTOM and allowed only with it. @default - none */
  readonly provider?: string;
  /** Trust domain for `serviceAccounts`. @default 'cluster.local' */
  readonly trustDomain?: string;
}

const STRINGS = opt(listOf(str(1024)));
const SERVICE_ACCOUNTS = opt(listOf(struct({ namespace: str(63), name: str(253) }, 'a service account ({ namespace, name })')));
const PORTS = opt(listOf(num));
/** Runtime shapes of the props (a JavaScript caller gets the library's error, not a TypeError). */
const PROPS = {
  action: opt(str(16)),
  selector: opt(stringMap()),
  waypoint: opt(instanceOf(Waypoint, 'a Waypoint')),
  provider: opt(str(253)),
  trustDomain: opt(str(253)),
  rules: opt(listOf(struct({
    from: opt(listOf(struct({
      principals: STRINGS, notPrincipals: STRINGS, serviceAccounts: SERVICE_ACCOUNTS, notServiceAccounts: SERVICE_ACCOUNTS,
      namespaces: STRINGS, notNamespaces: STRINGS, ipBlocks: STRINGS, notIpBlocks: STRINGS,
      requestPrincipals: STRINGS, notRequestPrincipals: STRINGS, remoteIpBlocks: STRINGS, notRemoteIpBlocks: STRINGS,
    }, 'a source'))),
    to: opt(listOf(struct({
      ports: PORTS, notPorts: PORTS, hosts: STRINGS, notHosts: STRINGS, methods: STRINGS, notMethods: STRINGS, paths: STRINGS, notPaths: STRINGS,
    }, 'an operation'))),
    when: opt(listOf(struct({ key: str(256), values: STRINGS, notValues: STRINGS }, 'a condition ({ key, values | notValues })'))),
  }, 'a rule ({ from, to, when })'))),
};

const IP_OR_CIDR = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/\d{1,3})?)$/;
const HTTP_METHOD = /^[A-Z]+$/;

/**
 * An Istio AuthorizationPolicy. Without `waypoint`, ztunnel enforces it and only L4 attributes count
 * (the prechecks fail synth on L7 ones, see CIM-1001); with `waypoint`, the waypoint enforces it with
 * L7 rules (paths, methods, headers, JWT claims).
 */
export class AuthorizationPolicy extends MeshPolicy {
  public readonly action: AuthorizationAction;
  public readonly waypoint?: Waypoint;
  public readonly resource: IstioResource;

  constructor(scope: Construct, id: string, props: AuthorizationPolicyProps) {
    super(scope, id, props, 'AuthorizationPolicy', PROPS);
    const { action, resource } = validatedAt(this, () => this.render(props));
    this.action = action;
    this.resource = resource;
    this.waypoint = props.waypoint;
    this.install('authz', props, [this.resource], undefined, props.waypoint ? [props.waypoint.chart.release] : []);
  }

  private render(props: AuthorizationPolicyProps): { action: AuthorizationAction; resource: IstioResource } {
    const action = props.action ?? AuthorizationAction.ALLOW;
    const actions = Object.values(AuthorizationAction);
    if (!actions.includes(action)) throw invalid('action', 'must be an AuthorizationAction', action, actions.join(', '));
    if ((action === AuthorizationAction.CUSTOM) !== (props.provider !== undefined)) {
      throw invalid('provider', "must be set exactly when 'action' is CUSTOM", props.provider);
    }
    validateSelector('selector', props.selector);
    if (props.selector && props.waypoint) throw invalid('selector', "must not be combined with 'waypoint' (Istio accepts either a selector or targetRefs)", props.selector);
    if (props.waypoint) {
      if (!(props.waypoint instanceof Waypoint)) throw invalid('waypoint', 'must be a Waypoint', typeof props.waypoint);
      if (props.waypoint.namespace !== this.namespace) {
        throw invalid('waypoint', `must be in the policy's namespace '${this.namespace}' (targetRefs are namespace-local)`, `${props.waypoint.namespace}/${props.waypoint.name}`);
      }
    }
    const trustDomain = props.trustDomain ?? 'cluster.local';
    const rules = (props.rules ?? []).map((r, i) => renderRule(r, `rules[${i}]`, trustDomain));
    const spec: Record<string, unknown> = { action };
    if (props.provider !== undefined) spec.provider = { name: props.provider };
    if (props.selector) spec.selector = { matchLabels: { ...props.selector } };
    if (props.waypoint) spec.targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: props.waypoint.name }];
    if (rules.length > 0) spec.rules = rules;
    return { action, resource: { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: this.metadata(), spec } };
  }
}

function list<T>(prop: string, v: T[] | undefined, check?: (x: T) => void): T[] | undefined {
  if (v === undefined) return undefined;
  if (v.length === 0) throw invalid(prop, 'must not be an empty list (omit it instead: an empty list matches nothing in Istio\'s schema)', v);
  if (check) v.forEach(check);
  return v;
}

function principalsOf(prop: string, sas: ServiceAccountRef[] | undefined, trustDomain: string): string[] {
  return (list(prop, sas) ?? []).map((sa) => {
    validateNamespaceName(`${prop}.namespace`, sa.namespace);
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(sa.name)) throw invalid(`${prop}.name`, 'must be a service account name', sa.name);
    return `${trustDomain}/ns/${sa.namespace}/sa/${sa.name}`;
  });
}

function strings(prop: string, v: string[] | undefined): string[] | undefined {
  return list(prop, v, (s) => {
    if (typeof s !== 'string' || s.length === 0) throw invalid(prop, 'must hold non-empty strings', s);
  });
}

function renderRule(rule: AuthorizationRule, at: string, trustDomain: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const from = list(`${at}.from`, rule.from)?.map((s, j) => {
    const p = `${at}.from[${j}]`;
    const ip = (name: string, v: string[] | undefined) => list(`${p}.${name}`, v, (x) => {
      if (!IP_OR_CIDR.test(x)) throw invalid(`${p}.${name}`, 'must hold IP addresses or CIDRs', x);
    });
    const principals = [...(strings(`${p}.principals`, s.principals) ?? []), ...principalsOf(`${p}.serviceAccounts`, s.serviceAccounts, trustDomain)];
    const notPrincipals = [...(strings(`${p}.notPrincipals`, s.notPrincipals) ?? []), ...principalsOf(`${p}.notServiceAccounts`, s.notServiceAccounts, trustDomain)];
    const source = compact({
      principals: principals.length ? principals : undefined,
      notPrincipals: notPrincipals.length ? notPrincipals : undefined,
      namespaces: strings(`${p}.namespaces`, s.namespaces),
      notNamespaces: strings(`${p}.notNamespaces`, s.notNamespaces),
      ipBlocks: ip('ipBlocks', s.ipBlocks),
      notIpBlocks: ip('notIpBlocks', s.notIpBlocks),
      requestPrincipals: strings(`${p}.requestPrincipals`, s.requestPrincipals),
      notRequestPrincipals: strings(`${p}.notRequestPrincipals`, s.notRequestPrincipals),
      remoteIpBlocks: ip('remoteIpBlocks', s.remoteIpBlocks),
      notRemoteIpBlocks: ip('notRemoteIpBlocks', s.notRemoteIpBlocks),
    });
    if (Object.keys(source).length === 0) throw invalid(p, 'must set at least one field (an empty source matches any source)', s);
    return { source };
  });
  const to = list(`${at}.to`, rule.to)?.map((o, j) => {
    const p = `${at}.to[${j}]`;
    const ports = (name: string, v: number[] | undefined) => list(`${p}.${name}`, v, (x) => validatePort(`${p}.${name}`, x))?.map(String);
    const operation = compact({
      ports: ports('ports', o.ports),
      notPorts: ports('notPorts', o.notPorts),
      hosts: strings(`${p}.hosts`, o.hosts),
      notHosts: strings(`${p}.notHosts`, o.notHosts),
      methods: list(`${p}.methods`, o.methods, (m) => { if (!HTTP_METHOD.test(m)) throw invalid(`${p}.methods`, 'must hold upper-case HTTP methods', m); }),
      notMethods: list(`${p}.notMethods`, o.notMethods, (m) => { if (!HTTP_METHOD.test(m)) throw invalid(`${p}.notMethods`, 'must hold upper-case HTTP methods', m); }),
      paths: strings(`${p}.paths`, o.paths),
      notPaths: strings(`${p}.notPaths`, o.notPaths),
    });
    if (Object.keys(operation).length === 0) throw invalid(p, 'must set at least one field (an empty operation matches anything)', o);
    return { operation };
  });
  const when = list(`${at}.when`, rule.when)?.map((c, j) => {
    const p = `${at}.when[${j}]`;
    if (typeof c.key !== 'string' || c.key.length === 0) throw invalid(`${p}.key`, 'must be a condition key', c.key);
    const cond = compact({ key: c.key, values: strings(`${p}.values`, c.values), notValues: strings(`${p}.notValues`, c.notValues) });
    if (!cond.values && !cond.notValues) throw invalid(p, "must set 'values' or 'notValues'", c);
    return cond;
  });
  if (from) out.from = from;
  if (to) out.to = to;
  if (when) out.when = when;
  return out;
}

function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
