import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { Namespace } from '@cdktf/provider-kubernetes/lib/namespace';
import { CHECKS, CheckId, MeshChecks } from '../../../lib/istio/checks/check-registry';
import { MeshPrechecks } from '../../../lib/istio/checks/mesh-prechecks';
import { checkZtunnelPolicies } from '../../../lib/istio/checks/rules';
import { StackModel } from '../../../lib/istio/checks/stack-model';
import { IstioAmbientClusterProps } from '../../../lib/istio/istio-ambient-cluster';
import { AuthorizationAction, AuthorizationPolicy } from '../../../lib/istio/policy/authorization-policy';
import { PeerAuthentication, PeerMtlsMode } from '../../../lib/istio/policy/peer-authentication';
import { Telemetry } from '../../../lib/istio/policy/telemetry';
import { Waypoint } from '../../../lib/istio/policy/waypoint';
import { IstioResource, MtlsMode } from '../../../lib/istio/resources';
import { IstioVersion } from '../../../lib/catalog/istio-versions';
import { CHARTS_DIR_CONTEXT } from '../../../lib/istio/checks/chart-source';
import { annotationsOf, testMesh, testStack } from '../../util';
import { pulledChartsDir } from './pulled-charts';

const covered = new Set<CheckId>();

/** Findings of a stack as `id` → messages, from the annotations the Aspect writes. */
function findings(stack: TerraformStack, level: 'error' | 'warning' | 'info' = 'error'): string[] {
  return annotationsOf(stack, level).filter((a) => a.includes('[CIM-'));
}
function ids(stack: TerraformStack, level: 'error' | 'warning' | 'info' = 'error'): string[] {
  return findings(stack, level).map((a) => /\[(CIM-\d+)\]/.exec(a)![1]).sort();
}
function meshWith(props: Partial<IstioAmbientClusterProps> = {}) {
  const stack = testStack();
  const mesh = testMesh(stack, { ambientNamespaces: ['shop'], ...props });
  return { stack, mesh };
}
function workload(stack: Construct, id: string, namespace: string, labels: Record<string, string>, image = 'example/app:1.0.0'): DeploymentV1 {
  return new DeploymentV1(stack, id, {
    metadata: { name: id.toLowerCase(), namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { container: [{ name: 'app', image }] } } },
  });
}
const raw = (apiVersion: string, kind: string, spec: Record<string, unknown>, namespace = 'shop', name = 'raw'): IstioResource => ({ apiVersion, kind, metadata: { name, namespace }, spec });

describe('the mesh and its defaults pass every precheck', () => {
  test('no errors and no CIM warnings', () => {
    const { stack } = meshWith();
    expect(findings(stack, 'error')).toEqual([]);
    expect(findings(stack, 'warning')).toEqual([]);
  });
});

