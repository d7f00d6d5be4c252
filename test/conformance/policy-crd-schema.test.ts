import { GATEWAY_API_FOR_MINOR } from '../../lib/catalog/gateway-api';
import { IstioVersion } from '../../lib/catalog/istio-versions';
import { AuthorizationAction, AuthorizationPolicy } from '../../lib/istio/policy/authorization-policy';
import { MeshPolicy } from '../../lib/istio/policy/mesh-policy';
import { PeerAuthentication, PeerMtlsMode } from '../../lib/istio/policy/peer-authentication';
import { IstioMetric, Telemetry, WorkloadMode } from '../../lib/istio/policy/telemetry';
import { Waypoint, WaypointTrafficType } from '../../lib/istio/policy/waypoint';
import { sharedGatewayApiFiles, sharedIstioDir, testMesh, testStack } from '../util';
import { CrdReference } from './istio-reference';

/** Every supported minor the brief names; a minor the catalog does not have yet is rendered with the newest catalog release (the output does not depend on the patch). */
const MINORS = ['1.22', '1.23', '1.24', '1.25', '1.26', '1.27', '1.28', '1.29', '1.30'];

function versionFor(minor: string): IstioVersion {
  const all = IstioVersion.supported().filter((v) => v.minor === minor);
  return all.length ? all[all.length - 1] : IstioVersion.LATEST;
}

/** One of each policy, using every option the constructs render. */
function everyPolicy(minor: string): MeshPolicy[] {
  const stack = testStack();
  const mesh = testMesh(stack, { istioVersion: versionFor(minor), ambientNamespaces: ['shop'] });
  const waypoint = new Waypoint(stack, 'Waypoint', { mesh, namespace: 'shop', trafficType: WaypointTrafficType.ALL, useForServices: ['cart'] });
  return [
    waypoint,
    new PeerAuthentication(stack, 'NsStrict', { mesh, namespace: 'shop', mode: PeerMtlsMode.STRICT }),
    new PeerAuthentication(stack, 'Ports', {
      mesh, namespace: 'shop', selector: { app: 'cart' }, mode: PeerMtlsMode.UNSET,
      portLevelMtls: { 8080: PeerMtlsMode.PERMISSIVE, 9090: PeerMtlsMode.DISABLE, 8443: PeerMtlsMode.STRICT },
    }),
    new AuthorizationPolicy(stack, 'L4', {
      mesh, namespace: 'shop', selector: { app: 'cart' },
      rules: [{
        from: [{ serviceAccounts: [{ namespace: 'shop', name: 'web' }], principals: ['cluster.local/ns/x/sa/y'], notPrincipals: ['a'], namespaces: ['shop'], notNamespaces: ['b'], ipBlocks: ['10.0.0.0/8'], notIpBlocks: ['10.1.0.0/16'], notServiceAccounts: [{ namespace: 'x', name: 'z' }] }],
        to: [{ ports: [8080], notPorts: [9090] }],
        when: [{ key: 'source.ip', values: ['10.0.0.1'] }, { key: 'destination.port', notValues: ['22'] }],
      }],
    }),
    new AuthorizationPolicy(stack, 'DenyAll', { mesh, namespace: 'shop', action: AuthorizationAction.DENY, rules: [{ from: [{ notNamespaces: ['shop'] }] }] }),
    new AuthorizationPolicy(stack, 'L7', {
      mesh, namespace: 'shop', waypoint,
      rules: [{
        from: [{ requestPrincipals: ['issuer/sub'], notRequestPrincipals: ['x/y'], remoteIpBlocks: ['1.2.3.4'], notRemoteIpBlocks: ['5.6.7.8/32'] }],
        to: [{ hosts: ['cart.shop'], notHosts: ['x'], methods: ['GET'], notMethods: ['DELETE'], paths: ['/api/*'], notPaths: ['/admin'] }],
        when: [{ key: 'request.auth.claims[groups]', values: ['admins'] }],
      }],
    }),
    new AuthorizationPolicy(stack, 'Audit', { mesh, namespace: 'shop', waypoint, action: AuthorizationAction.AUDIT, rules: [{ to: [{ paths: ['/x'] }] }] }),
    new AuthorizationPolicy(stack, 'Ext', { mesh, namespace: 'shop', waypoint, action: AuthorizationAction.CUSTOM, provider: 'opa', rules: [{ to: [{ paths: ['/x'] }] }] }),
    new Telemetry(stack, 'Metrics', {
      mesh, namespace: 'shop', selector: { app: 'cart' }, metricsProviders: ['prometheus'],
      metricOverrides: [{ metric: IstioMetric.REQUEST_COUNT, mode: WorkloadMode.SERVER, removeTags: ['a'], upsertTags: { host: 'request.host' } }, { disabled: true }],
    }),
    new Telemetry(stack, 'Logs', { mesh, namespace: 'shop', waypoint, accessLogProviders: ['envoy'], accessLogFilter: 'response.code >= 400', tracingSamplingPercentage: 2.5, tracingProviders: ['otel'] }),
    new Telemetry(stack, 'NoLogs', { mesh, namespace: 'istio-system', disableAccessLogging: true }),
  ];
}

describe.each(MINORS)('policy resources validate against the Istio %s and its Gateway API CRDs', (minor) => {
  const dir = sharedIstioDir(minor);
  const gw = GATEWAY_API_FOR_MINOR[minor];
  const channels = [...new Set([gw.channel, 'standard'])];
  test.each(channels)(`every resource of every policy construct (Gateway API ${gw.version} %s)`, (channel) => {
    const files = sharedGatewayApiFiles(gw.version, channel);
    if (!dir || !files) return;
    const crds = new CrdReference(dir, files);
    const resources = everyPolicy(minor).flatMap((p) => p.resources);
    expect(resources.map((r) => r.kind).sort()).toEqual([
      'AuthorizationPolicy', 'AuthorizationPolicy', 'AuthorizationPolicy', 'AuthorizationPolicy', 'AuthorizationPolicy',
      'Gateway', 'PeerAuthentication', 'PeerAuthentication', 'Telemetry', 'Telemetry', 'Telemetry',
    ]);
    for (const r of resources) expect(crds.problems(r as unknown as Record<string, unknown>)).toEqual([]);
  });

  test('the validator rejects a waypoint listener field the Gateway schema lacks (it can fail)', () => {
    const files = sharedGatewayApiFiles(gw.version, 'standard');
    if (!dir || !files) return;
    const crds = new CrdReference(dir, files);
    const gateway = everyPolicy(minor)[0].resources[0] as unknown as Record<string, unknown>;
    const spec = gateway.spec as { listeners: Record<string, unknown>[] };
    expect(crds.problems({ ...gateway, spec: { ...spec, listeners: [{ ...spec.listeners[0], hbone: true }] } }))
      .toEqual([expect.stringMatching(/spec.listeners\[0\].hbone' is not in the schema/)]);
    expect(crds.problems({ ...gateway, spec: { listeners: spec.listeners } })).toEqual([expect.stringMatching(/gatewayClassName/)]);
  });
});
