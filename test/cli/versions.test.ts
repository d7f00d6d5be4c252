import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli/mesh-bench';
import { supportDate } from '../../lib/cli/versions-command';
import { SUPPORT_DATE_CONTEXT } from '../../lib/catalog/compatibility';
import { readHopFacts } from '../facts';
import { TEST_DAY } from '../util';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => { out.push(t); }, stderr: (t: string) => { err.push(t); } }, out, err };
}

const facts = readHopFacts();
const withFacts = facts ? test : test.skip;

describe('mesh-bench versions', () => {
  withFacts('prints one row per minor of the facts file, with its Kubernetes range as cells', async () => {
    const { io: cli, out } = io();
    expect(await main(['node', 'mesh-bench', 'versions', '--as-of', TEST_DAY], cli)).toBe(0);
    const matrix = out.join('').split('\n\n')[0]; // the first table; the traits table follows
    const rows = matrix.split('\n').filter((l) => /^\| 1\.\d+ \|/.test(l));
    const ranges = facts!.kubernetesRanges();
    expect(rows.map((r) => r.split('|')[1].trim())).toEqual([...ranges.keys()]);
    const header = out.join('').split('\n')[0].split('|').map((c) => c.trim());
    for (const row of rows) {
      const cells = row.split('|').map((c) => c.trim());
      const [lo, hi] = ranges.get(cells[1])!;
      const nonEmpty = header.map((h, i) => (h.startsWith('K8s ') && cells[i] !== '' ? h.slice(4) : undefined)).filter((x) => x);
      expect(nonEmpty[0]).toBe(lo);
      expect(nonEmpty[nonEmpty.length - 1]).toBe(hi);
    }
  });

  test('--from 1.22.8 prints the numbered path and where it ends', async () => {
    const { io: cli, out } = io();
    expect(await main(['node', 'mesh-bench', 'versions', '--from', '1.22.8', '--as-of', TEST_DAY], cli)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^From Istio 1\.22\.8 on Kubernetes 1\.31 \(EKS support judged on 2026-11-24\):$/m);
    expect(text).toMatch(/^ {2}= Istio 1\.30\.3 on Kubernetes 1\.\d+: \d+ steps/m);
    expect(text.match(/^ +\d+\. Istio /gm)).toHaveLength(8); // 1.22 → 1.30, one minor per hop
  });

  test('--kubernetes sets the starting cluster version', async () => {
    const { io: cli, out } = io();
    expect(await main(['node', 'mesh-bench', 'versions', '--from', '1.28.10', '--kubernetes', '1.34', '--as-of', TEST_DAY], cli)).toBe(0);
    expect(out.join('')).toMatch(/^From Istio 1\.28\.10 on Kubernetes 1\.34/m);
  });

  test.each([
    [['--from', '1.22.08'], /^mesh-bench: '--from' must be a supported Istio release, got '1\.22\.08'/],
    [['--from', '1.22.8', '--kubernetes', '1.9'], /^mesh-bench: '--kubernetes' must be a Kubernetes minor that Amazon EKS offers, got '1\.9'/],
    [['--as-of', '24.11.2026'], /^mesh-bench: '--as-of' must be an ISO date YYYY-MM-DD, got '24\.11\.2026'/],
  ])('fails as a usage error (exit 2) with one message for %p', async (args, message) => {
    const { io: cli, err } = io();
    expect(await main(['node', 'mesh-bench', 'versions', ...args], cli)).toBe(2);
    expect(err.join('')).toMatch(message);
  });

  test('the support date comes from --as-of, else CDKTF_CONTEXT_JSON, else cdktf.json context, else today', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'versions-'));
    expect(supportDate('2026-01-02', {}, dir)).toBe('2026-01-02');
    expect(supportDate(undefined, {}, dir)).toBe(new Date().toISOString().slice(0, 10));
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ context: { [SUPPORT_DATE_CONTEXT]: '2026-03-04' } }));
    expect(supportDate(undefined, {}, dir)).toBe('2026-03-04');
    expect(supportDate(undefined, { CDKTF_CONTEXT_JSON: JSON.stringify({ [SUPPORT_DATE_CONTEXT]: '2026-05-06' }) }, dir)).toBe('2026-05-06');
    expect(() => supportDate(undefined, { CDKTF_CONTEXT_JSON: JSON.stringify({ [SUPPORT_DATE_CONTEXT]: 'soon' }) }, dir)).toThrow(/^'cdktf-istio-mesh:supportDate' must be an ISO date/);
  });
});
