/**
 * Every risk rule of mesh-review, each with a change that produces it and one that does not, on
 * real synth outputs of the library's constructs (review-fixture.ts).
 */
import { Annotations, TerraformStack } from 'cdktf';
import { Namespace } from '@cdktf/provider-kubernetes/lib/namespace';
import { IstioVersion } from '../../../lib/catalog/istio-versions';
import { MeshCluster } from '../../../lib/istio/mesh-cluster';
import { IstioAmbientCluster } from '../../../lib/istio/istio-ambient-cluster';
import { IstioResourceChart } from '../../../lib/istio/istio-resource-chart';
import { KubernetesObject, MtlsMode, peerAuthentication } from '../../../lib/istio/resources';
import { canaryIstiod, mesh, reviewPair, risksOf, setVersions } from './review-fixture';

const ALL_CHARTS = (v: string) => ({ base: v, cni: v, istiod: v, ztunnel: v });

describe('MR001 control plane and data plane upgraded in one change', () => {
  test('produced: every chart 1.22.7 → 1.22.8 in one change (high)', () => {
    const { report } = reviewPair((s, side) => mesh(s, { istioVersion: side === 'base' ? IstioVersion.V1_22_7 : IstioVersion.V1_22_8 }));
    expect(risksOf(report, 'control-and-data-plane-together')).toEqual([expect.objectContaining({ level: 'high' })]);
  });
  test('produced: a rollback of every chart in one change, with the reverse order as the fix', () => {
    const { report } = reviewPair((s, side) => mesh(s, { istioVersion: side === 'base' ? IstioVersion.V1_22_8 : IstioVersion.V1_22_5 }));
    expect(risksOf(report, 'control-and-data-plane-together')).toEqual([expect.objectContaining({ level: 'high', fix: expect.stringMatching(/^Roll back in the reverse order/) })]);
  });
  test('not produced: istiod first (alone), then the data plane in the next change', () => {
    const first = reviewPair((s, side) => {
      const m = mesh(s, { istioVersion: IstioVersion.V1_22_7 });
      if (side === 'head') setVersions(m, { istiod: '1.22.8' });
    }).report;
    const second = reviewPair((s, side) => {
      const m = mesh(s, { istioVersion: side === 'base' ? IstioVersion.V1_22_7 : IstioVersion.V1_22_8 });
      if (side === 'base') setVersions(m, { istiod: '1.22.8' });
    }).report;
    expect(first.stacks).toHaveLength(1);
    expect(second.stacks).toHaveLength(1);
    expect(risksOf(first, 'control-and-data-plane-together')).toEqual([]);
    expect(risksOf(second, 'control-and-data-plane-together')).toEqual([]);
  });
});

describe('MR002 a minor skipped', () => {
  test('produced: 1.22.8 → 1.24.6 (high, one per release)', () => {
    const { report } = reviewPair((s, side) => {
      const m = mesh(s);
      if (side === 'head') setVersions(m, ALL_CHARTS('1.24.6'));
    });
    const found = risksOf(report, 'minor-skipped');
    expect(found.map((r) => r.level)).toEqual(['high', 'high', 'high', 'high']);
    expect(found[0].why).toMatch(/from 1\.22\.8 to 1\.24\.6, skipping 1 minor/);
  });
  test('not produced: 1.22.8 → 1.23.6 (one minor)', () => {
    const { report } = reviewPair((s, side) => {
      const m = mesh(s);
      if (side === 'head') setVersions(m, ALL_CHARTS('1.23.6'));
    });
    expect(report.stacks).toHaveLength(1);
    expect(risksOf(report, 'minor-skipped')).toEqual([]);
  });
});

describe('MR003 mTLS relaxed', () => {
  test('produced: mesh-wide STRICT → PERMISSIVE (high)', () => {
    const { report } = reviewPair((s, side) => mesh(s, { mtlsMode: side === 'base' ? MtlsMode.STRICT : MtlsMode.PERMISSIVE }));
    expect(risksOf(report, 'mtls-relaxed')).toEqual([expect.objectContaining({ level: 'high', subject: 'PeerAuthentication istio-system/default' })]);
  });
  test('produced: a namespace STRICT policy removed (medium: Istio falls back to PERMISSIVE)', () => {
    const strictApps = peerAuthentication('strict', 'apps', MtlsMode.STRICT);
    const { report } = reviewPair((s, side) => mesh(s, { meshResources: side === 'base' ? [strictApps] : [] }));
    expect(risksOf(report, 'mtls-relaxed')).toEqual([expect.objectContaining({ level: 'medium', subject: 'PeerAuthentication apps/strict' })]);
  });
  test('not produced: PERMISSIVE → STRICT (tightened)', () => {
    const { report } = reviewPair((s, side) => mesh(s, { mtlsMode: side === 'base' ? MtlsMode.PERMISSIVE : MtlsMode.STRICT }));
    expect(report.stacks[0].diff.objects).toHaveLength(1);
    expect(risksOf(report, 'mtls-relaxed')).toEqual([]);
  });
});

