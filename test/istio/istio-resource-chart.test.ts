import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, App, Testing, TerraformStack } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { parse } from 'yaml';
import { IstioResourceChart } from '../../lib/istio/istio-resource-chart';
import { IstioResource, MtlsMode, peerAuthentication } from '../../lib/istio/resources';
import { goStringLiteral, renderChart, writeChartDir } from '../../lib/private/generated-chart';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { SUPPORT_DATE_CONTEXT } from '../../lib/catalog/compatibility';
import { TEST_DAY, release, synthJson, testApp } from '../util';

function stackWith(resources: IstioResource[], outdir?: string) {
  const app = outdir ? Testing.app({ outdir }) : testApp();
  const stack = new TerraformStack(app, 'chart');
  new HelmProvider(stack, 'helm', {});
  const chart = new IstioResourceChart(stack, 'Mesh', { releaseName: 'istio-mesh-config', resources, dependsOn: [] });
  return { app, stack, chart };
}

const strict = peerAuthentication('default', 'istio-system', MtlsMode.STRICT);
const appsPermissive = peerAuthentication('default', 'apps', MtlsMode.PERMISSIVE);
const named = (namespace: string, name: string, over: Partial<IstioResource> = {}): IstioResource =>
  ({ ...peerAuthentication(name, namespace, MtlsMode.STRICT), ...over });

/** A fresh output directory, removed after the test even when it fails. */
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

/** Every file below `dir`, relative. */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name))).sort();
}

