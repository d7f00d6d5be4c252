import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ZTUNNEL_ACTIONS, ZtunnelFieldClass, ztunnelFieldClass, ztunnelFindings } from '../../lib/catalog/ztunnel-authorization';
import { sharedIstioDir } from '../util';

/**
 * The L4/L7 table, written out here from pilot's ambient AuthorizationPolicy conversion at each
 * minor's last patch tag (istio/istio, read with `git show <tag>:<file>`), not from the library:
 *
 * | tag     | commit   | file                                                          | handleRule | l4WhenAttributes | action switch | targetRefs skip |
 * | 1.22.8  | 6abd1e5a | pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go | L447 | L513 | L411 | L395 |
 * | 1.23.6  | 6a112a28 | same file (identical blob to 1.22.8)                           | L447 | L513 | L411 | L395 |
 * | 1.24.6  | 734e100e | same file; adds httpOperations L471, httpSources L494         | L513 | L586 | L417 | L400 |
 * | 1.25.5  | 60cf0ca3 | same file; adds ServiceAccounts/NotServiceAccounts L541–542   | L511 | L586 | L415 | L398 |
 * | 1.26.8  | 4ea27a1e | same file (identical blob through 1.28.10)                    | L511 | L586 | L415 | L398 |
 * | 1.27.9  | b9159ca3 | same                                                          | L511 | L586 | L415 | L398 |
 * | 1.28.10 | ff49c188 | same                                                          | L511 | L586 | L415 | L398 |
 * | 1.29.6  | 7019d6d3 | same file; adds dry-run handling only                        | L533 | L608 | L436 | L419 |
 * | 1.30.3  | 56df41f6 | pilot/pkg/serviceregistry/ambient/authorization.go (moved; same blob as 1.29.6) | L533 | L608 | L436 | L419 |
 *
 * - Source → ztunnel match (`SourceIps/NotSourceIps/Namespaces/NotNamespaces/Principals/NotPrincipals`,
 *   plus `ServiceAccounts/NotServiceAccounts` from 1.25): L4.
 * - `RemoteIpBlocks, NotRemoteIpBlocks, RequestPrincipals, NotRequestPrincipals`: `anyNonEmpty(...)` in
 *   handleRule at 1.22/1.23 (L465), `httpSources` from 1.24: L7.
 * - Operation `Ports/NotPorts` → `DestinationPorts/NotDestinationPorts`: L4; `Hosts, NotHosts, Methods,
 *   NotMethods, Paths, NotPaths` (`anyNonEmpty` L451 / `httpOperations`): L7.
 * - `when` keys in `l4WhenAttributes`: source.ip, source.namespace, source.principal, destination.ip,
 *   destination.port; any other key: L7.
 * - Action: ALLOW and DENY; `default:` returns no policy (1.22/1.23 silently, 1.24+ with status
 *   "ztunnel does not support the %s action").
 * - `trustDomains/notTrustDomains` (CRD from 1.30): read nowhere in handleRule at 1.30.3 → ignored.
 */
const MINORS = ['1.22', '1.23', '1.24', '1.25', '1.26', '1.27', '1.28', '1.29', '1.30'];
const SOURCE_L4 = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks'];
const SOURCE_SA = ['serviceAccounts', 'notServiceAccounts'];
const SOURCE_L7 = ['remoteIpBlocks', 'notRemoteIpBlocks', 'requestPrincipals', 'notRequestPrincipals'];
const SOURCE_TD = ['trustDomains', 'notTrustDomains'];
const OP_L4 = ['ports', 'notPorts'];
const OP_L7 = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];
const WHEN_L4 = ['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port'];
const WHEN_L7_EXAMPLES = ['request.headers[x-user]', 'request.auth.claims[groups]', 'source.user', 'connection.sni', 'remote.ip', 'request.auth.principal'];

const atLeast = (minor: string, since: string) => Number(minor.split('.')[1]) >= Number(since.split('.')[1]);

