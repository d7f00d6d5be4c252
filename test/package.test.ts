import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as source from '../lib';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { name: string; main: string; bin?: Record<string, string> };

describe('the package', () => {
  test('is named cdktf-istio-mesh', () => {
    expect(pkg.name).toBe('cdktf-istio-mesh');
  });

  test('require() of the built main exports the same public API as lib/index.ts', () => {
    const main = path.join(__dirname, '..', pkg.main);
    if (!fs.existsSync(main)) throw new Error(`${pkg.main} is missing: run 'npm run build' first ('npm test' does)`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const built = require(main) as Record<string, unknown>;
    expect(Object.keys(built).sort()).toEqual(Object.keys(source).sort());
  });

  test.each([
    'IstioAmbientCluster', 'EksCluster', 'ExistingEksCluster', 'IstioResourceChart', 'EksVpc', 'EksRoles', 'EksNodeSecurity',
    'IstioVersion', 'MtlsMode', 'EksSupportType', 'NodeCapacityType', 'AmbientMaturity', 'EksSupportState',
    'IstioMeshValidationError', 'eksHelmProviderConfig', 'eksKubernetesProviderConfig', 'regionVariableConfig', 'clusterNameVariableConfig',
  ])('exports %s', (name) => {
    expect((source as Record<string, unknown>)[name]).toBeDefined();
  });

  test('the validation error class is catchable by type and carries the prop', () => {
    try {
      source.IstioVersion.of('9.9.9');
      throw new Error('expected a validation error');
    } catch (e) {
      expect(e).toBeInstanceOf(source.IstioMeshValidationError);
      expect((e as InstanceType<typeof source.IstioMeshValidationError>).prop).toBe('istioVersion');
    }
  });

  test('no file imports a provider package from its root (each root costs seconds and ~1 GB per synth)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ts$/.test(e.name) && /from ['"]@cdktf\/provider-(aws|helm|kubernetes)['"]|require\(['"]@cdktf\/provider-(aws|helm|kubernetes)['"]\)/.test(fs.readFileSync(p, 'utf8'))) offenders.push(p);
      }
    };
    for (const d of ['lib', 'stacks', 'examples']) walk(path.join(__dirname, '..', d));
    expect(offenders).toEqual([]);
  });

  describe('npm pack', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { packProblems } = require('../scripts/check-pack.js') as { packProblems: (files: string[], pkg: unknown, dir: string) => string[] };
    const root = path.join(__dirname, '..');
    const good = ['package.json', 'README.md', 'bin/mesh-bench.js', 'bin/mesh-latency.js', 'bin/mesh-review.js', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/cli/mesh-bench.js', 'dist/lib/cli/mesh-latency.js', 'dist/lib/cli/mesh-review.js'];

    test('`npm pack --dry-run --json` of this directory ships dist/lib, both bins and README.md (scripts/check-pack.js --in-place)', () => {
      const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'check-pack.js'), '--in-place'], { cwd: root, encoding: 'utf8' });
      expect(r.stdout).toMatch(/package contents OK/);
      expect(r.status).toBe(0);
    });

    test('the check names what is missing, shipped by mistake, or a dependency instead of a peer', () => {
      expect(packProblems(good, pkg, root)).toEqual([]);
      expect(packProblems(good.filter((f) => f !== 'dist/lib/index.js'), pkg, root)).toEqual(['missing from the package: dist/lib/index.js']);
      expect(packProblems(good.filter((f) => f !== 'dist/lib/cli/mesh-latency.js'), pkg, root)).toEqual(['missing from the package: dist/lib/cli/mesh-latency.js']);
      expect(packProblems([...good, 'lib/index.ts', 'dist/.tsbuildinfo'], pkg, root)).toEqual(['source file in the package: lib/index.ts', 'build state in the package: dist/.tsbuildinfo']);
      const full = pkg as unknown as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
      const peers = { ...full.peerDependencies };
      delete peers.cdktf;
      expect(packProblems(good, { ...full, dependencies: { ...full.dependencies, cdktf: '0.21.0' }, peerDependencies: peers }, root)).toEqual([
        'cdktf is not a peerDependency', 'cdktf is a dependency (users would get a second copy)',
      ]);
    });
  });
});
