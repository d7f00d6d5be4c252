import * as fs from 'fs';
import * as path from 'path';
import { Testing, TerraformStack } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { parse } from 'yaml';
import { IstioResourceChart } from '../../lib/istio/istio-resource-chart';
import { IstioResource, MtlsMode, peerAuthentication } from '../../lib/istio/resources';
import { renderChart } from '../../lib/private/generated-chart';
import { release, synthJson, testApp } from '../util';

function stackWith(resources: IstioResource[]) {
  const stack = new TerraformStack(testApp(), 'chart');
  new HelmProvider(stack, 'helm', {});
  const chart = new IstioResourceChart(stack, 'Mesh', { releaseName: 'istio-mesh-config', resources, dependsOn: [] });
  return { stack, chart };
}

const strict = peerAuthentication('default', 'istio-system', MtlsMode.STRICT);
const appsPermissive = peerAuthentication('default', 'apps', MtlsMode.PERMISSIVE);

describe('IstioResourceChart', () => {
  test('renders a Helm v2 chart with one plain-YAML template per resource', () => {
    const files = renderChart('istio-mesh-config', 'd', [strict, appsPermissive]);
    expect(parse(files['Chart.yaml'])).toEqual(expect.objectContaining({ apiVersion: 'v2', name: 'istio-mesh-config', version: '1.0.0' }));
    expect(Object.keys(files).sort()).toEqual(['Chart.yaml', 'templates/peerauthentication-apps-default.yaml', 'templates/peerauthentication-istio-system-default.yaml']);
    expect(parse(files['templates/peerauthentication-istio-system-default.yaml'])).toEqual(strict);
    expect(parse(files['templates/peerauthentication-apps-default.yaml'])).toEqual(appsPermissive);
  });

  test('the asset directory is copied into the stack output and the release points at it', () => {
    const { stack, chart } = stackWith([strict]);
    const r = release(synthJson(stack), 'istio-mesh-config');
    expect(r.chart).toBe(chart.asset.path);
    expect(r).toMatchObject({ namespace: 'istio-system', wait: true, atomic: true, timeout: 300 });
    const out = Testing.fullSynth(stack);
    const chartDir = path.join(out, 'stacks', 'chart', chart.asset.path);
    expect(parse(fs.readFileSync(path.join(chartDir, 'templates', 'peerauthentication-istio-system-default.yaml'), 'utf8'))).toEqual(strict);
  });

  test('different content gives a different chart path (Terraform sees the change); same content the same path', () => {
    const a = stackWith([strict]).chart.asset.path;
    const b = stackWith([peerAuthentication('default', 'istio-system', MtlsMode.PERMISSIVE)]).chart.asset.path;
    const c = stackWith([strict]).chart.asset.path;
    expect(a).not.toBe(b);
    expect(a).toBe(c);
  });

  test('fails when two resources share kind, namespace and name', () => {
    expect(() => stackWith([strict, strict])).toThrow(/^'resources' must not contain two resources with the same kind, namespace and name, got 'PeerAuthentication istio-system\/default'/);
  });

  test("fails when a value contains '{{', which Helm would parse", () => {
    const bad: IstioResource = { ...strict, metadata: { ...strict.metadata, annotations: { note: '{{ .Values.x }}' } } };
    expect(() => stackWith([bad])).toThrow(/^'resources' must not contain '\{\{'/);
  });
});
