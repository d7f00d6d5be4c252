/**
 * Typed boundaries, by property: start from valid props of each public construct and helper,
 * replace one prop (or add an unknown one) with any JavaScript value fast-check can make, and
 * require that the library either accepts it and writes Terraform-safe JSON, or refuses it with its
 * own validation error naming that prop (never a TypeError, never a stack of undefined-property
 * reads). Bounded in `npm test` (FUZZ_RUNS, default 60 per construct); `npm run fuzz` runs 10,000.
 */
import * as fc from 'fast-check';
import { TerraformStack, Testing } from 'cdktf';
import { BenchmarkCliAccess } from '../../lib/benchmark/benchmark-cli-access';
import { BenchmarkHarness } from '../../lib/benchmark/benchmark-harness';
import { BenchmarkNodeGroup } from '../../lib/benchmark/benchmark-node-group';
import { EksCluster } from '../../lib/eks/eks-cluster';
import { ExistingEksCluster } from '../../lib/eks/existing-eks-cluster';
import { eksHelmProviderConfig, eksKubernetesProviderConfig } from '../../lib/eks/provider-config';
import { clusterNameVariableConfig, regionVariableConfig } from '../../lib/eks/variables';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { MeshCluster } from '../../lib/istio/mesh-cluster';
import { IstioVersion } from '../../lib/catalog/istio-versions';
import { CanaryPhase, CanaryStage } from '../../lib/istio/canary-phase';
import { IstioCanaryRevision } from '../../lib/istio/istio-canary-revision';
import { AuthorizationPolicy } from '../../lib/istio/policy/authorization-policy';
import { PeerAuthentication } from '../../lib/istio/policy/peer-authentication';
import { Telemetry } from '../../lib/istio/policy/telemetry';
import { Waypoint } from '../../lib/istio/policy/waypoint';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { unescapedInterpolations } from '../terraform/interpolation-scan';
import { existingCluster, testStack } from '../util';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;

interface Target {
  /** Valid props (built in the stack, as a user would). */
  valid(stack: TerraformStack): Record<string, unknown>;
  /** Builds the construct or calls the helper. */
  make(stack: TerraformStack, props: Record<string, unknown>): unknown;
  /** Cross-prop rules: changing the key may make the listed props the ones at fault. */
  related?: Record<string, string[]>;
}

/** A mesh in the stack for the policy constructs. */
function policyMesh(s: TerraformStack): IstioAmbientCluster {
  return (s.node.tryFindChild('Mesh') as IstioAmbientCluster | undefined) ?? new IstioAmbientCluster(s, 'Mesh', { cluster: existingCluster(), ambientNamespaces: ['shop'] });
}

