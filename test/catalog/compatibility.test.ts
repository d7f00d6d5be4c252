import { checkKubernetesVersion, isoDay } from '../../lib/catalog/compatibility';
import { IstioVersion } from '../../lib/catalog/istio-versions';

const base = { prop: 'kubernetesVersion', istioVersion: IstioVersion.DEFAULT, allowUnsupportedKubernetesVersion: false };

describe('checkKubernetesVersion', () => {
  test('a supported version EKS still creates passes without warnings (on a day it was in standard support)', () => {
    expect(checkKubernetesVersion({ ...base, kubernetesVersion: '1.30', newCluster: true, asOf: '2025-01-01' })).toEqual([]);
  });

  test('fails when a new cluster asks for a version EKS no longer creates', () => {
    expect(() => checkKubernetesVersion({ ...base, kubernetesVersion: '1.30', newCluster: true, asOf: '2026-11-24' }))
      .toThrow(/^'kubernetesVersion' is not available for new EKS clusters on 2026-11-24: EKS stopped creating 1\.30 clusters when extended support ended on 2026-07-23, got '1\.30' \(EKS creates: 1\.31, 1\.32, 1\.33, 1\.34, 1\.35\)/);
  });

  test('an existing cluster past extended support is a warning, not an error', () => {
    const w = checkKubernetesVersion({ ...base, kubernetesVersion: '1.30', newCluster: false, asOf: '2026-11-24' });
    expect(w).toEqual([expect.stringMatching(/past EKS end of extended support \(2026-07-23\)/)]);
  });

  test('fails when the version is outside Istio\'s range, naming the opt-in', () => {
    expect(() => checkKubernetesVersion({ ...base, kubernetesVersion: '1.32', newCluster: true, asOf: '2026-11-24' }))
      .toThrow(/^'kubernetesVersion' is outside the Istio release's supported Kubernetes range, got '1\.32' \(Istio 1\.22\.8 supports Kubernetes 1\.27–1\.30; set 'allowUnsupportedKubernetesVersion: true'/);
  });

  test('the opt-in turns the range failure into a warning, and extended support is warned about', () => {
    const w = checkKubernetesVersion({ ...base, kubernetesVersion: '1.32', newCluster: true, asOf: '2026-11-24', allowUnsupportedKubernetesVersion: true });
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/outside the supported range .*allowed by 'allowUnsupportedKubernetesVersion'/);
    expect(w[1]).toMatch(/left EKS standard support on 2026-03-23; extended support .* ends 2027-03-23/);
  });

  test('the opt-in does not make EKS create an ended version', () => {
    expect(() => checkKubernetesVersion({ ...base, kubernetesVersion: '1.29', newCluster: true, asOf: '2026-11-24', allowUnsupportedKubernetesVersion: true }))
      .toThrow(/EKS stopped creating 1\.29/);
  });

  test.each(['1.26', '1.9', 'v1.30', '1.30.2', 'latest'])('fails when the version %p is not an EKS minor', (v) => {
    expect(() => checkKubernetesVersion({ ...base, kubernetesVersion: v, newCluster: false, asOf: '2026-11-24' }))
      .toThrow(/must be a Kubernetes minor that Amazon EKS offers.*known EKS versions: 1\.27, 1\.28/);
  });

  test('fails when a new cluster asks for a version not yet released on that day', () => {
    expect(() => checkKubernetesVersion({ ...base, kubernetesVersion: '1.35', newCluster: true, asOf: '2025-06-01', allowUnsupportedKubernetesVersion: true }))
      .toThrow(/EKS releases 1\.35 on 2026-01-27/);
  });
});

describe('isoDay', () => {
  test('uses a valid override and rejects a malformed one', () => {
    expect(isoDay('2030-01-02')).toBe('2030-01-02');
    expect(() => isoDay('Jan 2 2030')).toThrow(/'cdktf-istio-mesh:supportDate' must be an ISO date YYYY-MM-DD, got 'Jan 2 2030'/);
    expect(isoDay(undefined)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
