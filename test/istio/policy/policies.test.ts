import { TerraformVariable } from 'cdktf';
import { parse } from 'yaml';
import { gatewayApiFor, gatewayApiInstallCommand } from '../../../lib/catalog/gateway-api';
import { AuthorizationAction, AuthorizationPolicy, AuthorizationPolicyProps } from '../../../lib/istio/policy/authorization-policy';
import { PeerAuthentication, PeerMtlsMode } from '../../../lib/istio/policy/peer-authentication';
import { IstioMetric, Telemetry } from '../../../lib/istio/policy/telemetry';
import { Waypoint, WaypointTrafficType } from '../../../lib/istio/policy/waypoint';
import { IstioMeshValidationError } from '../../../lib/private/errors';
import { helmReleaseName } from '../../../lib/private/naming';
import { release, resourcesOf, synthJson, testMesh, testStack } from '../../util';

function setup(ambientNamespaces = ['shop']) {
  const stack = testStack();
  const mesh = testMesh(stack, { ambientNamespaces });
  return { stack, mesh };
}

describe('PeerAuthentication', () => {
  test('namespace policy: mode only; name from the construct id; release after istiod and ztunnel in istio-system', () => {
    const { stack, mesh } = setup();
    const pa = new PeerAuthentication(stack, 'ShopStrict', { mesh, namespace: 'shop', mode: PeerMtlsMode.STRICT });
    expect(pa.resource.metadata.name).toBe('shop-strict');
    expect(pa.resource.spec).toEqual({ mtls: { mode: 'STRICT' } });
    const json = synthJson(stack);
    const r = release(json, 'policy-peerauthn-shop-shop-strict');
    expect(r).toMatchObject({ namespace: 'istio-system', wait: true, atomic: true, timeout: 300 });
    expect(r.depends_on).toEqual(expect.arrayContaining([`helm_release.${release(json, 'istiod').logicalId}`, `helm_release.${release(json, 'ztunnel').logicalId}`]));
  });

  test('workload policy with port-level modes; UNSET is left out', () => {
    const { stack, mesh } = setup();
    const pa = new PeerAuthentication(stack, 'Db', { mesh, namespace: 'shop', name: 'db', selector: { app: 'db' }, portLevelMtls: { 5432: PeerMtlsMode.PERMISSIVE } });
    expect(pa.mode).toBe(PeerMtlsMode.UNSET);
    expect(pa.resource.spec).toEqual({ selector: { matchLabels: { app: 'db' } }, portLevelMtls: { 5432: { mode: 'PERMISSIVE' } } });
  });

  test.each([
    [{ namespace: 'istio-system' }, /'namespace' must not be the root namespace.*mtlsMode/],
    [{ portLevelMtls: { 80: PeerMtlsMode.STRICT } }, /'portLevelMtls' needs 'selector'/],
    [{ selector: { app: 'x' }, portLevelMtls: { 70000: PeerMtlsMode.STRICT } }, /'portLevelMtls' must hold port numbers from 1 to 65535, got 70000/],
    [{ mode: 'OFF' }, /'mode' must be a PeerMtlsMode, got 'OFF'/],
    [{ selector: {} }, /'selector' must have at least one label/],
    [{ namespace: 'Shop' }, /'namespace' must contain only DNS-1123 labels, got 'Shop'/],
    [{ colour: 'x' }, /'colour' is not a prop of PeerAuthentication/],
  ])('fails when %j, before any child exists', (bad, re) => {
    const { stack, mesh } = setup();
    expect(() => new PeerAuthentication(stack, 'Bad', { mesh, namespace: 'shop', ...(bad as object) })).toThrow(re);
    expect(stack.node.tryFindChild('Bad')?.node.children ?? []).toEqual([]);
  });

  test('errors carry the construct path', () => {
    const { stack, mesh } = setup();
    try {
      new PeerAuthentication(stack, 'Bad', { mesh, namespace: 'istio-system' });
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(IstioMeshValidationError);
      expect((e as IstioMeshValidationError).constructPath).toBe('test/Bad');
    }
  });
});

