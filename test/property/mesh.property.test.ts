/**
 * Property tests over IstioAmbientCluster's props (fast-check): for any input, synth either
 * succeeds and the output keeps the library's invariants, or fails with the library's validation
 * error naming a prop. `npm test` runs a bounded number of cases (FUZZ_RUNS, default 60);
 * `npm run fuzz` runs 10,000.
 *
 * Invariants (expectations come from Istio's charts and CRDs in ../shared and from the input, never
 * from the library's output):
 * - the four official charts are installed in the documented order by depends_on, every one pinned
 *   to the requested version;
 * - every value the library sets exists in that minor's real chart (escape-hatch keys are the user's);
 * - the mesh-wide PeerAuthentication validates against the minor's CRD and carries the requested mode;
 * - no string in the Terraform JSON carries an interpolation (`${`, `%{`) that the input put there
 *   unescaped: only the library's own tokens stay live;
 * - nothing that looks like a secret or an unresolved token (`${TfToken[`) reaches the JSON.
 */
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { TerraformStack, Testing } from 'cdktf';
import { IstioVersion } from '../../lib/catalog/istio-versions';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { MeshCluster } from '../../lib/istio/mesh-cluster';
import { MtlsMode } from '../../lib/istio/resources';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { ChartValuesReference, CrdReference } from '../conformance/istio-reference';
import { SynthJson, release, sharedIstioDir, testStack } from '../util';
import { unescapedInterpolations } from '../terraform/interpolation-scan';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;

/** The props a user can name; a validation error must name one of them (or a path below one). */
const PROP_ROOTS = ['props', 'cluster', 'istioVersion', 'allowUnsupportedKubernetesVersion', 'ambientNamespaces', 'enrollExistingNamespaces',
  'mtlsMode', 'meshResources', 'imageHub', 'helmTimeoutSeconds', 'helmProvider', 'kubernetesProvider', 'baseValues', 'cniValues', 'istiodValues', 'ztunnelValues'];

/** Strings a hostile or careless user types: interpolations, paths, control characters, unicode, long runs. */
const nastyString = fc.oneof(
  fc.constantFrom('${file("/etc/hostname")}', '%{ if true }x%{ endif }', '$${already}', '../../etc', 'a\nb', '\u0000', 'é', '{{ .Values.x }}', '', ' ', 'x'.repeat(300)),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
);
/** Mostly valid, sometimes hostile: the success path must be reached often enough to check invariants. */
const mostly = <T>(valid: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: bad, weight: 1 }) as fc.Arbitrary<T>;
const namespace = mostly(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/), fc.oneof(nastyString, fc.constantFrom('istio-system', 'kube-system')));
const region = mostly(fc.constantFrom('eu-west-1', 'us-east-2', 'ap-south-1'), fc.oneof(fc.constantFrom('eu-west-9', 'EU-WEST-1'), nastyString));
const clusterName = mostly(fc.stringMatching(/^[a-z][a-z0-9_-]{0,30}$/), nastyString);
const kubernetesVersion = mostly(fc.option(fc.constantFrom('1.32', '1.33', '1.34', '1.35'), { nil: undefined }), fc.constantFrom('1.27', '1.30', '1.40', '2', 'latest'));
const versions = IstioVersion.supported();
const escapeValues = fc.option(mostly(fc.oneof(
  fc.record({ pilot: fc.record({ env: fc.dictionary(fc.stringMatching(/^[A-Z_]{1,12}$/), nastyString, { maxKeys: 3 }) }) }),
  fc.record({ meshConfig: fc.record({ accessLogFile: nastyString }) }),
  fc.record({ global: fc.record({ logging: fc.record({ level: nastyString }) }) }),
), fc.constantFrom<Record<string, unknown>>(
  { defaults: { pilot: {} } },
  { global: { mtls: { mode: 'STRICT' } } },
  JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>,
)), { nil: undefined });

const meshProps = fc.record({
  clusterKind: fc.constantFrom('create', 'lookup'),
  clusterName, region, kubernetesVersion,
  nodeMinSize: fc.option(mostly(fc.integer({ min: 1, max: 3 }), fc.integer({ min: -2, max: 500 })), { nil: undefined }),
  istioVersion: fc.constantFrom(...versions),
  allowUnsupported: mostly(fc.constant(true), fc.constant(false)),
  mtlsMode: fc.option(mostly(fc.constantFrom(MtlsMode.STRICT, MtlsMode.PERMISSIVE), fc.constantFrom('DISABLE', 'strict')), { nil: undefined }),
  ambientNamespaces: fc.option(fc.uniqueArray(namespace, { maxLength: 4 }), { nil: undefined }),
  enrollExistingNamespaces: fc.option(fc.uniqueArray(namespace, { maxLength: 3 }), { nil: undefined }),
  imageHub: fc.option(nastyString, { nil: undefined }),
  helmTimeoutSeconds: fc.option(mostly(fc.integer({ min: 60, max: 3600 }), fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double())), { nil: undefined }),
  istiodValues: escapeValues,
  ztunnelValues: escapeValues,
});