describe(`${CheckId.ZTUNNEL_L7_ATTRIBUTE}: L7 attributes in a policy ztunnel enforces`, () => {
  beforeAll(() => covered.add(CheckId.ZTUNNEL_L7_ATTRIBUTE));

  test('ALLOW with methods: error quoting the rule, the effect and the fix', () => {
    const { stack, mesh } = meshWith();
    workload(stack, 'Cart', 'shop', { app: 'cart' });
    new AuthorizationPolicy(stack, 'Get', { mesh, namespace: 'shop', selector: { app: 'cart' }, rules: [{ to: [{ methods: ['GET'] }] }] });
    const [msg] = findings(stack);
    expect(msg).toContain('[test/Get] [CIM-1001] L7 attribute in a policy enforced by ztunnel: AuthorizationPolicy shop/get rules[0] = {"to":[{"operation":{"methods":["GET"]}}]} uses L7 attributes (to[0].operation.methods)');
    expect(msg).toContain('ztunnel drops this ALLOW rule');
    expect(msg).toContain("Fix: add a Waypoint and bind the policy to it ('waypoint' prop, i.e. targetRefs)");
  });

  test('DENY with a when key ztunnel does not know: says it denies more than written', () => {
    const { stack, mesh } = meshWith();
    new AuthorizationPolicy(stack, 'NoAdmins', { mesh, namespace: 'shop', action: AuthorizationAction.DENY, rules: [{ when: [{ key: 'request.headers[x-admin]', values: ['1'] }] }] });
    expect(findings(stack)).toEqual([expect.stringMatching(/when\[0\]\.key 'request\.headers\[x-admin\]'.*denies more than written/)]);
  });

  test('also in raw meshResources; not with targetRefs; not in a namespace only sidecars serve', () => {
    const { stack } = meshWith({
      meshResources: [
        raw('security.istio.io/v1', 'AuthorizationPolicy', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }, 'istio-system', 'jwt-everywhere'),
        raw('security.istio.io/v1', 'AuthorizationPolicy', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'w' }], rules: [{ to: [{ operation: { paths: ['/x'] } }] }] }, 'shop', 'on-waypoint'),
        raw('security.istio.io/v1', 'AuthorizationPolicy', { rules: [{ to: [{ operation: { paths: ['/x'] } }] }] }, 'legacy', 'sidecar-ns'),
      ],
    });
    new Namespace(stack, 'Legacy', { metadata: { name: 'legacy', labels: { 'istio-injection': 'enabled' } } });
    expect(ids(stack)).toEqual(['CIM-1001']);
    expect(findings(stack)[0]).toContain('istio-system/jwt-everywhere');
  });

  test('the same L4 rule passes', () => {
    const { stack, mesh } = meshWith();
    new AuthorizationPolicy(stack, 'Ports', { mesh, namespace: 'shop', rules: [{ from: [{ namespaces: ['shop'] }], to: [{ ports: [8080] }], when: [{ key: 'source.ip', values: ['10.0.0.0/8'] }] }] });
    expect(findings(stack)).toEqual([]);
  });
});

describe(`${CheckId.ZTUNNEL_UNSUPPORTED_ACTION}: AUDIT/CUSTOM on ztunnel`, () => {
  beforeAll(() => covered.add(CheckId.ZTUNNEL_UNSUPPORTED_ACTION));
  test('AUDIT without a waypoint is an error; with a waypoint it passes', () => {
    const { stack, mesh } = meshWith();
    new AuthorizationPolicy(stack, 'Audit', { mesh, namespace: 'shop', action: AuthorizationAction.AUDIT, rules: [{ from: [{ namespaces: ['x'] }] }] });
    const waypoint = new Waypoint(stack, 'Waypoint', { mesh, namespace: 'shop' });
    new AuthorizationPolicy(stack, 'AuditW', { mesh, namespace: 'shop', waypoint, action: AuthorizationAction.AUDIT, rules: [{ from: [{ namespaces: ['x'] }] }] });
    expect(findings(stack)).toEqual([expect.stringMatching(/^\[test\/Audit\] \[CIM-1002\].*action AUDIT, which ztunnel does not support.*not enforced at all/)]);
  });
});

describe(`${CheckId.ZTUNNEL_IGNORED_FIELD}: fields ztunnel silently ignores`, () => {
  beforeAll(() => covered.add(CheckId.ZTUNNEL_IGNORED_FIELD));
  const model = (minor: string, spec: Record<string, unknown>): StackModel => ({
    meshes: [], namespaceLabels: [], workloads: [], services: new Set(), images: [], releases: [],
    resources: [{ resource: raw('security.istio.io/v1', 'AuthorizationPolicy', spec), owner: new Construct(undefined as never, 'x'), minor }],
  });
  test('trustDomains on Istio 1.30 (in the CRD, unread by ztunnel): an ALLOW that allows more than written', () => {
    const found = checkZtunnelPolicies(model('1.30', { rules: [{ from: [{ source: { trustDomains: ['partner.example'] } }] }] }));
    expect(found.map((f) => [f.id, f.message])).toEqual([[CheckId.ZTUNNEL_IGNORED_FIELD, expect.stringMatching(/ignores from\[0\]\.source\.trustDomains.*allows more than written/)]]);
  });
  test('serviceAccounts on Istio 1.24 (not in that CRD: pruned) vs 1.25 (enforced)', () => {
    const spec = { rules: [{ from: [{ source: { serviceAccounts: ['shop/web'] } }] }] };
    expect(checkZtunnelPolicies(model('1.24', spec)).map((f) => f.id)).toEqual([CheckId.ZTUNNEL_IGNORED_FIELD]);
    expect(checkZtunnelPolicies(model('1.25', spec))).toEqual([]);
  });
});