describe('MR004 CRDs changing', () => {
  test('produced: the base chart version changes (medium)', () => {
    const { report } = reviewPair((s, side) => {
      const m = mesh(s, { istioVersion: IstioVersion.V1_22_7 });
      if (side === 'head') setVersions(m, { base: '1.22.8' });
    });
    expect(risksOf(report, 'crds-changing')).toEqual([expect.objectContaining({ level: 'medium', subject: expect.stringContaining('Base') })]);
  });
  test('not produced: only istiod changes', () => {
    const { report } = reviewPair((s, side) => {
      const m = mesh(s, { istioVersion: IstioVersion.V1_22_7 });
      if (side === 'head') setVersions(m, { istiod: '1.22.8' });
    });
    expect(report.stacks).toHaveLength(1);
    expect(risksOf(report, 'crds-changing')).toEqual([]);
  });
});

/**
 * A revision-tag webhook as `istioctl tag set` / istiod's revision-tags template render it
 * (../shared/facts/istio-1.22.md: labels istio.io/tag and istio.io/rev, service istiod-<rev>),
 * shipped in a generated chart of its own (IstioResourceChart's `kubernetesObjects`).
 */
function tagWebhook(tag: string, revision: string, revLabel = true): KubernetesObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration',
    metadata: { name: `istio-revision-tag-${tag}`, labels: { 'istio.io/tag': tag, ...(revLabel ? { 'istio.io/rev': revision } : {}) } },
    webhooks: [{ name: 'rev.namespace.sidecar-injector.istio.io', clientConfig: { service: { name: `istiod-${revision}`, namespace: 'istio-system' } } }],
  } as KubernetesObject;
}

/** The mesh plus a chart holding the given tag webhooks. */
function meshWithTags(s: TerraformStack, ...webhooks: KubernetesObject[]): IstioAmbientCluster {
  const m = mesh(s);
  new IstioResourceChart(s, 'Tags', { releaseName: 'istio-tags', resources: [], kubernetesObjects: webhooks, dependsOn: [m.istiod] });
  return m;
}

