/**
 * Pairs of real synth outputs for the review tests: the same builder runs twice (base, head) into
 * two `cdktf.out` directories on disk, which the real reader then reads. Nothing here writes
 * Terraform JSON by hand.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { stringify } from 'yaml';
import { ISTIO_CHART_REPOSITORY } from '../../../lib/catalog/istio-versions';
import { SUPPORT_DATE_CONTEXT } from '../../../lib/catalog/compatibility';
import { IstioAmbientCluster, IstioAmbientClusterProps } from '../../../lib/istio/istio-ambient-cluster';
import { ReviewReport, reviewOutputs } from '../../../lib/analysis/review/report';
import { Risk } from '../../../lib/analysis/review/risks';
import { readSynthOutput } from '../../../lib/cli/synth-output-reader';
import { TEST_DAY, existingCluster } from '../../util';

export type Side = 'base' | 'head';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

/** Synthesizes one app (one stack `mesh`, default AWS, Helm and Kubernetes providers) into a fresh directory. */
export function synthTo(build: (stack: TerraformStack) => void, stackId = 'mesh'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-review-'));
  roots.push(root);
  const outdir = path.join(root, 'cdktf.out');
  const app = new App({ outdir, context: { [SUPPORT_DATE_CONTEXT]: TEST_DAY } });
  const stack = new TerraformStack(app, stackId);
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new HelmProvider(stack, 'helm', {});
  new KubernetesProvider(stack, 'kubernetes', {});
  build(stack);
  app.synth();
  return outdir;
}

/** Base and head outputs of one builder, and the review of the pair. */
export function reviewPair(build: (stack: TerraformStack, side: Side) => void): { base: string; head: string; report: ReviewReport } {
  const base = synthTo((s) => build(s, 'base'));
  const head = synthTo((s) => build(s, 'head'));
  return { base, head, report: reviewOutputs(readSynthOutput(base), readSynthOutput(head)) };
}

/** The library's mesh on an existing cluster (looked up by name), with extra props. */
export function mesh(stack: TerraformStack, props: Partial<IstioAmbientClusterProps> = {}): IstioAmbientCluster {
  return new IstioAmbientCluster(stack, 'Mesh', { cluster: existingCluster('mesh'), ...props });
}

/**
 * A second istiod release (a canary revision) beside the mesh, as Istio's canary docs install it:
 * the official istiod chart with `revision` (and optional `revisionTags`). A plain Release so each
 * rule's scenario can put a revision or tag exactly where the rule looks, including states
 * IstioCanaryRevision refuses to build (canary-walk.test.ts reviews the construct itself).
 */
export function canaryIstiod(stack: TerraformStack, revision: string, version: string, revisionTags?: string[], id = `Istiod-${revision}`): Release {
  return new Release(stack, id, {
    name: `istiod-${revision}`, repository: ISTIO_CHART_REPOSITORY, chart: 'istiod', version, namespace: 'istio-system',
    values: [stringify({ profile: 'ambient', revision, ...(revisionTags ? { revisionTags } : {}) })],
  });
}

/** Sets the chart version of every Istio release of the mesh (an escape-hatch upgrade). */
export function setVersions(m: IstioAmbientCluster, versions: Partial<Record<'base' | 'cni' | 'istiod' | 'ztunnel', string>>): void {
  for (const [chart, v] of Object.entries(versions)) m[chart as 'base'].addOverride('version', v);
}

/** Findings of one rule, by name. */
export function risksOf(report: ReviewReport, rule: string): Risk[] {
  return report.risks.filter((r) => r.rule.name === rule);
}