describe(`${CheckId.INVALID_RE2_REGEX}: regexes compiled with RE2`, () => {
  beforeAll(() => covered.add(CheckId.INVALID_RE2_REGEX));
  test('a lookahead JavaScript accepts fails; RE2-only syntax JavaScript rejects passes; Gateway API RegularExpression matches are checked too', () => {
    expect(() => new RegExp('^/api/(?!internal)')).not.toThrow();
    expect(() => new RegExp('(?P<v>v[0-9]+)')).toThrow();
    const { stack } = meshWith({
      meshResources: [
        raw('networking.istio.io/v1', 'VirtualService', { hosts: ['api'], http: [{ match: [{ uri: { regex: '^/api/(?!internal)' } }, { uri: { regex: '^/(?P<v>v[0-9]+)/' } }], route: [{ destination: { host: 'api' } }] }] }),
        raw('gateway.networking.k8s.io/v1', 'HTTPRoute', { rules: [{ matches: [{ path: { type: 'RegularExpression', value: '(a)\\1' } }] }] }),
      ],
    });
    expect(findings(stack)).toEqual([
      expect.stringMatching(/spec\.http\[0\]\.match\[0\]\.uri\.regex = "\^\/api\/\(\?!internal\)" is rejected: RE2 does not compile it \(invalid perl operator: \(\?!\).*IST0122/),
      expect.stringMatching(/spec\.rules\[0\]\.matches\[0\]\.path\.value = "\(a\)\\\\1" is rejected: RE2 does not compile it \(invalid escape sequence: \\1\)/),
    ]);
  });
});

test(`${CheckId.INVALID_RE2_REGEX}: a regex over 1024 characters (Istio's webhook limit) fails; 1024 passes`, () => {
  const { stack } = meshWith({
    meshResources: [raw('networking.istio.io/v1', 'VirtualService', { hosts: ['api'], http: [{ match: [{ uri: { regex: 'a'.repeat(1024) } }, { uri: { regex: 'b'.repeat(1025) } }], route: [{ destination: { host: 'api' } }] }] })],
  });
  expect(findings(stack)).toEqual([expect.stringMatching(/match\[1\]\.uri\.regex = "b+" is rejected: longer than 1024 characters \(1025\); Istio's webhook rejects it/)]);
});

describe(`${CheckId.API_VERSION_NOT_SERVED} / ${CheckId.API_VERSION_DEPRECATED}: API versions for the installed minor`, () => {
  beforeAll(() => { covered.add(CheckId.API_VERSION_NOT_SERVED); covered.add(CheckId.API_VERSION_DEPRECATED); });
  test('v1alpha2 Telemetry is not served (error); v1beta1 AuthorizationPolicy is superseded and EnvoyFilter alpha-only (warnings)', () => {
    const { stack } = meshWith({
      meshResources: [
        raw('telemetry.istio.io/v1alpha2', 'Telemetry', {}, 'istio-system', 't'),
        raw('security.istio.io/v1beta1', 'AuthorizationPolicy', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['x'] } }] }] }, 'istio-system', 'old'),
        raw('networking.istio.io/v1alpha3', 'EnvoyFilter', {}, 'istio-system', 'ef'),
      ],
    });
    expect(findings(stack)).toEqual([expect.stringMatching(/\[CIM-3001\].*telemetry\.istio\.io\/v1alpha2, which Istio 1\.22 does not serve \(served: v1, v1alpha1\)/)]);
    expect(findings(stack, 'warning')).toEqual([
      expect.stringMatching(/\[CIM-3002\].*AuthorizationPolicy istio-system\/old uses security\.istio\.io\/v1beta1; v1 is the stable version/),
      expect.stringMatching(/\[CIM-3002\].*EnvoyFilter istio-system\/ef uses networking\.istio\.io\/v1alpha3, an alpha API/),
    ]);
  });
});

