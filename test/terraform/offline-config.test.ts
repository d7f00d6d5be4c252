import { offlineValidationConfig } from './offline-config';

/** A hand-written stack in cdktf's JSON shape (known input, not our synth output). */
function stack(): Record<string, any> {
  return {
    terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' }, helm: { source: 'helm', version: '3.1.1' }, kubernetes: { source: 'kubernetes', version: '2.38.0' } } },
    provider: {
      aws: [{ region: 'eu-west-1' }],
      helm: [{ alias: 'platform', kubernetes: { host: '${aws_eks_cluster.c.endpoint}' } }],
    },
    data: { kubernetes_namespace: { ns: { metadata: { name: 'x' } } } },
    resource: {
      aws_eks_cluster: { c: { name: 'c', depends_on: ['helm_release.base'] } },
      helm_release: {
        base: { provider: 'helm.platform', name: 'istio-base', namespace: '${data.kubernetes_namespace.ns.metadata[0].name}' },
        istiod: {
          provider: 'helm.platform', name: 'istiod', depends_on: ['helm_release.base'], count: 1,
          lifecycle: { ignore_changes: ['values'], postcondition: [{ condition: '${self.status == "deployed"}', error_message: 'x' }] },
          set: [{ name: 'a', value: '${helm_release.base.version}' }],
        },
      },
      kubernetes_labels: { l: { labels: { 'helm_release.base': 'literal key' } } },
    },
    output: { v: { value: '${helm_release.istiod[0].metadata} ${helm_release.base}' } },
  };
}

describe('offline validation config', () => {
  const { config, moved } = offlineValidationConfig(stack(), { awsVersion: '5.100.0' });
  const td = config.resource as Record<string, Record<string, any>>;

  test('helm/kubernetes resources, data sources and providers become terraform_data holding their whole body', () => {
    expect(Object.keys(td).sort()).toEqual(['aws_eks_cluster', 'terraform_data']);
    expect(Object.keys(td.terraform_data).sort()).toEqual([
      'data__kubernetes_namespace__ns', 'helm_release__base', 'helm_release__istiod', 'kubernetes_labels__l', 'provider__helm__platform',
    ]);
    expect(td.terraform_data.helm_release__base).toEqual({ input: { name: 'istio-base', namespace: '${terraform_data.data__kubernetes_namespace__ns.output.metadata[0].name}' } });
    expect(td.terraform_data.provider__helm__platform).toEqual({ input: { kubernetes: { host: '${aws_eks_cluster.c.endpoint}' } } });
    expect(config.data).toBeUndefined();
    expect(Object.keys(config.provider as object)).toEqual(['aws']);
    expect(moved).toContainEqual({ from: 'helm_release.base', to: 'terraform_data.helm_release__base' });
  });

  test('meta-arguments stay outside input; provider is dropped; lifecycle conditions read output', () => {
    const istiod = td.terraform_data.helm_release__istiod;
    expect(istiod.count).toBe(1);
    expect(istiod.depends_on).toEqual(['terraform_data.helm_release__base']);
    expect(istiod.lifecycle).toEqual({ ignore_changes: ['input'], postcondition: [{ condition: '${self.output.status == "deployed"}', error_message: 'x' }] });
    expect(istiod.input).toEqual({ name: 'istiod', set: [{ name: 'a', value: '${terraform_data.helm_release__base.output.version}' }] });
    expect(td.aws_eks_cluster.c.depends_on).toEqual(['terraform_data.helm_release__base']);
  });

  test('references everywhere are rewritten: attributes via output, whole objects to the new address', () => {
    expect((config.output as any).v.value).toBe('${terraform_data.helm_release__istiod[0].output.metadata} ${terraform_data.helm_release__base}');
    // Object keys are templates in Terraform JSON too (a key may hold an expression), so they are rewritten as well.
    expect(Object.keys(td.terraform_data.kubernetes_labels__l.input.labels)).toEqual(['terraform_data.helm_release__base']);
  });

  test('required_providers keep only aws, pinned to the mirror version', () => {
    expect((config.terraform as any).required_providers).toEqual({ aws: { source: 'hashicorp/aws', version: '5.100.0' } });
  });
});
