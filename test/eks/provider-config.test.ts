import { Testing, TerraformStack } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ExistingEksCluster } from '../../lib/eks/existing-eks-cluster';
import { eksHelmProviderConfig, eksKubernetesProviderConfig } from '../../lib/eks/provider-config';
import { testApp } from '../util';

function providers(options = {}) {
  const stack = new TerraformStack(testApp(), 'p');
  const cluster = new ExistingEksCluster(stack, 'C', { clusterName: 'mesh', region: 'eu-west-1' });
  new HelmProvider(stack, 'helm', eksHelmProviderConfig(cluster, options));
  new KubernetesProvider(stack, 'kubernetes', eksKubernetesProviderConfig(cluster, options));
  return JSON.parse(Testing.synth(stack)).provider as { helm: Record<string, any>[]; kubernetes: Record<string, any>[] };
}

describe('EKS provider configuration', () => {
  test('by default both providers use the exec plugin: aws eks get-token for the cluster and region (no 15-minute token)', () => {
    const p = providers();
    const args = ['eks', 'get-token', '--cluster-name', 'mesh', '--region', 'eu-west-1', '--output', 'json'];
    expect(p.helm[0].kubernetes).toEqual({
      host: expect.stringMatching(/data\.aws_eks_cluster\..*\.endpoint/),
      cluster_ca_certificate: expect.stringMatching(/^\$\{base64decode\(data\.aws_eks_cluster\..*\.certificate_authority\[0\]\.data\)\}$/),
      exec: { api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args },
    });
    expect(p.kubernetes[0].exec).toEqual([{ api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args }]);
    expect(p.kubernetes[0].token).toBeUndefined();
  });

  test('roleArn, profile and command reach the exec plugin', () => {
    const p = providers({ roleArn: 'arn:aws:iam::1:role/deploy', profile: 'ops', command: '/usr/local/bin/aws', alias: 'east' });
    expect(p.kubernetes[0].exec[0]).toEqual(expect.objectContaining({
      command: '/usr/local/bin/aws', args: expect.arrayContaining(['--role-arn', 'arn:aws:iam::1:role/deploy', '--profile', 'ops']),
    }));
    expect(p.helm[0].alias).toBe('east');
    expect(p.kubernetes[0].alias).toBe('east');
  });

  test('a static token replaces exec only when asked for', () => {
    const p = providers({ token: 'abc' });
    expect(p.kubernetes[0].token).toBe('abc');
    expect(p.kubernetes[0].exec).toBeUndefined();
    expect(p.helm[0].kubernetes.token).toBe('abc');
    expect(p.helm[0].kubernetes.exec).toBeUndefined();
  });
});
