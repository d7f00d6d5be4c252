import { PlatformStack } from '../examples/existing-cluster-own-providers';
import { MeshStack } from '../examples/new-cluster-one-construct';
import { release, resourcesOf, synthJson, testApp } from './util';

describe('examples synthesize', () => {
  test('existing cluster, your own aliased providers', () => {
    const stack = new PlatformStack(testApp(), 'platform');
    const json = synthJson(stack);
    for (const [, r] of resourcesOf(json, 'helm_release')) expect(r.provider).toBe('helm.platform');
    expect(resourcesOf(json, 'kubernetes_labels').map(([, l]) => (l.metadata as { name: string }).name).sort()).toEqual(['checkout', 'payments']);
    expect(stack.mesh.meshConfig.resources[0].spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    expect(json.data!.aws_eks_cluster).toBeDefined();
    expect(JSON.stringify(json.provider!.kubernetes)).toContain('platform-deployer');
  });

  test('new cluster from one construct, providers created by the stack', () => {
    const stack = new MeshStack(testApp(), 'mesh');
    const json = synthJson(stack);
    expect(resourcesOf(json, 'aws_eks_cluster')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_subnet')).toHaveLength(6);
    expect(release(json, 'istiod').version).toBe('1.22.8');
    expect(JSON.stringify(json.provider!.helm)).toContain('get-token');
  });
});
