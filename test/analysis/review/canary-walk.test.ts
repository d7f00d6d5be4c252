/**
 * mesh-review on a real canary upgrade (IstioCanaryRevision, issue 9): the documented walk, one phase
 * per pull request, raises nothing but the CRD change of its first step; skipping phases is flagged.
 */
import { IstioVersion } from '../../../lib/catalog/istio-versions';
import { CanaryPhase, CanaryStage } from '../../../lib/istio/canary-phase';
import { IstioCanaryRevision } from '../../../lib/istio/istio-canary-revision';
import { mesh, reviewPair } from './review-fixture';

/** One pull request's state: the canary phase and the data plane version. */
interface Step { readonly phase?: CanaryPhase; readonly dataPlane?: string }

const WALK: readonly Step[] = [
  {},
  { phase: CanaryPhase.INSTALLED },
  { phase: CanaryPhase.tagsMoving(1) },
  { phase: CanaryPhase.PROMOTED },
  { phase: CanaryPhase.PROMOTED, dataPlane: '1.22.8' },
  { phase: CanaryPhase.OLD_REMOVED, dataPlane: '1.22.8' },
];

function review(from: Step, to: Step) {
  return reviewPair((s, side) => {
    const step = side === 'base' ? from : to;
    const m = mesh(s, { istioVersion: IstioVersion.of('1.22.5'), ambientNamespaces: ['shop', 'web'] });
    if (!step.phase) return;
    new IstioCanaryRevision(s, 'Upgrade', {
      mesh: m, canaryVersion: IstioVersion.of('1.22.8'), phase: step.phase, stages: [CanaryStage.namespaces('shop')],
      dataPlaneVersion: step.dataPlane ? IstioVersion.of(step.dataPlane) : undefined,
    });
  }).report;
}

const findings = (from: Step, to: Step) => review(from, to).risks.map((r) => `${r.rule.id} ${r.level}`);

describe('a canary upgrade, one phase per change', () => {
  test('installing the canary: only the CRD change (base re-pinned to the canary version)', () => {
    const report = review(WALK[0], WALK[1]);
    expect(report.risks.map((r) => `${r.rule.id} ${r.level}`)).toEqual(['MR004 medium']);
    expect(report.stacks[0].diff.tags.map((t) => t.tag).sort()).toEqual(['prod-canary', 'prod-stable']);
  });
  test.each([[1, 2, 'stage 1'], [2, 3, 'promotion'], [3, 4, 'data plane to the canary'], [4, 5, 'old revision removed']])(
    'step %i → %i (%s): no findings', (a, b) => {
      expect(review(WALK[a], WALK[b]).stacks).toHaveLength(1);
      expect(findings(WALK[a], WALK[b])).toEqual([]);
    });
  test('rollback promoted → installed: no findings (tags move back to an installed revision)', () => {
    expect(findings(WALK[3], WALK[1])).toEqual([]);
  });
});

describe('skipping phases', () => {
  test('straight to promoted: tags re-point namespaces to a revision installed in the same change', () => {
    expect(findings(WALK[0], WALK[3])).toEqual(['MR004 medium', 'MR005 medium', 'MR005 medium']);
  });
  test('promoted with the data plane in one change: control and data plane together', () => {
    expect(findings(WALK[0], WALK[4])).toEqual(['MR001 high', 'MR004 medium', 'MR005 medium', 'MR005 medium']);
  });
});