describe('AuthorizationPolicy', () => {
  const base = (mesh: AuthorizationPolicyProps['mesh']): AuthorizationPolicyProps => ({ mesh, namespace: 'shop' });

  test('defaults: ALLOW, no rules (deny all it selects), no selector (whole namespace)', () => {
    const { stack, mesh } = setup();
    const p = new AuthorizationPolicy(stack, 'DenyAll', base(mesh));
    expect(p.action).toBe(AuthorizationAction.ALLOW);
    expect(p.resource.spec).toEqual({ action: 'ALLOW' });
  });

  test('waypoint: targetRefs to its Gateway, released after the waypoint', () => {
    const { stack, mesh } = setup();
    const waypoint = new Waypoint(stack, 'W', { mesh, namespace: 'shop', name: 'shop-waypoint' });
    const p = new AuthorizationPolicy(stack, 'Paths', { ...base(mesh), waypoint, rules: [{ to: [{ methods: ['GET'], paths: ['/api/*'] }], when: [{ key: 'request.auth.claims[groups]', values: ['a'] }] }] });
    expect(p.resource.spec).toEqual({
      action: 'ALLOW',
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shop-waypoint' }],
      rules: [{ to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }], when: [{ key: 'request.auth.claims[groups]', values: ['a'] }] }],
    });
    const json = synthJson(stack);
    expect(release(json, 'policy-authz-shop-paths').depends_on).toContain(`helm_release.${release(json, 'policy-waypoint-shop-shop-waypoint').logicalId}`);
  });

  test('service accounts become principals in the trust domain; ports become strings; CUSTOM carries the provider', () => {
    const { stack, mesh } = setup();
    const p = new AuthorizationPolicy(stack, 'Ext', {
      ...base(mesh), action: AuthorizationAction.CUSTOM, provider: 'opa', trustDomain: 'prod.example',
      rules: [{ from: [{ serviceAccounts: [{ namespace: 'a', name: 'b' }], notServiceAccounts: [{ namespace: 'c', name: 'd' }] }], to: [{ ports: [8080] }] }],
    });
    expect(p.resource.spec).toEqual({
      action: 'CUSTOM', provider: { name: 'opa' },
      rules: [{ from: [{ source: { principals: ['prod.example/ns/a/sa/b'], notPrincipals: ['prod.example/ns/c/sa/d'] } }], to: [{ operation: { ports: ['8080'] } }] }],
    });
  });

  test.each([
    [{ action: 'PERMIT' }, /'action' must be an AuthorizationAction, got 'PERMIT'/],
    [{ action: AuthorizationAction.CUSTOM }, /'provider' must be set exactly when 'action' is CUSTOM/],
    [{ provider: 'opa' }, /'provider' must be set exactly when 'action' is CUSTOM, got 'opa'/],
    [{ rules: [{ from: [] }] }, /'rules\[0\]\.from' must not be an empty list/],
    [{ rules: [{ from: [{}] }] }, /'rules\[0\]\.from\[0\]' must set at least one field/],
    [{ rules: [{ to: [{ ports: [0] }] }] }, /'rules\[0\]\.to\[0\]\.ports' must hold port numbers from 1 to 65535, got 0/],
    [{ rules: [{ to: [{ methods: ['get'] }] }] }, /'rules\[0\]\.to\[0\]\.methods' must hold upper-case HTTP methods, got 'get'/],
    [{ rules: [{ from: [{ ipBlocks: ['10.0.0.0/x'] }] }] }, /'rules\[0\]\.from\[0\]\.ipBlocks' must hold IP addresses or CIDRs/],
    [{ rules: [{ when: [{ key: 'source.ip' }] }] }, /'rules\[0\]\.when\[0\]' must set 'values' or 'notValues'/],
    [{ rules: [{ from: [{ serviceAccounts: [{ namespace: 'A', name: 'b' }] }] }] }, /'rules\[0\]\.from\[0\]\.serviceAccounts\.namespace' must contain only DNS-1123 labels/],
    [{ rules: [{ from: [{ principal: ['x'] }] }] }, /'rules\[0\]\.from\[0\]\.principal' is not a prop/],
  ])('fails when %j', (bad, re) => {
    const { stack, mesh } = setup();
    expect(() => new AuthorizationPolicy(stack, 'Bad', { ...base(mesh), ...(bad as object) })).toThrow(re);
    expect(stack.node.tryFindChild('Bad')?.node.children ?? []).toEqual([]);
  });

  test('fails when selector and waypoint are combined, or the waypoint is in another namespace', () => {
    const { stack, mesh } = setup(['shop', 'other']);
    const waypoint = new Waypoint(stack, 'W', { mesh, namespace: 'other' });
    expect(() => new AuthorizationPolicy(stack, 'A', { ...base(mesh), waypoint, selector: { app: 'x' } })).toThrow(/'selector' must not be combined with 'waypoint'/);
    expect(() => new AuthorizationPolicy(stack, 'B', { ...base(mesh), waypoint })).toThrow(/'waypoint' must be in the policy's namespace 'shop'.*got 'other\/waypoint'/);
  });

  test('fails when two policies of one kind share namespace and name (same Helm release)', () => {
    const { stack, mesh } = setup();
    new AuthorizationPolicy(stack, 'One', { ...base(mesh), name: 'same' });
    expect(() => new AuthorizationPolicy(stack, 'Two', { ...base(mesh), name: 'same' })).toThrow(/'name' must be unique per kind and namespace \(another policy, test\/One/);
  });
});

