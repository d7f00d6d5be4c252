import * as fs from 'fs';
import * as path from 'path';
import { ISTIO_MINORS } from '../lib/catalog/istio-versions';
import { MatrixCell, matrixCell, matrixKubernetesVersions, renderVersionMatrix } from '../lib/catalog/version-matrix';
import { readVersionsSection, replaceVersionsSection } from '../lib/private/readme-section';
import { readHopFacts } from './facts';
import { TEST_DAY } from './util';

const README = path.join(__dirname, '..', 'README.md');
const facts = readHopFacts();
const withFacts = facts ? test : test.skip;

describe('README compatibility section', () => {
  test('is what the catalog renders for the date in its marker (run `npm run docs:versions -- --as-of <day>`)', () => {
    const section = readVersionsSection(fs.readFileSync(README, 'utf8'));
    expect(section).toBeDefined();
    expect(section!.body).toBe(renderVersionMatrix(section!.asOf).join('\n') + '\n');
  });

  test('replacing the section keeps the text around it and is idempotent', () => {
    const text = 'before\n<!-- BEGIN GENERATED versions: npm run docs:versions -- --as-of 2020-01-01 -->\nold\n<!-- END GENERATED versions -->\nafter\n';
    const once = replaceVersionsSection(text, TEST_DAY, ['a', 'b']);
    expect(once).toBe(`before\n<!-- BEGIN GENERATED versions: npm run docs:versions -- --as-of ${TEST_DAY} -->\na\nb\n<!-- END GENERATED versions -->\nafter\n`);
    expect(replaceVersionsSection(once, TEST_DAY, ['a', 'b'])).toBe(once);
    expect(() => replaceVersionsSection('no markers', TEST_DAY, [])).toThrow(/no generated versions section/);
  });
});

describe('the matrix', () => {
  withFacts('a cell is non-empty exactly where the facts file says Istio supports the Kubernetes minor', () => {
    const ranges = facts!.kubernetesRanges();
    const num = (k: string): number => Number(k.split('.')[1]);
    for (const m of ISTIO_MINORS) {
      const [lo, hi] = ranges.get(m.minor)!;
      for (const k of matrixKubernetesVersions()) {
        const supported = num(k) >= num(lo) && num(k) <= num(hi);
        expect({ m: m.minor, k, supported: matrixCell(m, k, TEST_DAY) !== MatrixCell.UNSUPPORTED }).toEqual({ m: m.minor, k, supported });
      }
    }
  });

  test('on 2026-11-24 no EKS version is in Istio 1.22\'s range (EKS ended 1.27–1.30), and 1.30 has standard cells at 1.34 and 1.35', () => {
    const m22 = ISTIO_MINORS.find((m) => m.minor === '1.22')!;
    const m30 = ISTIO_MINORS.find((m) => m.minor === '1.30')!;
    // EKS calendar: 1.30 extended support ended 2026-07-23; 1.34 standard until 2026-12-02, 1.35 until 2027-03-27.
    expect(['1.27', '1.28', '1.29', '1.30'].map((k) => matrixCell(m22, k, TEST_DAY))).toEqual(Array(4).fill(MatrixCell.NOT_ON_EKS));
    expect(['1.34', '1.35', '1.36'].map((k) => matrixCell(m30, k, TEST_DAY))).toEqual([MatrixCell.STANDARD, MatrixCell.STANDARD, MatrixCell.NOT_ON_EKS]);
    expect(['1.32', '1.33'].map((k) => matrixCell(m30, k, TEST_DAY))).toEqual([MatrixCell.EXTENDED, MatrixCell.EXTENDED]);
  });
});