describe('IstioResourceChart', () => {
  test('renders a Helm v2 chart with one plain-YAML template per resource, named <kind>.<group>_<namespace>_<name>', () => {
    const files = renderChart('istio-mesh-config', 'd', [strict, appsPermissive]);
    expect(parse(files['Chart.yaml'])).toEqual(expect.objectContaining({ apiVersion: 'v2', name: 'istio-mesh-config', version: '1.0.0' }));
    expect(Object.keys(files).sort()).toEqual([
      'Chart.yaml', 'templates/peerauthentication.security.istio.io_apps_default.yaml', 'templates/peerauthentication.security.istio.io_istio-system_default.yaml',
    ]);
    expect(parse(files['templates/peerauthentication.security.istio.io_istio-system_default.yaml'])).toEqual(strict);
    expect(parse(files['templates/peerauthentication.security.istio.io_apps_default.yaml'])).toEqual(appsPermissive);
  });

  test('sets no label Helm overwrites (app.kubernetes.io/managed-by becomes Helm on install), and warns when given one', () => {
    for (const r of [strict, appsPermissive]) expect(Object.keys(r.metadata.labels ?? {})).not.toContain('app.kubernetes.io/managed-by');
    const labelled = named('apps', 'x', { metadata: { name: 'x', namespace: 'apps', labels: { 'app.kubernetes.io/managed-by': 'me' } } });
    const warnings = (c: IstioResourceChart) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings(stackWith([labelled]).chart)).toEqual([expect.stringMatching(/^PeerAuthentication apps\/x: label 'app\.kubernetes\.io\/managed-by' is ignored/)]);
    expect(warnings(stackWith([strict]).chart)).toEqual([]);
  });

  test('the chart is written into the stack output at synthesis only, and the release points at it', () => {
    const outdir = tempDir('chart-out-');
    const { app, stack, chart } = stackWith([strict], outdir);
    expect(tree(outdir)).toEqual([]); // nothing written while constructing
    const r = release(synthJson(stack), 'istio-mesh-config');
    expect(r.chart).toBe(chart.chartPath);
    expect(chart.chartPath).toMatch(/^assets\/Mesh_Chart_[0-9A-F]{8}\/[0-9a-f]{32}$/);
    expect(r).toMatchObject({ namespace: 'istio-system', wait: true, atomic: true, timeout: 300 });
    app.synth();
    const stackDir = path.join(outdir, 'stacks', 'chart');
    expect(tree(path.join(stackDir, 'assets'))).toEqual([
      `${chart.chartPath.slice('assets/'.length)}/Chart.yaml`,
      `${chart.chartPath.slice('assets/'.length)}/templates/peerauthentication.security.istio.io_istio-system_default.yaml`,
    ]);
    const chartDir = path.join(stackDir, chart.chartPath);
    expect(parse(fs.readFileSync(path.join(chartDir, 'templates', 'peerauthentication.security.istio.io_istio-system_default.yaml'), 'utf8'))).toEqual(strict);
    expect(fs.statSync(chartDir).mode & 0o077).toBe(0); // private: staged with mkdtemp
  });

  test('a second synth replaces the previous version of the chart', () => {
    const outdir = tempDir('chart-out-');
    stackWith([strict], outdir).app.synth();
    const { app, chart } = stackWith([appsPermissive], outdir);
    app.synth();
    const assets = path.join(outdir, 'stacks', 'chart', 'assets');
    expect(fs.readdirSync(assets)).toEqual([chart.chartPath.split('/')[1]]);
    expect(fs.readdirSync(path.join(assets, chart.chartPath.split('/')[1]))).toEqual([chart.chartPath.split('/')[2]]);
  });

  test('a synthesis that fails (an error annotation) writes no chart', () => {
    const outdir = tempDir('chart-out-');
    const { app, stack } = stackWith([strict], outdir);
    Annotations.of(stack).addError('something else is wrong');
    expect(() => app.synth()).toThrow(/something else is wrong/);
    expect(tree(path.join(outdir, 'stacks', 'chart', 'assets'))).toEqual([]);
  });

  test('different content gives a different chart path (Terraform sees the change); same content the same path', () => {
    const a = stackWith([strict]).chart.chartPath;
    const b = stackWith([peerAuthentication('default', 'istio-system', MtlsMode.PERMISSIVE)]).chart.chartPath;
    const c = stackWith([strict]).chart.chartPath;
    expect(a).not.toBe(b);
    expect(a).toBe(c);
  });

  test('distinct resources never share a file: separators, API groups, long names', () => {
    const gatewayIstio = named('apps', 'gw', { apiVersion: 'networking.istio.io/v1', kind: 'Gateway' });
    const gatewayK8s = named('apps', 'gw', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' });
    const long = (end: string) => named('apps', `${'a'.repeat(250)}${end}`);
    const resources = [named('a-b', 'c'), named('a', 'b-c'), gatewayIstio, gatewayK8s, long('x1'), long('x2')];
    const templates = Object.keys(renderChart('x', 'd', resources)).filter((f) => f.startsWith('templates/'));
    expect(templates).toHaveLength(resources.length);
    for (const f of templates) {
      expect(path.basename(f)).not.toMatch(/^_/);
      expect(path.basename(f).length).toBeLessThanOrEqual(255);
      expect(path.dirname(f)).toBe('templates');
    }
  });

  test.each([
    ['metadata.name', named('apps', '../../../etc/evil'), /^'resources\[0\]\.metadata\.name' must be a DNS-1123 subdomain, got '\.\.\/\.\.\/\.\.\/etc\/evil'/],
    ['metadata.name', named('apps', '_partial'), /^'resources\[0\]\.metadata\.name' must be a DNS-1123 subdomain, got '_partial'/],
    ['metadata.name', named('apps', 'A'), /^'resources\[0\]\.metadata\.name' must be a DNS-1123 subdomain, got 'A'/],
    ['metadata.name', named('apps', 'a'.repeat(254)), /^'resources\[0\]\.metadata\.name' must be a DNS-1123 subdomain/],
    ['metadata.namespace', named('../x', 'n'), /^'resources\[0\]\.metadata\.namespace' must be a DNS-1123 label, got '\.\.\/x'/],
    ['metadata.namespace', named('a.b', 'n'), /^'resources\[0\]\.metadata\.namespace' must be a DNS-1123 label, got 'a\.b'/],
    ['kind', named('apps', 'n', { kind: 'Peer/../x' }), /^'resources\[0\]\.kind' must be a Kubernetes kind .*, got 'Peer\/\.\.\/x'/],
    ['kind', named('apps', 'n', { kind: '_Hidden' }), /^'resources\[0\]\.kind' must be a Kubernetes kind/],
    ['apiVersion', named('apps', 'n', { apiVersion: 'v1' }), /^'resources\[0\]\.apiVersion' must be <group>\/<version>/],
    ['apiVersion', named('apps', 'n', { apiVersion: '../x/v1' }), /^'resources\[0\]\.apiVersion' must be <group>\/<version>/],
  ])('fails on an invalid %s, before any path is built or file written', (_field, bad, message) => {
    const outdir = tempDir('chart-out-');
    expect(() => stackWith([bad], outdir)).toThrow(message);
    expect(tree(outdir)).toEqual([]);
  });

  test('fails when two resources share API group, kind, namespace and name', () => {
    expect(() => stackWith([strict, strict])).toThrow(/^'resources' must not contain two resources with the same API group, kind, namespace and name, got 'PeerAuthentication istio-system\/default'/);
    // Versions of one API group are the same resource.
    expect(() => stackWith([strict, { ...strict, apiVersion: 'security.istio.io/v1beta1' }])).toThrow(/must not contain two resources with the same/);
  });

  test("fails when a value contains '{{', which Helm would parse", () => {
    const bad: IstioResource = { ...strict, metadata: { ...strict.metadata, annotations: { note: '{{ .Values.x }}' } } };
    expect(() => stackWith([bad])).toThrow(/^'resources\[0\]' must not contain '\{\{'/);
  });

  test('fails on a release name Helm would refuse', () => {
    expect(() => renderChart('../x', 'd', [strict])).toThrow(/^'releaseName' must be a Helm release name/);
  });
});