describe(`${CheckId.SELECTOR_MATCHES_NOTHING} / ${CheckId.TARGET_REF_MATCHES_NOTHING}: references to nothing the stack declares`, () => {
  beforeAll(() => { covered.add(CheckId.SELECTOR_MATCHES_NOTHING); covered.add(CheckId.TARGET_REF_MATCHES_NOTHING); });
  test('a selector without a matching workload, and a targetRef to an undeclared Gateway, warn (with the istioctl codes)', () => {
    const { stack, mesh } = meshWith({
      meshResources: [raw('security.istio.io/v1', 'AuthorizationPolicy', { action: 'DENY', targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'nope' }], rules: [{ from: [{ source: { namespaces: ['x'] } }] }] })],
    });
    workload(stack, 'Cart', 'shop', { app: 'cart', tier: 'web' });
    new PeerAuthentication(stack, 'Typo', { mesh, namespace: 'shop', selector: { app: 'carts' }, mode: PeerMtlsMode.STRICT });
    new PeerAuthentication(stack, 'Ok', { mesh, namespace: 'shop', selector: { app: 'cart' }, mode: PeerMtlsMode.STRICT });
    const waypoint = new Waypoint(stack, 'Waypoint', { mesh, namespace: 'shop' });
    new AuthorizationPolicy(stack, 'OnWaypoint', { mesh, namespace: 'shop', waypoint, rules: [{ to: [{ paths: ['/x'] }] }] });
    expect(findings(stack, 'warning')).toEqual([
      expect.stringMatching(/^\[test\/Mesh\] \[CIM-4002\].*targets Gateway shop\/nope, which this stack does not declare.*IST0101/),
      expect.stringMatching(/^\[test\/Typo\] \[CIM-4001\].*selects \{"app":"carts"\}.*IST0127/),
    ]);
  });
});

describe(`${CheckId.CONFLICTING_TELEMETRY}: several namespace-wide Telemetry resources`, () => {
  beforeAll(() => covered.add(CheckId.CONFLICTING_TELEMETRY));
  test('two without selector in one namespace warn on both; a selector or waypoint one does not count', () => {
    const { stack, mesh } = meshWith();
    workload(stack, 'Cart', 'shop', { app: 'cart' });
    new Telemetry(stack, 'Logs', { mesh, namespace: 'shop', accessLogProviders: ['envoy'] });
    new Telemetry(stack, 'Trace', { mesh, namespace: 'shop', tracingSamplingPercentage: 5 });
    new Telemetry(stack, 'CartOnly', { mesh, namespace: 'shop', selector: { app: 'cart' }, tracingSamplingPercentage: 50 });
    const waypoint = new Waypoint(stack, 'Waypoint', { mesh, namespace: 'shop' });
    new Telemetry(stack, 'OnWaypoint', { mesh, namespace: 'shop', waypoint, tracingSamplingPercentage: 50 });
    expect(findings(stack, 'warning')).toEqual([
      expect.stringMatching(/^\[test\/Logs\] \[CIM-4003\].*namespace 'shop' has 2 Telemetry resources without selector or targetRefs \(logs, trace\).*IST0160/),
      expect.stringMatching(/^\[test\/Trace\] \[CIM-4003\]/),
    ]);
  });
});

