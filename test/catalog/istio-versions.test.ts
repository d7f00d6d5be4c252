import { IstioVersion, ISTIO_MINORS, compareMinor } from '../../lib/catalog/istio-versions';
import { IstioMeshValidationError } from '../../lib/private/errors';

describe('IstioVersion', () => {
  test('LATEST is 1.22.8', () => {
    expect(IstioVersion.LATEST.version).toBe('1.22.8');
    expect(IstioVersion.LATEST).toBe(IstioVersion.V1_22_8);
  });

  test('of() accepts every patch 1.22.0 … 1.22.8', () => {
    for (let p = 0; p <= 8; p++) expect(IstioVersion.of(`1.22.${p}`).patch).toBe(p);
    expect(IstioVersion.supported().map((v) => v.version)).toEqual(
      ['1.22.0', '1.22.1', '1.22.2', '1.22.3', '1.22.4', '1.22.5', '1.22.6', '1.22.7', '1.22.8']);
  });

  test.each(['1.23.0', '1.22.9', '1.21.6', '1.22', 'latest', '1.22.8-distroless', ''])('fails when the version is %p', (v) => {
    expect(() => IstioVersion.of(v)).toThrow(IstioMeshValidationError);
    expect(() => IstioVersion.of(v)).toThrow(new RegExp(`^'istioVersion' must be a supported Istio release, got '${v.replace(/\./g, '\\.')}' \\(supported: 1\\.22\\.0 … 1\\.22\\.8\\)`));
  });

  test('the error names the prop it was given', () => {
    expect(() => IstioVersion.of('2.0.0', 'ISTIO_VERSION')).toThrow(/^'ISTIO_VERSION'/);
  });

  test('Kubernetes range of 1.22 is 1.27–1.30', () => {
    const v = IstioVersion.V1_22_3;
    expect(v.supportedKubernetesVersions).toEqual(['1.27', '1.28', '1.29', '1.30']);
    expect(v.supportsKubernetes('1.26')).toBe(false);
    expect(v.supportsKubernetes('1.27')).toBe(true);
    expect(v.supportsKubernetes('1.30')).toBe(true);
    expect(v.supportsKubernetes('1.31')).toBe(false);
  });

  test('revision name replaces dots', () => {
    expect(IstioVersion.V1_22_8.revisionName).toBe('1-22-8');
  });

  test('compareMinor orders numerically, not lexically', () => {
    expect(compareMinor('1.9', '1.10')).toBeLessThan(0);
    expect(compareMinor('1.30', '1.30')).toBe(0);
    expect(compareMinor('2.0', '1.99')).toBeGreaterThan(0);
  });

  test('the table lists each minor once with ascending patches', () => {
    const minors = ISTIO_MINORS.map((m) => m.minor);
    expect(new Set(minors).size).toBe(minors.length);
    for (const m of ISTIO_MINORS) expect([...m.patches].sort((a, b) => a - b)).toEqual(m.patches);
  });
});