const TARGETS: Record<string, Target> = {
  PeerAuthentication: {
    valid: (s) => ({ mesh: policyMesh(s), namespace: 'shop', selector: { app: 'db' }, mode: 'STRICT', portLevelMtls: { 5432: 'PERMISSIVE' } }),
    make: (s, p) => new PeerAuthentication(s, 'Subject', p as never),
    related: { selector: ['portLevelMtls'] },
  },
  AuthorizationPolicy: {
    valid: (s) => ({
      mesh: policyMesh(s), namespace: 'shop', action: 'ALLOW', selector: { app: 'cart' },
      rules: [{ from: [{ serviceAccounts: [{ namespace: 'shop', name: 'web' }], ipBlocks: ['10.0.0.0/8'] }], to: [{ ports: [8080] }], when: [{ key: 'source.ip', values: ['10.0.0.1'] }] }],
    }),
    make: (s, p) => new AuthorizationPolicy(s, 'Subject', p as never),
    related: { action: ['provider'] },
  },
  Telemetry: {
    valid: (s) => ({
      mesh: policyMesh(s), namespace: 'shop', metricOverrides: [{ metric: 'REQUEST_COUNT', removeTags: ['a'], upsertTags: { b: 'request.host' } }],
      accessLogProviders: ['envoy'], accessLogFilter: 'response.code >= 400', tracingSamplingPercentage: 1,
    }),
    make: (s, p) => new Telemetry(s, 'Subject', p as never),
    // Without metric overrides, the error names the first missing setting.
    related: { metricOverrides: ['metricOverrides'], accessLogProviders: ['disableAccessLogging'], accessLogFilter: ['disableAccessLogging'] },
  },
  Waypoint: {
    valid: (s) => ({ mesh: policyMesh(s), namespace: 'shop', trafficType: 'service', useForServices: ['cart'], checkGatewayApiCrds: true }),
    make: (s, p) => new Waypoint(s, 'Subject', p as never),
  },
  IstioAmbientCluster: {
    valid: () => ({ cluster: existingCluster(), ambientNamespaces: ['apps'], istiodValues: { pilot: { env: { A: '1' } } } }),
    make: (s, p) => new IstioAmbientCluster(s, 'Subject', p as never),
  },
  IstioCanaryRevision: {
    valid: (s) => ({
      mesh: new IstioAmbientCluster(s, 'Mesh', { cluster: existingCluster(), ambientNamespaces: ['apps', 'shop'], istioVersion: IstioVersion.of('1.22.5') }),
      canaryVersion: IstioVersion.V1_22_8, phase: CanaryPhase.of('stage-1'), stages: [CanaryStage.namespaces('shop'), CanaryStage.percent(100)],
      stableTag: 'blue', canaryTag: 'green', pinnedNamespaces: ['apps'], istiodValues: { pilot: { env: { A: '1' } } },
    }),
    make: (s, p) => new IstioCanaryRevision(s, 'Subject', p as never),
    // Tags must differ; the phase names a stage; stages must not name a pinned namespace; versions order.
    related: {
      stableTag: ['canaryTag'], canaryTag: ['stableTag'], stages: ['phase'], pinnedNamespaces: ['stages'],
      canaryVersion: ['dataPlaneVersion', 'phase'], canaryRevision: ['stableTag', 'canaryTag'],
    },
  },
  'MeshCluster.create': {
    valid: () => ({ clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33', nodeInstanceTypes: ['m7i.large'], tags: { team: 'platform' } }),
    make: (s, p) => new IstioAmbientCluster(s, 'Subject', { cluster: MeshCluster.create(p as never), allowUnsupportedKubernetesVersion: true }),
  },
  EksCluster: {
    valid: () => ({ clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33', nodeLabels: { a: 'b' } }),
    make: (s, p) => new EksCluster(s, 'Subject', p as never),
  },
  ExistingEksCluster: {
    valid: () => ({ clusterName: 'mesh', region: 'eu-west-1' }),
    make: (s, p) => new ExistingEksCluster(s, 'Subject', p as never),
  },
  BenchmarkHarness: {
    valid: () => ({ istioInstalledElsewhere: true, qps: 100, connections: 4, serverNodeSelector: { pool: 'bench' } }),
    make: (s, p) => new BenchmarkHarness(s, 'Subject', p as never),
    // 'modes' names the control plane the mesh modes need; 'connections' must not exceed 'qps'.
    related: { istioInstalledElsewhere: ['modes'], qps: ['connections'] },
  },
  BenchmarkNodeGroup: {
    valid: (s) => ({ cluster: new EksCluster(s, 'Eks', { clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33' }), subnetId: 'subnet-1' }),
    make: (s, p) => new BenchmarkNodeGroup(s, 'Subject', p as never),
  },
  BenchmarkCliAccess: {
    valid: () => ({ subjects: [{ kind: 'Group', name: 'ops' }] }),
    make: (s, p) => new BenchmarkCliAccess(s, 'Subject', p as never),
  },
  eksKubernetesProviderConfig: {
    valid: () => ({ roleArn: 'arn:aws:iam::111122223333:role/deployer', alias: 'a' }),
    make: (s, p) => eksKubernetesProviderConfig(new ExistingEksCluster(s, 'Eks', { clusterName: 'mesh', region: 'eu-west-1' }), p as never),
  },
  eksHelmProviderConfig: {
    valid: () => ({ profile: 'deploy' }),
    make: (s, p) => eksHelmProviderConfig(new ExistingEksCluster(s, 'Eks', { clusterName: 'mesh', region: 'eu-west-1' }), p as never),
  },
  regionVariableConfig: {
    valid: () => ({ default: 'eu-west-1', allowedRegions: ['eu-west-1'] }),
    make: (_s, p) => regionVariableConfig(p as never),
    // The allow-list restricts the default.
    related: { allowedRegions: ['default'] },
  },
  clusterNameVariableConfig: {
    valid: () => ({ default: 'mesh' }),
    make: (_s, p) => clusterNameVariableConfig(p as never),
  },
};

/** Any JavaScript value, with the shapes that break naive code weighted up. */
const anyValue = fc.oneof(
  fc.anything({ maxDepth: 2, withMap: true, withSet: true, withDate: true, withTypedArray: true, withNullPrototype: true, withBigInt: true }),
  fc.constantFrom(undefined, null, Number.NaN, Infinity, -1, 0, 1e9, '', '${file("/etc/hostname")}', '%{ for x in y }', [], {}, [[]], () => 1, Symbol('s')),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}') as unknown),
);

/**
 * `FUZZ_SHARD=i/n` runs every n-th target from the i-th (npm run fuzz runs each target in its own
 * process: cdktf keeps every token it ever made in a process-wide map, so 10,000 stacks per target is
 * what one process holds comfortably).
 */
function shard<T>(entries: T[]): T[] {
  const m = /^(\d+)\/(\d+)$/.exec(process.env.FUZZ_SHARD ?? '');
  return m ? entries.filter((_e, i) => i % Number(m[2]) === Number(m[1])) : entries;
}

describe.each(shard(Object.entries(TARGETS)))('%s: one prop replaced by any value → accepted safely, or refused naming that prop', (_name, target) => {
  test(`${RUNS} generated inputs`, () => {
    const keys = Object.keys(target.valid(testStack()));
    fc.assert(fc.property(fc.oneof(fc.constantFrom(...keys), fc.constantFrom('typo', 'constructor', '__proto__')), anyValue, (key, value) => {
      const stack = testStack();
      const props = { ...target.valid(stack) };
      Object.defineProperty(props, key, { value, enumerable: true, configurable: true, writable: true });
      try {
        target.make(stack, props);
      } catch (e) {
        if (!(e instanceof IstioMeshValidationError)) throw new Error(`not the library's validation error for ${key}=${String(value)}: ${(e as Error)?.stack ?? String(e)}`);
        // The error names the prop that was replaced (or a path below it), or the props object itself;
        // removing a prop (undefined) may instead leave another prop invalid, which must be a known one.
        const root = e.prop.replace(/^(options|cluster)\./, '').split(/[.[]/)[0];
        const allowed = [key, 'props', 'options', 'cluster', ...(target.related && Object.hasOwn(target.related, key) ? target.related[key] : []), ...(value === undefined ? keys : [])];
        expect(allowed).toContain(root);
        return;
      }
      const text = Testing.synth(stack, true);
      expect(text).not.toMatch(/TfToken\[|\$\{Token\[/);
      expect(text).not.toContain('"polluted"');
      // Literal text (user values included) never reaches Terraform as an interpolation or directive.
      expect(unescapedInterpolations(stack, JSON.parse(text))).toEqual([]);
    }), { numRuns: RUNS, seed: SEED });
  });
});

test('the prototype stays clean after every case above', () => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
