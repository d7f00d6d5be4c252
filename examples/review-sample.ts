/**
 * Example pull request for `mesh-review`: the base branch runs Istio 1.22.7 with STRICT mTLS; the
 * head branch bumps every chart to 1.22.8 in one change, relaxes mTLS to PERMISSIVE and sets an
 * istiod env value. `scripts/review-sample.js` synthesizes both, runs the review and writes the
 * Markdown into the README; test/examples.test.ts checks the README still matches.
 */
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { IstioAmbientCluster, IstioVersion, MeshCluster, MtlsMode, SUPPORT_DATE_CONTEXT } from '../lib';

/** Which branch of the example pull request. */
export type ReviewSampleSide = 'base' | 'head';

export class ReviewSampleStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;

  constructor(scope: Construct, id: string, side: ReviewSampleSide) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    new HelmProvider(this, 'helm', {});
    new KubernetesProvider(this, 'kubernetes', {});
    this.mesh = new IstioAmbientCluster(this, 'Mesh', {
      cluster: MeshCluster.lookup({ clusterName: 'platform', region: 'eu-west-1' }),
      istioVersion: side === 'base' ? IstioVersion.V1_22_7 : IstioVersion.V1_22_8,
      mtlsMode: side === 'base' ? MtlsMode.STRICT : MtlsMode.PERMISSIVE,
      enrollExistingNamespaces: ['checkout'],
      istiodValues: side === 'base' ? undefined : { pilot: { env: { PILOT_ENABLE_STATUS: 'true' } } },
    });
  }
}

/** Synthesizes both branches into `<dir>/base` and `<dir>/head` (cdktf.out layout) and returns the two paths. */
export function synthReviewSample(dir: string): { base: string; head: string } {
  const out = { base: path.join(dir, 'base'), head: path.join(dir, 'head') };
  for (const side of ['base', 'head'] as const) {
    // The support date is pinned so the sample does not change with the calendar.
    const app = new App({ outdir: out[side], context: { [SUPPORT_DATE_CONTEXT]: '2026-11-24' } });
    new ReviewSampleStack(app, 'platform-mesh', side);
    app.synth();
  }
  return out;
}
