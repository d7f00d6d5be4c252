/**
 * Example: a canary control-plane upgrade as a pipeline drives it. The mesh was installed by
 * IstioAmbientCluster at 1.22.8 (unrevisioned istiod); this stack canaries 1.23.6. The pipeline
 * passes ONE context value per run, in this order, with a reviewed plan and a watch period between:
 *
 *   cdktf deploy -c canaryStep=installed     # base (CRDs) → canary istiod-1-23-6 + tags; nothing moves
 *   cdktf deploy -c canaryStep=stage-1       # namespace 'shop' → prod-canary (its waypoints move)
 *   cdktf deploy -c canaryStep=stage-2       # the rest (100 %)
 *   cdktf deploy -c canaryStep=promoted      # prod-stable tag + defaultRevision → 1-23-6
 *   cdktf deploy -c canaryStep=data-plane    # istio-cni, then ztunnel → 1.23.6, ztunnel on 1-23-6 (node by node)
 *   cdktf deploy -c canaryStep=old-removed   # the unrevisioned istiod is uninstalled
 *
 * Rollback before `old-removed`: deploy an earlier step (e.g. `stage-1`, then `installed`). After
 * `data-plane`, first deploy `promoted` again (moves cni/ztunnel back), then earlier steps.
 * Synthesized for every step in test/examples.test.ts.
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import {
  CanaryPhase, CanaryStage, ExistingEksCluster, IstioAmbientCluster, IstioCanaryRevision, IstioVersion, MeshCluster,
  eksHelmProviderConfig, eksKubernetesProviderConfig,
} from '../../lib';

/** The pipeline's steps, in order: the context value and what it sets. */
export const CANARY_STEPS: Readonly<Record<string, { phase: string; dataPlaneOnCanary: boolean }>> = {
  'installed': { phase: 'installed', dataPlaneOnCanary: false },
  'stage-1': { phase: 'stage-1', dataPlaneOnCanary: false },
  'stage-2': { phase: 'stage-2', dataPlaneOnCanary: false },
  'promoted': { phase: 'promoted', dataPlaneOnCanary: false },
  'data-plane': { phase: 'promoted', dataPlaneOnCanary: true },
  'old-removed': { phase: 'old-removed', dataPlaneOnCanary: true },
};

export class CanaryUpgradeStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;
  public readonly upgrade: IstioCanaryRevision;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const step = String(this.node.tryGetContext('canaryStep') ?? 'installed');
    const known = CANARY_STEPS[step];
    if (!known) throw new Error(`context 'canaryStep' must be one of ${Object.keys(CANARY_STEPS).join(', ')}, got '${step}'`);

    new AwsProvider(this, 'aws', { region: 'eu-central-1' });
    const cluster = new ExistingEksCluster(this, 'Platform', { clusterName: 'platform-prod', region: 'eu-central-1' });
    new HelmProvider(this, 'helm', eksHelmProviderConfig(cluster));
    new KubernetesProvider(this, 'kubernetes', eksKubernetesProviderConfig(cluster));

    // Unchanged from the original install: the canary takes over the versions of base, cni, ztunnel.
    this.mesh = new IstioAmbientCluster(this, 'Mesh', {
      cluster: MeshCluster.fromCluster(cluster),
      istioVersion: IstioVersion.V1_22_8,
      allowUnsupportedKubernetesVersion: true,
      ambientNamespaces: ['shop'],
      enrollExistingNamespaces: ['checkout', 'payments'],
    });

    const canaryVersion = IstioVersion.of('1.23.6');
    this.upgrade = new IstioCanaryRevision(this, 'Upgrade', {
      mesh: this.mesh,
      canaryVersion,
      phase: CanaryPhase.of(known.phase, 'canaryStep'),
      stages: [CanaryStage.namespaces('shop'), CanaryStage.percent(100)],
      dataPlaneVersion: known.dataPlaneOnCanary ? canaryVersion : undefined,
    });
  }
}

if (require.main === module) {
  const app = new App();
  new CanaryUpgradeStack(app, 'canary');
  app.synth();
}