describe(`${CheckId.MTLS_NOT_STRICT}: mTLS not STRICT`, () => {
  beforeAll(() => covered.add(CheckId.MTLS_NOT_STRICT));
  test('a PERMISSIVE mesh and a PeerAuthentication with a DISABLE port warn', () => {
    const { stack, mesh } = meshWith({ mtlsMode: MtlsMode.PERMISSIVE });
    workload(stack, 'Db', 'shop', { app: 'db' });
    new PeerAuthentication(stack, 'DbPort', { mesh, namespace: 'shop', selector: { app: 'db' }, portLevelMtls: { 5432: PeerMtlsMode.DISABLE } });
    expect(findings(stack, 'warning')).toEqual([
      expect.stringMatching(/^\[test\/Mesh\] \[CIM-5001\].*mesh-wide mTLS mode is PERMISSIVE/),
      expect.stringMatching(/^\[test\/DbPort\] \[CIM-5001\].*sets port 5432 DISABLE/),
    ]);
  });
});

describe(`${CheckId.SIDECAR_AND_AMBIENT}: a namespace in both sidecar injection and ambient`, () => {
  beforeAll(() => covered.add(CheckId.SIDECAR_AND_AMBIENT));
  test('an injected namespace the mesh also enrolls is an error', () => {
    const { stack } = meshWith({ enrollExistingNamespaces: ['legacy'] });
    new Namespace(stack, 'Legacy', { metadata: { name: 'legacy', labels: { 'istio.io/rev': 'stable' } } });
    expect(findings(stack)).toEqual([expect.stringMatching(/\[CIM-5002\].*namespace 'legacy' is labelled both istio\.io\/rev=stable and istio\.io\/dataplane-mode=ambient/)]);
  });
  test('istio-injection=enabled on an enrolled namespace is an error', () => {
    const { stack } = meshWith({ enrollExistingNamespaces: ['legacy'] });
    new Namespace(stack, 'Legacy', { metadata: { name: 'legacy', labels: { 'istio-injection': 'enabled' } } });
    expect(findings(stack)).toEqual([expect.stringMatching(/\[CIM-5002\].*namespace 'legacy' is labelled both istio-injection=enabled/)]);
  });
  // The injector's revision webhook selects `istio.io/rev In [rev]` AND `istio-injection DoesNotExist`
  // (istiod chart templates/mutatingwebhook.yaml): the pair IstioCanaryRevision writes injects nothing.
  test('a revision label with istio-injection=disabled (the canary\'s tag label on ambient namespaces) is not injection', () => {
    const { stack } = meshWith({ enrollExistingNamespaces: ['legacy'] });
    new Namespace(stack, 'Legacy', { metadata: { name: 'legacy', labels: { 'istio.io/rev': 'prod-stable', 'istio-injection': 'disabled' } } });
    expect(findings(stack).filter((f) => f.includes('CIM-5002'))).toEqual([]);
  });
});

describe(`${CheckId.UNPINNED_CHART} / ${CheckId.UNPINNED_IMAGE}: pinning`, () => {
  beforeAll(() => { covered.add(CheckId.UNPINNED_CHART); covered.add(CheckId.UNPINNED_IMAGE); });
  test('charts without a version or with a range, and images without a tag or tagged latest, warn; pinned ones do not', () => {
    const { stack } = meshWith();
    new Release(stack, 'NoVersion', { name: 'a', chart: 'kiali-server', repository: 'https://kiali.org/helm-charts' });
    new Release(stack, 'Range', { name: 'b', chart: 'kiali-server', repository: 'https://kiali.org/helm-charts', version: '^2.1.0' });
    new Release(stack, 'Pinned', { name: 'c', chart: 'kiali-server', repository: 'https://kiali.org/helm-charts', version: '2.1.0', values: ['image:\n  tag: latest\n'] });
    workload(stack, 'Untagged', 'shop', { app: 'u' }, 'nginx');
    workload(stack, 'Latest', 'shop', { app: 'l' }, 'docker.io/library/nginx:latest');
    workload(stack, 'Digest', 'shop', { app: 'd' }, 'nginx@sha256:' + 'a'.repeat(64));
    workload(stack, 'Port', 'shop', { app: 'p' }, 'registry:5000/nginx');
    expect(ids(stack, 'warning')).toEqual(['CIM-6001', 'CIM-6001', 'CIM-6002', 'CIM-6002', 'CIM-6002', 'CIM-6002']);
    expect(findings(stack, 'warning').join('\n')).toMatch(/\[test\/Pinned\].*image '<image>:latest' is tagged 'latest'/);
    expect(findings(stack, 'warning').join('\n')).toMatch(/\[test\/Port\].*image 'registry:5000\/nginx' has no tag/);
  });
});