describe('MR005 a tag moved to a revision not installed in base or head', () => {
  test('produced (medium): tag prod moves to a canary revision installed in the same change', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s, { istiodValues: { revision: '1-22-7', revisionTags: side === 'base' ? ['prod'] : [] } });
      if (side === 'head') canaryIstiod(s, '1-22-8', '1.22.8', ['prod']);
    });
    expect(report.stacks[0].diff.tags).toEqual([{ tag: 'prod', from: '1-22-7', to: '1-22-8' }]);
    expect(risksOf(report, 'tag-to-uninstalled-revision')).toEqual([expect.objectContaining({ level: 'medium', subject: 'tag prod' })]);
  });
  test('a tag webhook without the istio.io/rev label is read from its service istiod-<rev>', () => {
    const { report } = reviewPair((s, side) => meshWithTags(s, tagWebhook('prod', side === 'base' ? 'a' : 'b', false)));
    expect(report.stacks[0].diff.tags).toEqual([{ tag: 'prod', from: 'a', to: 'b' }]);
  });
  test('produced (high): a tag webhook points at a revision no istiod installs', () => {
    const { report } = reviewPair((s, side) => meshWithTags(s, tagWebhook('prod', side === 'base' ? 'default' : '1-23-0')));
    expect(report.stacks[0].diff.tags).toEqual([{ tag: 'prod', from: 'default', to: '1-23-0' }]);
    expect(risksOf(report, 'tag-to-uninstalled-revision')).toEqual([expect.objectContaining({ level: 'high' })]);
  });
  test('produced (medium): a new tag for a new revision, where namespaces already used the tag name', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s, { istiodValues: { revision: '1-22-7' } });
      new Namespace(s, 'Apps', { metadata: { name: 'apps', labels: { 'istio.io/rev': 'prod' } } });
      if (side === 'head') canaryIstiod(s, '1-22-8', '1.22.8', ['prod']);
    });
    expect(report.stacks[0].diff.tags).toEqual([{ tag: 'prod', to: '1-22-8' }]);
    expect(risksOf(report, 'tag-to-uninstalled-revision')).toEqual([expect.objectContaining({ level: 'medium' })]);
  });
  test('produced (medium): a new tag for a new revision that namespaces start using in the same change', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s, { istiodValues: { revision: '1-22-7' } });
      if (side === 'head') {
        canaryIstiod(s, '1-22-8', '1.22.8', ['prod']);
        new Namespace(s, 'Apps', { metadata: { name: 'apps', labels: { 'istio.io/rev': 'prod' } } });
      }
    });
    expect(risksOf(report, 'tag-to-uninstalled-revision')).toEqual([expect.objectContaining({ level: 'medium', subject: 'tag prod' })]);
  });
  test('not produced: a new canary tag nobody uses yet, installed with its canary', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s, { istiodValues: { revision: '1-22-7' } });
      if (side === 'head') canaryIstiod(s, '1-22-8', '1.22.8', ['prod-canary']);
    });
    expect(report.stacks[0].diff.tags).toEqual([{ tag: 'prod-canary', to: '1-22-8' }]);
    expect(risksOf(report, 'tag-to-uninstalled-revision')).toEqual([]);
  });
  test('not produced: a first install that creates the tag with its istiod and the namespaces using it', () => {
    const { report } = reviewPair((s, side) => {
      if (side === 'base') return;
      mesh(s, { istiodValues: { revision: '1-22-8', revisionTags: ['prod'] } });
      new Namespace(s, 'Apps', { metadata: { name: 'apps', labels: { 'istio.io/rev': 'prod' } } });
    });
    expect(report.stacks[0].diff.tags).toEqual([{ tag: 'prod', to: '1-22-8' }]);
    expect(risksOf(report, 'tag-to-uninstalled-revision')).toEqual([]);
  });
  test('not produced: the tag moves to a canary installed before this change', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s, { istiodValues: { revision: '1-22-7', revisionTags: side === 'base' ? ['prod'] : [] } });
      canaryIstiod(s, '1-22-8', '1.22.8', side === 'head' ? ['prod'] : undefined);
    });
    expect(report.stacks[0].diff.tags).toEqual([{ tag: 'prod', from: '1-22-7', to: '1-22-8' }]);
    expect(risksOf(report, 'tag-to-uninstalled-revision')).toEqual([]);
  });
});

describe('MR006 an old revision removed while referenced', () => {
  const labelled = (s: Parameters<Parameters<typeof reviewPair>[0]>[0], rev: string) =>
    new Namespace(s, 'Apps', { metadata: { name: 'apps', labels: { 'istio.io/rev': rev } } });
  test('produced: revision 1-22-8 removed while namespace apps is labelled istio.io/rev=1-22-8 (high)', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s);
      if (side === 'base') canaryIstiod(s, '1-22-8', '1.22.8');
      labelled(s, '1-22-8');
    });
    expect(risksOf(report, 'revision-removed-while-referenced')).toEqual([
      expect.objectContaining({ level: 'high', subject: 'revision 1-22-8', why: expect.stringContaining('namespace apps') }),
    ]);
  });
  test('produced: referenced through a tag that still points at it', () => {
    const { report } = reviewPair((s, side) => {
      meshWithTags(s, tagWebhook('prod', '1-22-8'));
      if (side === 'base') canaryIstiod(s, '1-22-8', '1.22.8');
      labelled(s, 'prod');
    });
    const found = risksOf(report, 'revision-removed-while-referenced');
    expect(found).toHaveLength(1);
    expect(found[0].why).toMatch(/namespace apps .*tag prod/);
  });
  test('not produced: the namespace moved to the default revision in the same change', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s);
      if (side === 'base') canaryIstiod(s, '1-22-8', '1.22.8');
      labelled(s, side === 'base' ? '1-22-8' : 'default');
    });
    expect(report.stacks).toHaveLength(1);
    expect(risksOf(report, 'revision-removed-while-referenced')).toEqual([]);
    expect(risksOf(report, 'resource-replaced')).toEqual([]); // removing an unused revision is the last canary step
  });
});

