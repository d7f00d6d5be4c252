import { EKS_VERSIONS, EksSupportState, creatableEksVersions, eksSupportState, findEksVersion } from '../../lib/catalog/eks-versions';
import { compareMinor } from '../../lib/catalog/istio-versions';

describe('EKS version table', () => {
  test('dates the issue states: 1.30 extended support ended 2026-07-23, 1.31 ends 2026-11-26', () => {
    expect(findEksVersion('1.30')!.endOfExtendedSupport).toBe('2026-07-23');
    expect(findEksVersion('1.31')!.endOfExtendedSupport).toBe('2026-11-26');
  });

  test('rows are ordered and each lifecycle is release < standard end < extended end, 12 months apart', () => {
    for (let i = 1; i < EKS_VERSIONS.length; i++) expect(compareMinor(EKS_VERSIONS[i - 1].version, EKS_VERSIONS[i].version)).toBeLessThan(0);
    for (const v of EKS_VERSIONS) {
      expect(v.released < v.endOfStandardSupport && v.endOfStandardSupport < v.endOfExtendedSupport).toBe(true);
      const std = new Date(v.endOfStandardSupport);
      const ext = new Date(v.endOfExtendedSupport);
      expect(ext.getUTCFullYear() * 12 + ext.getUTCMonth() - (std.getUTCFullYear() * 12 + std.getUTCMonth())).toBe(12);
    }
  });

  test('support state at the boundaries (end dates exclusive)', () => {
    const v = findEksVersion('1.31')!;
    expect(eksSupportState(v, '2024-09-25')).toBe(EksSupportState.UNRELEASED);
    expect(eksSupportState(v, '2024-09-26')).toBe(EksSupportState.STANDARD);
    expect(eksSupportState(v, '2025-11-25')).toBe(EksSupportState.STANDARD);
    expect(eksSupportState(v, '2025-11-26')).toBe(EksSupportState.EXTENDED);
    expect(eksSupportState(v, '2026-11-25')).toBe(EksSupportState.EXTENDED);
    expect(eksSupportState(v, '2026-11-26')).toBe(EksSupportState.ENDED);
  });

  test('on 2026-11-24 EKS creates 1.31 … 1.35 and none of Istio 1.22\'s 1.27–1.30', () => {
    expect(creatableEksVersions('2026-11-24')).toEqual(['1.31', '1.32', '1.33', '1.34', '1.35']);
    expect(creatableEksVersions('2026-07-22')).toContain('1.30');
  });
});
