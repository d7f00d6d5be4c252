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
});