type Row = [string, 'source' | 'operation' | 'when', string, ZtunnelFieldClass | undefined];
const rows: Row[] = MINORS.flatMap((m) => [
  ...SOURCE_L4.map((f): Row => [m, 'source', f, ZtunnelFieldClass.L4]),
  ...SOURCE_SA.map((f): Row => [m, 'source', f, atLeast(m, '1.25') ? ZtunnelFieldClass.L4 : undefined]),
  ...SOURCE_L7.map((f): Row => [m, 'source', f, ZtunnelFieldClass.L7]),
  ...SOURCE_TD.map((f): Row => [m, 'source', f, atLeast(m, '1.30') ? ZtunnelFieldClass.IGNORED : undefined]),
  ...OP_L4.map((f): Row => [m, 'operation', f, ZtunnelFieldClass.L4]),
  ...OP_L7.map((f): Row => [m, 'operation', f, ZtunnelFieldClass.L7]),
  ...WHEN_L4.map((f): Row => [m, 'when', f, ZtunnelFieldClass.L4]),
  ...WHEN_L7_EXAMPLES.map((f): Row => [m, 'when', f, ZtunnelFieldClass.L7]),
]);

describe('ztunnel L4/L7 table, row by row per minor (pilot ambient authorization.go)', () => {
  test.each(rows)('Istio %s: %s.%s is %s', (minor, part, field, expected) => {
    expect(ztunnelFieldClass(minor, part, field)).toBe(expected);
  });

  test.each(MINORS)('Istio %s: findings on a policy holding each field once', (minor) => {
    const rule = {
      from: [{ source: Object.fromEntries([...SOURCE_L4, ...SOURCE_L7].map((f) => [f, ['x']])) }],
      to: [{ operation: Object.fromEntries([...OP_L4, ...OP_L7].map((f) => [f, ['80']])) }],
      when: [...WHEN_L4, ...WHEN_L7_EXAMPLES].map((key) => ({ key, values: ['v'] })),
    };
    const found = ztunnelFindings(minor, [rule]);
    expect(found.filter((f) => f.cls === ZtunnelFieldClass.L7).map((f) => f.field).sort())
      .toEqual([...SOURCE_L7, ...OP_L7, ...WHEN_L7_EXAMPLES].sort());
    expect(found.filter((f) => f.cls !== ZtunnelFieldClass.L7)).toEqual([]);
  });

  test('actions: only ALLOW and DENY reach ztunnel', () => {
    expect([...ZTUNNEL_ACTIONS].sort()).toEqual(['ALLOW', 'DENY']);
  });

  test('a field of a later minor on an older mesh is reported as ignored (the API server prunes it)', () => {
    expect(ztunnelFindings('1.24', [{ from: [{ source: { serviceAccounts: ['a'] } }] }])).toEqual([
      { rule: 0, path: 'from[0].source.serviceAccounts', field: 'serviceAccounts', cls: ZtunnelFieldClass.IGNORED },
    ]);
    expect(ztunnelFindings('1.25', [{ from: [{ source: { serviceAccounts: ['a'] } }] }])).toEqual([]);
  });
});

describe.each(MINORS)('the table covers every Source and Operation field of the Istio %s CRD', (minor) => {
  const dir = sharedIstioDir(minor);
  (dir ? test : test.skip)('no field of AuthorizationPolicy v1 rules is unclassified', () => {
    const docs = parseAllDocuments(fs.readFileSync(path.join(dir!, 'crd-all.gen.yaml'), 'utf8')).map((d) => d.toJS());
    const crd = docs.find((d) => d?.kind === 'CustomResourceDefinition' && d.spec.names.kind === 'AuthorizationPolicy');
    const rules = crd.spec.versions.find((v: { name: string }) => v.name === 'v1').schema.openAPIV3Schema.properties.spec.properties.rules.items.properties;
    const source = Object.keys(rules.from.items.properties.source.properties);
    const operation = Object.keys(rules.to.items.properties.operation.properties);
    expect(source.filter((f) => ztunnelFieldClass(minor, 'source', f) === undefined)).toEqual([]);
    expect(operation.filter((f) => ztunnelFieldClass(minor, 'operation', f) === undefined)).toEqual([]);
  });
});
