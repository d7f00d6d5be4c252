import { ISTIO_MINORS, IstioVersion } from '../../lib/catalog/istio-versions';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { MtlsMode, peerAuthentication } from '../../lib/istio/resources';
import { sharedIstioDir, testStack, existingCluster } from '../util';
import { CrdReference } from './istio-reference';

const minors = ISTIO_MINORS.map((m) => m.minor);

describe.each(minors)('Istio resources validate against the Istio %s CRDs', (minor) => {
  const dir = sharedIstioDir(minor);
  const maybe = dir ? test : test.skip;
  let cached: CrdReference | undefined;
  const reference = (): CrdReference => (cached ??= new CrdReference(dir!));

  maybe('every resource IstioAmbientCluster renders, in both mTLS modes', () => {
    const crds = reference();
    expect(crds.servedCount).toBeGreaterThan(14);
    const latest = IstioVersion.latestPatches().find((v) => v.minor === minor)!;
    for (const mtlsMode of Object.values(MtlsMode)) {
      const mesh = new IstioAmbientCluster(testStack(), 'Mesh', { cluster: existingCluster(), mtlsMode, istioVersion: latest, allowUnsupportedKubernetesVersion: true });
      expect(mesh.meshConfig.resources.length).toBeGreaterThan(0);
      for (const r of mesh.meshConfig.resources) expect(crds.problems(r as unknown as Record<string, unknown>)).toEqual([]);
    }
  });

  maybe("the catalog's CRD count matches the minor's crd-all.gen.yaml", () => {
    expect(reference().crdCount).toBe(ISTIO_MINORS.find((m) => m.minor === minor)!.crdCount);
  });

  maybe('the validator rejects what the API server would (it can fail)', () => {
    const crds = reference();
    const good = peerAuthentication('default', 'istio-system', MtlsMode.STRICT) as unknown as Record<string, unknown>;
    expect(crds.problems({ ...good, spec: { mtls: { mode: 'STRICTEST' } } })).toEqual([expect.stringMatching(/\/spec\/mtls\/mode must be equal to one of the allowed values/)]);
    expect(crds.problems({ ...good, spec: { mtls: { mod: 'STRICT' } } })).toEqual([expect.stringMatching(/field 'spec.mtls.mod' is not in the schema/)]);
    expect(crds.problems({ ...good, apiVersion: 'security.istio.io/v2' })).toEqual([expect.stringMatching(/no served CRD version/)]);
    expect(crds.problems({ ...good, metadata: { name: 'x' } })).toEqual([expect.stringMatching(/metadata.namespace are required/)]);
  });
});
