import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ISTIO_API_KINDS, apiVersionVerdict } from '../../lib/catalog/istio-apis';
import { compareMinor } from '../../lib/catalog/istio-versions';
import { sharedIstioDir } from '../util';

const MINORS = ['1.22', '1.23', '1.24', '1.25', '1.26', '1.27', '1.28', '1.29', '1.30'];

describe.each(MINORS)('API table vs the Istio %s CRDs', (minor) => {
  const dir = sharedIstioDir(minor);
  (dir ? test : test.skip)('every Istio CRD kind is in the table with exactly its served versions', () => {
    const docs = parseAllDocuments(fs.readFileSync(path.join(dir!, 'crd-all.gen.yaml'), 'utf8')).map((d) => d.toJS())
      .filter((d) => d?.kind === 'CustomResourceDefinition');
    const fromCrds = Object.fromEntries(docs.map((d) => [`${d.spec.group}/${d.spec.names.kind}`,
      d.spec.versions.filter((v: { served: boolean }) => v.served).map((v: { name: string }) => v.name).sort()]));
    const fromTable = Object.fromEntries(ISTIO_API_KINDS
      .filter((k) => !k.group.endsWith('k8s.io') && (!k.sinceMinor || compareMinor(minor, k.sinceMinor) >= 0))
      .map((k) => [`${k.group}/${k.kind}`, [...k.served].sort()]));
    expect(fromTable).toEqual(fromCrds);
  });
});

describe('apiVersionVerdict', () => {
  test('v1 is ok; v1beta1 is superseded; an unserved version and a kind newer than the minor are not served; alpha-only kinds are flagged', () => {
    expect(apiVersionVerdict('1.22', 'security.istio.io/v1', 'AuthorizationPolicy')).toEqual({ status: 'ok' });
    expect(apiVersionVerdict('1.22', 'security.istio.io/v1beta1', 'AuthorizationPolicy')).toEqual({ status: 'superseded', stable: 'v1' });
    expect(apiVersionVerdict('1.22', 'telemetry.istio.io/v1alpha2', 'Telemetry')).toEqual({ status: 'not-served', served: ['v1', 'v1alpha1'] });
    expect(apiVersionVerdict('1.29', 'extensions.istio.io/v1alpha1', 'TrafficExtension')).toEqual({ status: 'not-served', served: [] });
    expect(apiVersionVerdict('1.30', 'extensions.istio.io/v1alpha1', 'TrafficExtension')).toEqual({ status: 'alpha-only', version: 'v1alpha1' });
    expect(apiVersionVerdict('1.22', 'networking.istio.io/v1alpha3', 'EnvoyFilter')).toEqual({ status: 'alpha-only', version: 'v1alpha3' });
    expect(apiVersionVerdict('1.22', 'networking.istio.io/v1beta1', 'ProxyConfig')).toEqual({ status: 'ok' });
    expect(apiVersionVerdict('1.22', 'apps/v1', 'Deployment')).toEqual({ status: 'unknown-kind' });
  });
});