describe('MR007 ztunnel pointed at a revision that is not the promoted one', () => {
  test('produced: ztunnel → canary 1-22-8 while the default revision is still promoted (medium)', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s, { ztunnelValues: side === 'head' ? { revision: '1-22-8' } : undefined });
      canaryIstiod(s, '1-22-8', '1.22.8');
    });
    expect(risksOf(report, 'ztunnel-not-on-promoted-revision')).toEqual([expect.objectContaining({ level: 'medium' })]);
  });
  test('produced (high): ztunnel → a revision that is not installed', () => {
    const { report } = reviewPair((s, side) => mesh(s, { ztunnelValues: side === 'head' ? { revision: '1-23-0' } : undefined }));
    expect(risksOf(report, 'ztunnel-not-on-promoted-revision')).toEqual([expect.objectContaining({ level: 'high' })]);
  });
  test('not produced: ztunnel follows the canary the default tag is promoted to', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s, { ztunnelValues: side === 'head' ? { revision: '1-22-8' } : undefined });
      canaryIstiod(s, '1-22-8', '1.22.8', side === 'head' ? ['default'] : undefined);
    });
    expect(report.stacks).toHaveLength(1);
    expect(risksOf(report, 'ztunnel-not-on-promoted-revision')).toEqual([]);
  });
  test('not produced: ztunnel follows a canary promoted through base defaultRevision', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s, side === 'head' ? { ztunnelValues: { revision: '1-22-8' }, baseValues: { defaultRevision: '1-22-8' } } : {});
      canaryIstiod(s, '1-22-8', '1.22.8');
    });
    expect(report.stacks).toHaveLength(1);
    expect(risksOf(report, 'ztunnel-not-on-promoted-revision')).toEqual([]);
  });
  test('not produced: a promotion that leaves ztunnel on the old revision until the data plane moves (Istio\'s order)', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s, side === 'head' ? { baseValues: { defaultRevision: '1-22-8' } } : {});
      canaryIstiod(s, '1-22-8', '1.22.8');
    });
    expect(report.stacks).toHaveLength(1);
    expect(risksOf(report, 'ztunnel-not-on-promoted-revision')).toEqual([]);
  });
  test('not produced: a mismatch already in base is not reported again by an unrelated change', () => {
    const { report } = reviewPair((s, side) => {
      mesh(s, { ztunnelValues: { revision: '1-22-8' }, helmTimeoutSeconds: side === 'base' ? 600 : 900 });
      canaryIstiod(s, '1-22-8', '1.22.8');
    });
    expect(report.stacks).toHaveLength(1);
    expect(risksOf(report, 'ztunnel-not-on-promoted-revision')).toEqual([]);
  });
});

describe('MR008 a synth error or a new warning', () => {
  test('produced (low): a new warning without a precheck id', () => {
    const lookup = (kubernetesVersion: string) => MeshCluster.lookup({ clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion });
    const { report } = reviewPair((s, side) => mesh(s, side === 'base'
      ? { cluster: lookup('1.30') } : { cluster: lookup('1.32'), allowUnsupportedKubernetesVersion: true }));
    const found = risksOf(report, 'precheck-finding');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((r) => r.level === 'low')).toBe(true);
    expect(found.map((r) => r.why).join('\n')).toMatch(/outside the supported range/);
  });
  test('produced (medium): a new warning carrying a precheck id (CIM-xxxx, as the prechecks emit)', () => {
    const { report } = reviewPair((s, side) => {
      const m = mesh(s);
      if (side === 'head') Annotations.of(m).addWarning('CIM-0042 example precheck: a policy denies all traffic');
    });
    expect(risksOf(report, 'precheck-finding')).toEqual([expect.objectContaining({ level: 'medium', subject: 'CIM-0042 mesh/Mesh' })]);
  });
  test('produced (high): a synth error (synthesized with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS, as the CI example does)', () => {
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
    try {
      const { report } = reviewPair((s, side) => {
        const m = mesh(s);
        if (side === 'head') Annotations.of(m).addError('CIM-0007 example precheck error');
      });
      expect(risksOf(report, 'precheck-finding')).toEqual([expect.objectContaining({ level: 'high' })]);
      // cdktf wrote no chart assets for head: its objects are not compared (not reported as removed).
      expect(report.risks.map((r) => r.rule.id)).toEqual(['MR008']);
      expect(report.stacks[0].diff.notes).toEqual([expect.stringMatching(/^The generated chart of helm_release\.Mesh_MeshConfig_Release_\w+ is not in the head synth output/)]);
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
  });
  test('not produced: the same warnings on both sides (Istio 1.22 end of life), and a warning that went away', () => {
    const same = reviewPair((s) => mesh(s)).report;
    const fixed = reviewPair((s, side) => {
      const m = mesh(s);
      if (side === 'base') Annotations.of(m).addWarning('CIM-0042 example precheck: a policy denies all traffic');
    }).report;
    expect(same.risks).toEqual([]);
    expect(fixed.stacks).toHaveLength(1);
    expect(risksOf(fixed, 'precheck-finding')).toEqual([]);
  });
});