describe(`${CheckId.CHART_VALUE_NOT_READ} / ${CheckId.CHART_NOT_AVAILABLE}: values against the chart on disk (more in chart-values.test.ts)`, () => {
  beforeAll(() => { covered.add(CheckId.CHART_VALUE_NOT_READ); covered.add(CheckId.CHART_NOT_AVAILABLE); });
  const dir = pulledChartsDir('1.22', '1.22.8', ['istiod']);
  (dir ? test : test.skip)('a key the chart does not have is an error; a chart not in the directory is a warning', () => {
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    testMesh(stack, { ambientNamespaces: ['shop'], istioVersion: IstioVersion.of('1.22.8'), allowUnsupportedKubernetesVersion: true, istiodValues: { pilot: { autoscaleEnabeld: false } } });
    expect(ids(stack)).toEqual(['CIM-6003']);
    expect(findings(stack)[0]).toContain("helm_release 'istiod' (istiod 1.22.8) sets 'pilot.autoscaleEnabeld': 'autoscaleEnabeld' is not a key of 'pilot' in the chart's values.yaml (did you mean 'autoscaleEnabled'?)");
    expect(ids(stack, 'warning').filter((id) => id === 'CIM-6004')).toEqual(['CIM-6004', 'CIM-6004', 'CIM-6004']); // base, cni, ztunnel not pulled
  });
});

describe('suppression', () => {
  test('on an ancestor scope, with a reason; reported as info; other checks on the same construct still fire', () => {
    const { stack, mesh } = meshWith();
    const team = new Construct(stack, 'TeamA');
    new AuthorizationPolicy(team, 'Get', { mesh, namespace: 'shop', action: AuthorizationAction.CUSTOM, provider: 'opa', rules: [{ to: [{ methods: ['GET'] }] }] });
    new AuthorizationPolicy(stack, 'Other', { mesh, namespace: 'shop', rules: [{ to: [{ methods: ['GET'] }] }] });
    MeshChecks.suppress(team, CheckId.ZTUNNEL_UNSUPPORTED_ACTION, 'ext-authz runs in the app');
    expect(findings(stack)).toEqual([expect.stringMatching(/^\[test\/Other\] \[CIM-1001\]/)]);
    expect(findings(stack, 'info')).toEqual([expect.stringMatching(/^\[test\/TeamA\/Get\] suppressed \(ext-authz runs in the app\): \[CIM-1002\]/)]);
  });
  test('needs a reason and a known id', () => {
    const stack = testStack();
    expect(() => MeshChecks.suppress(stack, CheckId.MTLS_NOT_STRICT, ' ')).toThrow(/'reason' must say why/);
    expect(() => MeshChecks.suppress(stack, 'CIM-9999' as CheckId, 'x')).toThrow(/'id' must be a CheckId/);
  });
  test('the Aspect is added once per stack, however many meshes or calls', () => {
    const { stack } = meshWith();
    MeshPrechecks.addTo(stack);
    expect(require('cdktf').Aspects.of(stack).all.filter((a: unknown) => a instanceof MeshPrechecks)).toHaveLength(1);
  });
});

describe('registry', () => {
  test('every check id has a test above, a fix, and an error or warning severity', () => {
    expect([...covered].sort()).toEqual(Object.values(CheckId).sort());
    for (const id of Object.values(CheckId)) {
      expect(CHECKS[id].fix.length).toBeGreaterThan(10);
      expect(['error', 'warning']).toContain(CHECKS[id].severity);
    }
  });
});