type Input = typeof meshProps extends fc.Arbitrary<infer T> ? T : never;

function build(stack: TerraformStack, i: Input): IstioAmbientCluster {
  const cluster = i.clusterKind === 'create'
    ? MeshCluster.create({ clusterName: i.clusterName, region: i.region, kubernetesVersion: i.kubernetesVersion, nodeMinSize: i.nodeMinSize })
    : MeshCluster.lookup({ clusterName: i.clusterName, region: i.region, kubernetesVersion: i.kubernetesVersion });
  return new IstioAmbientCluster(stack, 'Mesh', {
    cluster, istioVersion: i.istioVersion, allowUnsupportedKubernetesVersion: i.allowUnsupported, mtlsMode: i.mtlsMode as MtlsMode | undefined,
    ambientNamespaces: i.ambientNamespaces, enrollExistingNamespaces: i.enrollExistingNamespaces, imageHub: i.imageHub,
    helmTimeoutSeconds: i.helmTimeoutSeconds, istiodValues: i.istiodValues, ztunnelValues: i.ztunnelValues,
  });
}

const refs = new Map<string, { crds: CrdReference; values: Map<string, ChartValuesReference> }>();
function reference(minor: string) {
  if (!refs.has(minor)) {
    const dir = sharedIstioDir(minor);
    if (!dir) return undefined;
    refs.set(minor, { crds: new CrdReference(dir), values: new Map(['base', 'cni', 'istiod', 'ztunnel'].map((c) => [c, new ChartValuesReference(dir, c)])) });
  }
  return refs.get(minor);
}

function checkInvariants(i: Input, mesh: IstioAmbientCluster, stack: TerraformStack, text: string): void {
  const json = JSON.parse(text) as SynthJson;
  const v = i.istioVersion.version;
  // Install order: 1.22's ambient Helm guide installs base → cni → istiod → ztunnel; from 1.23 the
  // skew rule puts the control plane before the data plane: base → istiod → cni → ztunnel
  // (../shared/facts/istio-minor-hops.md §2.8, ../shared/facts/istio-1.22.md §a).
  const names = i.istioVersion.minor === '1.22' ? ['istio-base', 'istio-cni', 'istiod', 'ztunnel'] : ['istio-base', 'istiod', 'istio-cni', 'ztunnel'];
  names.forEach((n, k) => {
    const r = release(json, n);
    expect(r.version).toBe(v);
    if (k > 0) expect(r.depends_on).toEqual([`helm_release.${release(json, names[k - 1]).logicalId}`]);
  });
  const pa = mesh.meshConfig.resources.find((r) => r.kind === 'PeerAuthentication' && r.metadata.name === 'default')!;
  expect(pa.spec).toEqual({ mtls: { mode: i.mtlsMode ?? 'STRICT' } });
  const ref = reference(i.istioVersion.minor);
  if (ref) {
    expect(ref.crds.problems(pa as unknown as Record<string, unknown>)).toEqual([]);
    // Library-set values (the escape-hatch values are the user's own keys).
    for (const [n, chart, userKeys] of [['istio-base', 'base', undefined], ['istio-cni', 'cni', undefined], ['istiod', 'istiod', i.istiodValues], ['ztunnel', 'ztunnel', i.ztunnelValues]] as const) {
      const values = parse((release(json, n).values as string[])[0]) as Record<string, unknown> ?? {};
      const own = Object.fromEntries(Object.entries(values).filter(([k]) => !(userKeys && k in userKeys)));
      expect(ref.values.get(chart)!.problems(own)).toEqual([]);
    }
  }
  expect(unescapedInterpolations(stack, json as unknown as Record<string, unknown>)).toEqual([]);
  expect(text).not.toMatch(/TfToken\[|\$\{Token\[/);
  expect(text).not.toMatch(/AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY/);
}

describe('IstioAmbientCluster: any props either synthesize with the invariants or fail naming a prop', () => {
  test(`${RUNS} generated inputs (FUZZ_RUNS, FUZZ_SEED to reproduce)`, () => {
    let accepted = 0;
    fc.assert(fc.property(meshProps, (i) => {
      const stack = testStack();
      let mesh: IstioAmbientCluster;
      try {
        mesh = build(stack, i);
      } catch (e) {
        expect(e).toBeInstanceOf(IstioMeshValidationError);
        const err = e as IstioMeshValidationError;
        expect(PROP_ROOTS).toContain(err.prop.split(/[.[]/)[0]);
        expect(err.message.startsWith(`'${err.prop}' `)).toBe(true);
        return;
      }
      accepted++;
      checkInvariants(i, mesh, stack, Testing.synth(stack, true));
    }), { numRuns: RUNS, seed: SEED });
    // The generator must reach the success path too, or the invariants above are never checked.
    if (RUNS >= 60) expect(accepted).toBeGreaterThan(0);
  });
});
