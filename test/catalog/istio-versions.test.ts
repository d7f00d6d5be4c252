import * as fs from 'fs';
import * as path from 'path';
import { ISTIO_MINORS, IstioVersion, compareMinor, minorRange } from '../../lib/catalog/istio-versions';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { readHopFacts } from '../facts';
import { sharedIstioDir } from '../util';

const facts = readHopFacts();
const withFacts = facts ? test : test.skip;

describe('IstioVersion', () => {
  test('DEFAULT is 1.22.8 (what the library is for); LATEST is the newest release in the table', () => {
    expect(IstioVersion.DEFAULT.version).toBe('1.22.8');
    expect(IstioVersion.DEFAULT).toBe(IstioVersion.V1_22_8);
    const last = ISTIO_MINORS[ISTIO_MINORS.length - 1];
    expect(IstioVersion.LATEST.version).toBe(`${last.minor}.${last.patches[last.patches.length - 1]}`);
  });

  test('a constant exists for the latest patch of every minor', () => {
    const constants = IstioVersion as unknown as Record<string, IstioVersion>;
    for (const v of IstioVersion.latestPatches()) expect(constants[`V${v.version.replace(/\./g, '_')}`]).toEqual(v);
  });

  withFacts('the table lists exactly the released patches of every minor in the facts file (§6)', () => {
    const expected = facts!.patches();
    expect(ISTIO_MINORS.map((m) => m.minor)).toEqual([...expected.keys()]);
    for (const m of ISTIO_MINORS) expect({ minor: m.minor, patches: m.patches }).toEqual({ minor: m.minor, patches: expected.get(m.minor) });
  });

  withFacts('Kubernetes ranges and end-of-life dates match the facts file (§1)', () => {
    const ranges = facts!.kubernetesRanges();
    const eol = facts!.endOfLife();
    for (const m of ISTIO_MINORS) {
      expect({ minor: m.minor, range: [m.kubernetesMin, m.kubernetesMax], eol: m.endOfLife })
        .toEqual({ minor: m.minor, range: ranges.get(m.minor), eol: eol.get(m.minor) });
    }
  });

  withFacts('chart default hub and revision-tag templates match the facts file (§1)', () => {
    const hubs = facts!.versionColumn('hub stamped');
    const tags = facts!.versionColumn('revision-tag template');
    let prevTags = '';
    for (const m of ISTIO_MINORS) {
      expect(hubs.get(m.minor)!.replace(/\*/g, '')).toBe(m.chartDefaultHub);
      const cell = tags.get(m.minor)!.startsWith('same as') ? prevTags : tags.get(m.minor)!;
      prevTags = cell;
      const named = [...cell.matchAll(/`([^`]+\.yaml)`/g)].map((x) => `templates/${x[1]}`);
      expect({ minor: m.minor, templates: m.revisionTags.templates, svc: m.revisionTags.tagService })
        .toEqual({ minor: m.minor, templates: named, svc: named.some((t) => t.endsWith('-svc.yaml')) });
    }
  });

  test('every minor in the table has its chart data in ../shared, taken at the latest patch of the table', () => {
    for (const m of ISTIO_MINORS) {
      const dir = sharedIstioDir(m.minor);
      if (!dir) continue;
      const source = fs.readFileSync(path.join(dir, 'SOURCE.md'), 'utf8');
      expect(/- Tag: `([^`]+)`/.exec(source)?.[1]).toBe(`${m.minor}.${m.patches[m.patches.length - 1]}`);
      for (const chart of ['base', 'cni', 'istiod', 'ztunnel']) expect(fs.existsSync(path.join(dir, `${chart}.values.yaml`))).toBe(true);
      const profiles = fs.readdirSync(path.join(dir, 'profiles')).filter((f) => f.startsWith('compatibility-version-'));
      expect(profiles.map((f) => f.replace(/^compatibility-version-|\.yaml$/g, '')).sort(compareMinor)).toEqual(m.compatibilityVersions);
    }
  });

  test('of() accepts every patch in the table', () => {
    for (const m of ISTIO_MINORS) for (const p of m.patches) expect(IstioVersion.of(`${m.minor}.${p}`).patch).toBe(p);
    expect(IstioVersion.supported()).toHaveLength(ISTIO_MINORS.reduce((n, m) => n + m.patches.length, 0));
  });

  test.each(['1.22.08', '01.22.8', '1.022.8', ' 1.22.8', '1.22.8 ', '1.31.0', '1.22.9', '1.21.6', '1.22', 'latest', '1.22.8-distroless', 'v1.22.8', ''])(
    'fails when the version is %p (only canonical versions in the table)', (v) => {
      expect(() => IstioVersion.of(v)).toThrow(IstioMeshValidationError);
      expect(() => IstioVersion.of(v)).toThrow(new RegExp(`^'istioVersion' must be a supported Istio release, got '${v.replace(/\./g, '\\.')}' \\(supported: 1\\.22\\.0 … 1\\.22\\.8, 1\\.23\\.0 … 1\\.23\\.6, .* 1\\.30\\.0 … 1\\.30\\.3\\)`));
    });

  test.each([[122], [null], [undefined], [{ version: '1.22.8' }]])('fails with the library error, not a TypeError, for %p', (v) => {
    expect(() => IstioVersion.of(v as unknown as string)).toThrow(IstioMeshValidationError);
  });

  test('the error names the prop it was given', () => {
    expect(() => IstioVersion.of('2.0.0', 'ISTIO_VERSION')).toThrow(/^'ISTIO_VERSION'/);
  });

  test('Kubernetes range of 1.22 is 1.27–1.30 and of 1.30 is 1.32–1.36', () => {
    const v = IstioVersion.V1_22_3;
    expect(v.supportedKubernetesVersions).toEqual(['1.27', '1.28', '1.29', '1.30']);
    expect(v.supportsKubernetes('1.26')).toBe(false);
    expect(v.supportsKubernetes('1.31')).toBe(false);
    expect(IstioVersion.V1_30_3.supportedKubernetesVersions).toEqual(minorRange('1.32', '1.36'));
  });

  test('revision name replaces dots', () => {
    expect(IstioVersion.V1_28_10.revisionName).toBe('1-28-10');
  });

  test('compareMinor orders numerically, not lexically', () => {
    expect(compareMinor('1.9', '1.10')).toBeLessThan(0);
    expect(compareMinor('1.30', '1.30')).toBe(0);
    expect(compareMinor('2.0', '1.99')).toBeGreaterThan(0);
  });

  test('the table lists each minor once, in order, with ascending patches', () => {
    const minors = ISTIO_MINORS.map((m) => m.minor);
    expect([...minors].sort(compareMinor)).toEqual(minors);
    expect(new Set(minors).size).toBe(minors.length);
    for (const m of ISTIO_MINORS) expect([...m.patches].sort((a, b) => a - b)).toEqual(m.patches);
  });
});
