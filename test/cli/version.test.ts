import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main as meshBench } from '../../lib/cli/mesh-bench';
import { main as meshLatency } from '../../lib/cli/mesh-latency';
import { main as meshReview } from '../../lib/cli/mesh-review';
import { packageVersion } from '../../lib/cli/version';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => { out.push(t); }, stderr: (t: string) => { err.push(t); } }, out, err };
}

describe('--version', () => {
  test.each([['mesh-bench', meshBench], ['mesh-latency', meshLatency], ['mesh-review', meshReview]] as const)('%s --version prints the package.json version and exits 0', async (name, main) => {
    const { io, out, err } = capture();
    expect(await main(['node', name, '--version'], io)).toBe(0);
    expect(out.join('')).toBe(`${pkg.version}\n`);
    expect(err).toEqual([]);
  });

  test.each(Object.keys(pkg.bin))('the built bin %s prints the version (from dist/, as installed)', (name) => {
    const r = spawnSync(process.execPath, [path.join(root, pkg.bin[name]), '--version'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  test('is read at run time from the nearest package.json of this package, not a copy', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'version-'));
    try {
      const nested = path.join(dir, 'dist', 'lib', 'cli');
      fs.mkdirSync(nested, { recursive: true });
      // A package.json of another package on the way up is skipped.
      fs.writeFileSync(path.join(dir, 'dist', 'package.json'), JSON.stringify({ name: 'other', version: '0.0.1' }));
      expect(() => packageVersion(nested)).toThrow(/package\.json of cdktf-istio-mesh not found above /);
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'cdktf-istio-mesh', version: '9.8.7' }));
      expect(packageVersion(nested)).toBe('9.8.7');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