describe('Telemetry', () => {
  test('access logging with a filter and tracing sampling for a waypoint', () => {
    const { stack, mesh } = setup();
    const waypoint = new Waypoint(stack, 'W', { mesh, namespace: 'shop' });
    const t = new Telemetry(stack, 'Logs', { mesh, namespace: 'shop', waypoint, accessLogProviders: ['envoy'], accessLogFilter: 'response.code >= 500', tracingSamplingPercentage: 1 });
    expect(t.resource.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }],
      accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 500' } }],
      tracing: [{ randomSamplingPercentage: 1 }],
    });
  });

  test('upserted tags carry their CEL expression; the default metric is ALL_METRICS', () => {
    const { stack, mesh } = setup();
    const t = new Telemetry(stack, 'Tags', { mesh, namespace: 'istio-system', metricOverrides: [{ upsertTags: { host: 'request.host' } }] });
    expect(t.resource.spec).toEqual({ metrics: [{ overrides: [{ match: { metric: 'ALL_METRICS', mode: 'CLIENT_AND_SERVER' }, tagOverrides: { host: { operation: 'UPSERT', value: 'request.host' } } }] }] });
  });

  test.each([
    [{}, /a Telemetry without settings does nothing/],
    [{ tracingSamplingPercentage: 101 }, /'tracingSamplingPercentage' must be from 0 to 100, got 101/],
    [{ metricOverrides: [{ metric: IstioMetric.REQUEST_COUNT }] }, /'metricOverrides\[0\]' must set 'disabled', 'removeTags' or 'upsertTags'/],
    [{ metricOverrides: [{ removeTags: ['a-b'] }] }, /'metricOverrides\[0\]\.removeTags' must hold metric tag names/],
    [{ metricOverrides: [{ removeTags: ['a'], upsertTags: { a: 'x' } }] }, /must not name a tag also in 'removeTags'/],
    [{ disableAccessLogging: true, accessLogProviders: ['envoy'] }, /'disableAccessLogging' must not be combined/],
    [{ metricOverrides: [{ metric: 'RPS', disabled: true }] }, /'metricOverrides\[0\]\.metric' must be an IstioMetric, got 'RPS'/],
  ])('fails when %j', (bad, re) => {
    const { stack, mesh } = setup();
    expect(() => new Telemetry(stack, 'Bad', { mesh, namespace: 'shop', ...(bad as object) })).toThrow(re);
  });
});

/**
 * Expected from istioctl's `waypoint generate` (istio/istio `istioctl/pkg/waypoint/waypoint.go`, makeGateway):
 * `GatewayClassName: constants.WaypointGatewayClassName` ("istio-waypoint") and one listener
 * `{Name: "mesh", Port: 15008, Protocol: protocol.HBONE}` at 1.22.8 L81–85, 1.26.8 L86–90, 1.30.3 L89–93
 * (the same at every tag between, ../shared/gateway-api/SOURCE.md note 3); label `istio.io/waypoint-for`
 * (1.22.8 L98 always, `service` by default; 1.30.3 L109 only when given, istiod then defaults to `service`).
 */
