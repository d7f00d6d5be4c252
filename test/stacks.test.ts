import * as fs from 'fs';
import { TerraformStack, Testing } from 'cdktf';
import { buildApp } from '../stacks/main';
import { annotationsOf, release, resourcesOf, synthJson, testApp, warningsIn } from './util';
import { AmbientNewClusterStack } from '../stacks/ambient-new-cluster-stack';
import { AmbientExistingClusterStack } from '../stacks/ambient-existing-cluster-stack';
import { readyStackConfig } from '../stacks/config';
import { pulledChartsDir } from './istio/checks/pulled-charts';

function stacks(context: Record<string, unknown> = {}) {
  const app = buildApp(testApp(context));
  const byId = (id: string) => app.node.findChild(id);
  return {
    newCluster: byId('istio-ambient-new-cluster') as AmbientNewClusterStack,
    existing: byId('istio-ambient-existing-cluster') as AmbientExistingClusterStack,
  };
}

describe('ready stacks', () => {
  test('synthesize with no input: a new cluster and an existing one, each with Istio 1.22.8 and STRICT mTLS', () => {
    const { newCluster, existing } = stacks();
    const n = synthJson(newCluster);
    const e = synthJson(existing);
    expect(resourcesOf(n, 'aws_eks_cluster')).toHaveLength(1);
    expect(resourcesOf(e, 'aws_eks_cluster')).toHaveLength(0);
    for (const j of [n, e]) {
      expect(release(j, 'istiod').version).toBe('1.22.8');
      expect(Object.keys(j.provider!).sort()).toEqual(['aws', 'helm', 'kubernetes']);
      expect(Object.keys(j.variable!).sort()).toEqual(['cluster_name', 'region']);
      for (const v of Object.values(j.variable!)) expect(v.validation).toHaveLength(1);
    }
    expect(newCluster.mesh.meshConfig.resources[0].spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(release(e, 'istio-base').lifecycle).toEqual({ precondition: [expect.objectContaining({ condition: expect.stringContaining('data.aws_eks_cluster') })] });
  });

  test('the Istio version is a synth-time choice (context), validated', () => {
    expect(release(synthJson(stacks({ istioVersion: '1.22.5' }).newCluster), 'ztunnel').version).toBe('1.22.5');
    expect(() => stacks({ istioVersion: '1.22.08' })).toThrow(/^'ISTIO_VERSION' must be a supported Istio release, got '1\.22\.08'/);
  });

  test('ISTIO_VERSION=1.30.3: a supported pair (Istio 1.30 on the newest Kubernetes EKS creates and 1.30 supports), no opt-in, no warning', () => {
    const { newCluster, existing } = stacks({ istioVersion: '1.30.3' });
    expect(newCluster.mesh.kubernetesVersion).toBe('1.35'); // 1.30 supports 1.32–1.36; EKS creates up to 1.35 on 2026-11-24
    for (const s of [newCluster, existing]) {
      expect(s.mesh.warnings).toEqual([]);
      expect(warningsIn(s)).toEqual([]);
      expect(release(synthJson(s), 'istiod').version).toBe('1.30.3');
    }
    expect(readyStackConfig(testApp({ istioVersion: '1.30.3' })).allowUnsupportedKubernetesVersion).toBe(false);
    // The default release keeps its opt-in and warnings: no EKS version is in 1.22's range.
    expect(warningsIn(stacks().newCluster)).toEqual(expect.arrayContaining([expect.stringMatching(/outside the supported range/)]));
  });

  test('the Kubernetes version default for the new cluster is 1.32, and it can be changed', () => {
    expect(stacks().newCluster.mesh.kubernetesVersion).toBe('1.32');
    expect(stacks({ kubernetesVersion: '1.31' }).newCluster.mesh.kubernetesVersion).toBe('1.31');
    expect(() => stacks({ kubernetesVersion: '1.32', allowUnsupportedKubernetesVersion: 'false' })).toThrow(/outside the Istio release's supported Kubernetes range/);
  });

  const pulled = pulledChartsDir('1.30', '1.30.3', ['base', 'cni', 'istiod', 'ztunnel']);
  (pulled ? test : test.skip)('ISTIO_CHARTS_DIR turns on the chart-values precheck: every ready stack\'s releases read only real chart keys', () => {
    const before = process.env.ISTIO_CHARTS_DIR;
    process.env.ISTIO_CHARTS_DIR = pulled;
    try {
      const app = buildApp(testApp({ istioVersion: '1.30.3' }));
      expect(readyStackConfig(app).chartsDir).toBe(pulled);
      for (const id of ['istio-ambient-new-cluster', 'istio-ambient-existing-cluster', 'mesh-benchmark']) {
        const stack = app.node.findChild(id) as TerraformStack;
        expect(annotationsOf(stack, 'error')).toEqual([]);
        expect(annotationsOf(stack, 'warning').filter((w) => /CIM-600[34]/.test(w))).toEqual([]);
      }
      // and it does run: a chart missing from the directory is reported
      fs.rmSync(`${pulled}/ztunnel-1.30.3.tgz`);
      const again = buildApp(testApp({ istioVersion: '1.30.3' }));
      expect(annotationsOf(again.node.findChild('istio-ambient-existing-cluster') as TerraformStack, 'warning').filter((w) => w.includes('CIM-'))).toEqual([expect.stringContaining("[CIM-6004] chart not available for the values check: the values of helm_release 'ztunnel' (ztunnel 1.30.3) are not checked")]);
    } finally {
      if (before === undefined) delete process.env.ISTIO_CHARTS_DIR;
      else process.env.ISTIO_CHARTS_DIR = before;
    }
  });

  test('the whole app synthesizes to disk with the generated chart as an asset', () => {
    const { newCluster } = stacks();
    expect(() => Testing.fullSynth(newCluster)).not.toThrow();
  });
});

describe('mesh-benchmark ready stack', () => {
  test('the harness synthesizes beside IstioAmbientCluster, with dedicated single-AZ benchmark nodes', () => {
    const app = buildApp(testApp());
    const stack = app.node.findChild('mesh-benchmark') as import('../stacks/mesh-benchmark-stack').MeshBenchmarkStack;
    const json = synthJson(stack);
    expect(release(json, 'istiod').version).toBe('1.22.8');
    expect(resourcesOf(json, 'kubernetes_config_map_v1')).toHaveLength(3);
    const groups = resourcesOf(json, 'aws_eks_node_group').map(([, g]) => g);
    const bench = groups.filter((g) => (g.labels as Record<string, string> | undefined)?.['mesh-bench/role']);
    expect(bench.map((g) => (g.labels as Record<string, string>)['mesh-bench/role']).sort()).toEqual(['client', 'server']);
    for (const g of bench) {
      expect(g.taint).toEqual([{ key: 'mesh-bench', value: 'true', effect: 'NO_SCHEDULE' }]);
      expect(g.subnet_ids).toEqual(bench[0].subnet_ids);
      expect(g.subnet_ids as string[]).toHaveLength(1);
    }
  });

  test('context benchmarkWaypoint=true adds the ambient-waypoint mode with its Waypoint', () => {
    const app = buildApp(testApp({ benchmarkWaypoint: 'true' }));
    const stack = app.node.findChild('mesh-benchmark') as import('../stacks/mesh-benchmark-stack').MeshBenchmarkStack;
    expect(stack.harness.modes).toEqual(['baseline', 'sidecar', 'ambient', 'ambient-waypoint']);
    expect(release(synthJson(stack), 'policy-waypoint-mesh-bench-ambient-waypoint-waypoint').namespace).toBe('istio-system');
  });
});