describe('writeChartDir', () => {
  test('a failure partway leaves neither the chart nor the staging directory', () => {
    const out = tempDir('chart-write-');
    const target = path.join(out, 'assets', 'X', 'hash');
    expect(() => writeChartDir(target, { 'Chart.yaml': 'a', 'templates/../../escape.yaml': 'b' })).toThrow(/outside the chart/);
    expect(tree(out)).toEqual([]);
    expect(fs.readdirSync(path.join(out, 'assets'))).toEqual([]);
  });

  // The cdktf CLI runs the app with a relative outdir (`cdktf.out`): the chart must still be written.
  test('writes the chart when the target is a relative path', () => {
    const out = tempDir('chart-write-rel-');
    const cwd = process.cwd();
    try {
      process.chdir(out);
      writeChartDir(path.join('cdktf.out', 'assets', 'X', 'hash'), { 'Chart.yaml': 'a', 'templates/x.yaml': 'b' });
    } finally {
      process.chdir(cwd);
    }
    expect(fs.readFileSync(path.join(out, 'cdktf.out', 'assets', 'X', 'hash', 'templates', 'x.yaml'), 'utf8')).toBe('b');
  });

  test('an app with a relative outdir synthesizes its charts (as under `cdktf synth`)', () => {
    const out = tempDir('chart-app-rel-');
    const cwd = process.cwd();
    try {
      process.chdir(out);
      const app = new App({ outdir: 'cdktf.out', context: { [SUPPORT_DATE_CONTEXT]: TEST_DAY } });
      const stack = new TerraformStack(app, 'rel');
      new HelmProvider(stack, 'helm', {});
      const chart = new IstioResourceChart(stack, 'Mesh', { releaseName: 'rel-chart', resources: [], dependsOn: [] });
      app.synth();
      expect(fs.existsSync(path.join(out, 'cdktf.out', 'stacks', 'rel', ...chart.chartPath.split('/'), 'Chart.yaml'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('IstioResourceChart: plain Kubernetes objects (revision tags)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { revisionTagObjects } = require('../../lib/istio/revision-tags') as typeof import('../../lib/istio/revision-tags');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { IstioVersion } = require('../../lib/catalog/istio-versions') as typeof import('../../lib/catalog/istio-versions');
  const [mwc, svc] = revisionTagObjects({ tag: 'prod', revision: '1-28-10', version: IstioVersion.of('1.28.10'), releaseName: 'istio-tag-prod', namespace: 'istio-system' });

  test('core-group and cluster-scoped objects get their own unambiguous template files, beside Istio resources', () => {
    const files = renderChart('istio-tag-prod', 'd', [], 'resources', [mwc, svc]);
    expect(Object.keys(files).sort()).toEqual([
      'Chart.yaml',
      'templates/mutatingwebhookconfiguration.admissionregistration.k8s.io__istio-revision-tag-prod.yaml',
      'templates/service._istio-system_istiod-revision-tag-prod.yaml',
    ]);
    expect(parse(files['templates/mutatingwebhookconfiguration.admissionregistration.k8s.io__istio-revision-tag-prod.yaml'])).toEqual(mwc);
  });

  test('the chart written at synth holds the objects; the release points at it', () => {
    const stack = new TerraformStack(testApp(), 'tags');
    new HelmProvider(stack, 'helm', {});
    const chart = new IstioResourceChart(stack, 'Tag', { releaseName: 'istio-tag-prod', resources: [], kubernetesObjects: [mwc, svc], dependsOn: [] });
    expect(release(synthJson(stack), 'istio-tag-prod').chart).toBe(chart.chartPath);
    const out = Testing.fullSynth(stack);
    const dir = path.join(out, 'stacks', 'tags', chart.chartPath, 'templates');
    expect(fs.readdirSync(dir).sort()).toHaveLength(2);
    expect(parse(fs.readFileSync(path.join(dir, 'service._istio-system_istiod-revision-tag-prod.yaml'), 'utf8'))).toEqual(svc);
  });

  test('fails when two objects share an identity, or an object has no valid apiVersion', () => {
    expect(() => renderChart('x', 'd', [], 'resources', [mwc, mwc])).toThrow(/^'kubernetesObjects' must not contain two objects with the same API group, kind, namespace and name, got 'MutatingWebhookConfiguration \(cluster\)\/istio-revision-tag-prod'/);
    expect(() => renderChart('x', 'd', [], 'resources', [{ ...svc, apiVersion: '/v1' }])).toThrow(/^'kubernetesObjects\[0\].apiVersion' must be \[<group>\/\]<version>/);
    expect(() => renderChart('x', 'd', [], 'resources', [{ ...svc, metadata: { ...svc.metadata, annotations: { a: '{{ x }}' } } }])).toThrow(/^'kubernetesObjects\[0\]' must not contain '\{\{'/);
  });
});

describe('goStringLiteral', () => {
  test('writes a JSON string literal (its escapes are a subset of Go\'s) and refuses a lone UTF-16 surrogate, which Go cannot unquote', () => {
    expect(goStringLiteral('message', 'a "b"\n\u0001🚀')).toBe('"a \\"b\\"\\n\\u0001🚀"');
    expect(() => goStringLiteral('message', 'broken \ud800 half')).toThrow(/'message' must not contain a lone UTF-16 surrogate \(a Go template cannot hold it\), got '"broken \\ud800 half"'/);
    expect(() => goStringLiteral('message', 'broken \udc00')).toThrow(IstioMeshValidationError);
  });
});