describe('Waypoint', () => {
  test("the Gateway istioctl generates: class istio-waypoint, one mesh/15008/HBONE listener, waypoint-for label; named 'waypoint' by default", () => {
    const { stack, mesh } = setup();
    const w = new Waypoint(stack, 'W', { mesh, namespace: 'shop' });
    expect(w.gateway).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'shop', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
    expect(new Waypoint(stack, 'All', { mesh, namespace: 'shop', name: 'all', trafficType: WaypointTrafficType.ALL }).gateway.metadata.labels).toMatchObject({ 'istio.io/waypoint-for': 'all' });
  });

  test('use-waypoint: on a namespace the mesh creates, set on that namespace; elsewhere and on services, kubernetes_labels after the waypoint', () => {
    const { stack, mesh } = setup(['shop']);
    const w = new Waypoint(stack, 'W', { mesh, namespace: 'shop', useForServices: ['cart'] });
    const json = synthJson(stack);
    const ns = resourcesOf(json, 'kubernetes_namespace').find(([, r]) => (r.metadata as { name: string }).name === 'shop')![1];
    expect((ns.metadata as { labels: Record<string, string> }).labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    const labels = resourcesOf(json, 'kubernetes_labels').filter(([, r]) => r.kind === 'Service');
    expect(labels.map(([, r]) => r)).toEqual([expect.objectContaining({
      api_version: 'v1', kind: 'Service', metadata: { name: 'cart', namespace: 'shop' }, labels: { 'istio.io/use-waypoint': 'waypoint' },
      field_manager: 'cdktf-istio-mesh', depends_on: [`helm_release.${release(json, 'policy-waypoint-shop-waypoint').logicalId}`],
    })]);
    expect(w.useLabels).toHaveLength(1);
  });

  test('an existing namespace gets a kubernetes_labels resource', () => {
    const { stack, mesh } = setup([]);
    new Waypoint(stack, 'W', { mesh, namespace: 'existing' });
    const labels = resourcesOf(synthJson(stack), 'kubernetes_labels').filter(([, r]) => (r.metadata as { name: string }).name === 'existing');
    expect(labels.map(([, r]) => [r.kind, r.labels])).toEqual([['Namespace', { 'istio.io/use-waypoint': 'waypoint' }]]);
  });

  test('fails when another namespace uses it on Istio 1.22 (istio.io/use-waypoint-namespace is read from 1.23)', () => {
    const { stack, mesh } = setup();
    expect(() => new Waypoint(stack, 'W', { mesh, namespace: 'shop', useInNamespaces: ['other'] }))
      .toThrow(/'useInNamespaces' may name another namespace than the waypoint's only from Istio 1\.23.*the mesh runs 1\.22, got 'other'/);
    expect(() => new Waypoint(stack, 'V', { mesh, namespace: 'shop', trafficType: 'pods' as WaypointTrafficType })).toThrow(/'trafficType' must be a WaypointTrafficType, got 'pods'/);
  });

  test("the chart fails the install without the Gateway API CRDs, naming the command for the mesh's minor; opt out with checkGatewayApiCrds: false", () => {
    const { stack, mesh } = setup();
    const w = new Waypoint(stack, 'W', { mesh, namespace: 'shop' });
    const template = w.chart.files['templates/check-gateway-api-crds.yaml'];
    expect(template).toContain('{{- if not (.Capabilities.APIVersions.Has "gateway.networking.k8s.io/v1/Gateway") }}');
    expect(template).toContain(`{{- fail "The Gateway API CRDs are not installed, so the Istio waypoint cannot be created. Istio 1.22's docs install them with: ${gatewayApiInstallCommand(gatewayApiFor('1.22'))}" }}`);
    expect(gatewayApiInstallCommand(gatewayApiFor('1.22'))).toBe('kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.1.0/experimental-install.yaml');
    const off = new Waypoint(stack, 'Off', { mesh, namespace: 'shop', name: 'off', checkGatewayApiCrds: false });
    expect(Object.keys(off.chart.files).sort()).toEqual(['Chart.yaml', 'templates/gateway.gateway.networking.k8s.io_shop_off.yaml']);
    expect(parse(off.chart.files['templates/gateway.gateway.networking.k8s.io_shop_off.yaml']).spec.gatewayClassName).toBe('istio-waypoint');
  });
});

describe('helmReleaseName', () => {
  test('keeps names up to 53 characters; cuts longer ones and ends them with a hash, keeping them distinct', () => {
    expect(helmReleaseName('policy', 'authz', 'shop', 'x')).toBe('policy-authz-shop-x');
    const a = helmReleaseName('policy', 'telemetry', 'a-very-long-namespace-name-for-tests', 'some-long-name-a');
    const b = helmReleaseName('policy', 'telemetry', 'a-very-long-namespace-name-for-tests', 'some-long-name-b');
    expect(a.length).toBeLessThanOrEqual(53);
    expect(a).toMatch(/-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe('tokens', () => {
  test('fails when a Terraform variable would be written into the generated chart (it is rendered at synth)', () => {
    const { stack, mesh } = setup();
    const v = new TerraformVariable(stack, 'team', { type: 'string' });
    expect(() => new AuthorizationPolicy(stack, 'Tok', { mesh, namespace: 'shop', rules: [{ from: [{ namespaces: [v.stringValue] }] }] }))
      .toThrow(/^'rules' must not contain Terraform tokens \(variables, references\): the policy is written into its generated chart at synth/);
    expect(stack.node.tryFindChild('Tok')?.node.children ?? []).toEqual([]);
  });
});
