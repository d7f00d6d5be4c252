import { IstioVersion } from '../../../lib/catalog/istio-versions';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { MtlsMode, peerAuthentication } from '../../../lib/istio/resources';
import { mdCode, mdText, renderMarkdown } from '../../../lib/analysis/review/report';
import { canaryIstiod, mesh, reviewPair, risksOf } from './review-fixture';

describe('mesh-review diff', () => {
  test('identical outputs: no stacks, no findings, an empty report', () => {
    const { report } = reviewPair((s) => mesh(s, { ambientNamespaces: ['apps'] }));
    expect(report.stacks).toEqual([]);
    expect(report.risks).toEqual([]);
    expect(renderMarkdown(report)).toBe('## Mesh review\n\nNo changes between base and head.\n');
  });

  test('an Istio patch upgrade: chart versions per release, no value changes', () => {
    const { report } = reviewPair((s, side) => mesh(s, { istioVersion: side === 'base' ? IstioVersion.V1_22_7 : IstioVersion.V1_22_8 }));
    const [stack] = report.stacks;
    const versions = Object.fromEntries(stack.diff.releases.map((r) => [r.name, r.version]));
    expect(versions).toEqual({
      'istio-base': { from: '1.22.7', to: '1.22.8' }, 'istio-cni': { from: '1.22.7', to: '1.22.8' },
      istiod: { from: '1.22.7', to: '1.22.8' }, ztunnel: { from: '1.22.7', to: '1.22.8' },
    });
    expect(stack.diff.releases.flatMap((r) => r.values)).toEqual([]);
    expect(stack.diff.terraform.map((t) => t.action)).toEqual(['update', 'update', 'update', 'update']);
  });

  test('Helm values as value paths: added, changed and removed per release', () => {
    const { report } = reviewPair((s, side) => mesh(s, side === 'base'
      ? { istiodValues: { pilot: { env: { A: 'x', GONE: 'y' } } } }
      : { istiodValues: { pilot: { env: { A: 'z', NEW: 'w' } } }, imageHub: 'mirror.example.com/istio' }));
    const byName = Object.fromEntries(report.stacks[0].diff.releases.map((r) => [r.name, r.values]));
    expect(byName.istiod).toEqual([
      { path: 'global.hub', change: 'added', to: '"mirror.example.com/istio"' },
      { path: 'pilot.env.A', change: 'changed', from: '"x"', to: '"z"' },
      { path: 'pilot.env.GONE', change: 'removed', from: '"y"' },
      { path: 'pilot.env.NEW', change: 'added', to: '"w"' },
    ]);
    expect(byName.ztunnel).toEqual([{ path: 'hub', change: 'added', to: '"mirror.example.com/istio"' }]);
  });

  test('Istio and Kubernetes resources: generated-chart objects and kubernetes_* resources, added/removed/changed', () => {
    const { report } = reviewPair((s, side) => mesh(s, side === 'base'
      ? { mtlsMode: MtlsMode.STRICT, ambientNamespaces: ['a'] }
      : { mtlsMode: MtlsMode.PERMISSIVE, ambientNamespaces: ['b'] }));
    const objects = report.stacks[0].diff.objects.map((o) => [o.change, o.key, o.paths.map((p) => p.path)]);
    expect(objects).toEqual([
      ['removed', 'Namespace core a', []],
      ['added', 'Namespace core b', []],
      ['changed', 'PeerAuthentication security.istio.io istio-system/default', ['spec.mtls.mode']],
    ]);
  });
});

describe('Terraform actions', () => {
  test('helm_release name change: replaced (ForceNew per the Helm provider), flagged', () => {
    const { report } = reviewPair((s, side) => {
      const m = mesh(s);
      if (side === 'head') m.cni.addOverride('name', 'cni');
    });
    const change = report.stacks[0].diff.terraform.find((t) => t.address.includes('Cni'))!;
    expect(change).toMatchObject({ action: 'replace', forceNew: ['name'] });
    expect(risksOf(report, 'resource-replaced')).toEqual([expect.objectContaining({ level: 'high', subject: change.address })]);
  });

  test('an attribute change that is not ForceNew: updated in place, not flagged', () => {
    const { report } = reviewPair((s, side) => mesh(s, { helmTimeoutSeconds: side === 'base' ? 600 : 900 }));
    expect(new Set(report.stacks[0].diff.terraform.map((t) => t.action))).toEqual(new Set(['update']));
    expect(risksOf(report, 'resource-replaced')).toEqual([]);
  });

  test('a renamed construct: an address change with the same body is a move, flagged with the moved block to add', () => {
    const moved = reviewPair((s, side) => {
      mesh(s);
      canaryIstiod(s, '1-22-8', '1.22.8', undefined, side === 'base' ? 'Canary' : 'CanaryRenamed');
    }).report;
    const t = moved.stacks[0].diff.terraform;
    expect(t).toEqual([expect.objectContaining({ action: 'move', address: 'helm_release.CanaryRenamed', movedFrom: 'helm_release.Canary' })]);
    expect(risksOf(moved, 'resource-replaced')[0].fix).toMatch(/moved \{ from = helm_release\.Canary to = helm_release\.CanaryRenamed \}/);
  });
});

