/**
 * Real `terraform validate` (offline) on every ready stack and every example. Also `npm run validate:tf`.
 *
 * AWS resources are checked against the real provider schema from the plugin mirror; helm/kubernetes
 * resources are carried as terraform_data (see offline-config.ts). Without terraform or the mirror
 * this prints one skip line; under CI=true that absence fails.
 */
import { allSynthesizedStacks } from './synthesized-stacks';
import { offlineValidationConfig } from './offline-config';
import { OfflineWorkspace, ValidateResult, findOfflineTerraform } from './terraform-cli';

const found = findOfflineTerraform();
if (typeof found === 'string') {
  if (process.env.CI === 'true') throw new Error(`CI must run terraform validate, but ${found}`);
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED terraform validate of the stacks and examples: ${found}`);
}
const describeIfTerraform = typeof found === 'string' ? describe.skip : describe;

describeIfTerraform('terraform validate (offline, real AWS provider schema)', () => {
  const results = new Map<string, ValidateResult>();
  const stacks = allSynthesizedStacks();

  beforeAll(async () => {
    const tf = found as Exclude<typeof found, string>;
    const workspace = new OfflineWorkspace(tf);
    try {
      const configs = stacks.map((s) => ({ name: s.name.replace(/\W+/g, '_'), config: offlineValidationConfig(s.json, { awsVersion: tf.awsVersion }).config }));
      // The stand-ins must still resolve references: a helm_release pointing at nothing fails.
      // …and AWS resources meet the real provider schema: an argument aws_vpc does not have fails.
      configs.push({ name: 'negative_control', config: offlineValidationConfig({
        terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
        resource: {
          helm_release: { r: { provider: 'helm.x', name: '${aws_vpc.missing.id}', depends_on: ['kubernetes_namespace.gone'] } },
          aws_vpc: { v: { cidr_block: '10.0.0.0/16', not_an_argument: true } },
        },
      }, { awsVersion: tf.awsVersion }).config });
      const byName = await workspace.validateAll(configs);
      for (const s of stacks) results.set(s.name, byName.get(s.name.replace(/\W+/g, '_'))!);
      results.set('negative control', byName.get('negative_control')!);
    } finally {
      workspace.dispose();
    }
    // eslint-disable-next-line no-console
    console.log(`terraform ${tf.version} init + validate of ${results.size} configurations with hashicorp/aws ${tf.awsVersion} from ${tf.mirror}: ${[...results.values()][0].seconds.toFixed(1)} s`);
  }, 600_000);

  test('covers the three ready stacks and at least two examples', () => {
    const names = stacks.map((s) => s.name);
    expect(names.filter((n) => n.startsWith('stacks/')).sort()).toEqual(['stacks/istio-ambient-existing-cluster', 'stacks/istio-ambient-new-cluster', 'stacks/mesh-benchmark']);
    expect(names.filter((n) => n.startsWith('examples/')).length).toBeGreaterThanOrEqual(2);
  });

  test('negative control: a bad reference inside a helm/kubernetes body and an unknown AWS argument are errors', () => {
    const r = results.get('negative control')!;
    expect(r.valid).toBe(false);
    expect(r.diagnostics).toContainEqual(expect.stringMatching(/^error: Extraneous JSON object property: No argument or block type is named "not_an_argument"/));
    expect(r.diagnostics).toContainEqual(expect.stringMatching(/^error: Reference to undeclared resource: A managed resource "aws_vpc" "missing"/));
    expect(r.diagnostics).toContainEqual(expect.stringMatching(/^error: Reference to undeclared resource: A managed resource "kubernetes_namespace" "gone"/));
  });

  test.each(stacks.map((s) => s.name))('%s is valid', (name) => {
    const r = results.get(name)!;
    expect(r.diagnostics.filter((d) => d.startsWith('error'))).toEqual([]);
    expect(r.valid).toBe(true);
  });
});