describe('inputs beyond the library defaults', () => {
  test('helm_release `set` entries count as value paths', () => {
    const { report } = reviewPair((s, side) => {
      const m = mesh(s);
      if (side === 'head') m.istiod.addOverride('set', [{ name: 'pilot.traceSampling', value: '1.0' }]);
    });
    expect(report.stacks[0].diff.releases.find((r) => r.name === 'istiod')!.values).toEqual([{ path: 'pilot.traceSampling', change: 'added', to: '"1.0"' }]);
  });

  test('a PeerAuthentication in a kubernetes_manifest is diffed and judged like a generated-chart one', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s);
      new Manifest(s, 'AppsMtls', { manifest: peerAuthentication('apps', 'apps', side === 'base' ? MtlsMode.STRICT : MtlsMode.PERMISSIVE) });
    });
    expect(report.stacks[0].diff.objects).toEqual([expect.objectContaining({ key: 'PeerAuthentication security.istio.io apps/apps', source: 'kubernetes_manifest.AppsMtls', change: 'changed' })]);
    expect(risksOf(report, 'mtls-relaxed')).toEqual([expect.objectContaining({ level: 'medium', subject: 'PeerAuthentication apps/apps' })]);
  });


  test('typed kubernetes_* resources are diffed as objects of their kind', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s);
      new ConfigMapV1(s, 'Settings', { metadata: { name: 'settings', namespace: 'apps' }, data: { mode: side } });
    });
    expect(report.stacks[0].diff.objects).toEqual([{
      key: 'ConfigMap core apps/settings', source: 'kubernetes_config_map_v1.Settings', change: 'changed',
      paths: [{ path: 'data.mode', change: 'changed', from: '"base"', to: '"head"' }],
    }]);
  });
});

describe('what a pull-request comment must not carry', () => {
  test('values of secret-looking paths are redacted', () => {
    const { report } = reviewPair((s, side) => mesh(s, { istiodValues: { pilot: { env: { API_TOKEN: side, LOG: side } } } }));
    expect(report.stacks[0].diff.releases[0].values).toEqual([
      { path: 'pilot.env.API_TOKEN', change: 'changed', from: '(redacted)', to: '(redacted)' },
      { path: 'pilot.env.LOG', change: 'changed', from: '"base"', to: '"head"' },
    ]);
  });
  test('a report longer than the limit is cut at a line with a note', () => {
    const { report } = reviewPair((s, side) => mesh(s, { istioVersion: side === 'base' ? IstioVersion.V1_22_7 : IstioVersion.V1_22_8 }));
    const full = renderMarkdown(report);
    const cut = renderMarkdown(report, 400);
    expect(full.length).toBeGreaterThan(400);
    expect(cut.startsWith(full.slice(0, cut.indexOf('\n\n_Report truncated')))).toBe(true);
    expect(cut).toMatch(/\n\n_Report truncated at 400 characters; run `mesh-review --format json` for all of it\._\n$/);
    expect(cut.indexOf('\n\n_Report truncated')).toBeLessThanOrEqual(400);
  });
});

describe('Markdown of untrusted text', () => {
  test('code spans cannot be closed and table cells cannot be split', () => {
    expect(mdCode('a`b|c')).toBe("`a'b\\|c`");
    expect(mdCode('x'.repeat(200)).length).toBeLessThan(125);
  });
  test('prose cannot open HTML, links or emphasis', () => {
    expect(mdText('<img src=x> [link](http://e) *b* | c\nd')).toBe('\\<img src=x\\> \\[link\\](http://e) \\*b\\* \\| c d');
  });
});
