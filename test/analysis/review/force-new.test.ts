/**
 * The ForceNew table against reality: every AWS attribute it names exists in hashicorp/aws 5.100's
 * schema (`terraform providers schema -json` on the offline plugin mirror; the schema does not say
 * ForceNew, the cited provider source does), and real EksCluster outputs get replace vs update right.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EksCluster } from '../../../lib/eks/eks-cluster';
import { FORCE_NEW_TYPES, forceNewAttributes } from '../../../lib/analysis/review/force-new';
import { reviewPair } from './review-fixture';

const PLUGINS = '/opt/tf-plugins/registry.terraform.io/hashicorp/aws';

interface SchemaBlock {
  attributes?: Record<string, unknown>;
  block_types?: Record<string, { block: SchemaBlock }>;
}

function awsSchema(): Record<string, { block: SchemaBlock }> | undefined {
  let version: string | undefined;
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore' });
    version = fs.readdirSync(PLUGINS).find((v) => v.startsWith('5.'));
  } catch {
    version = undefined;
  }
  if (!version) {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED ForceNew schema check: terraform or ${PLUGINS}/5.x not found`);
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'force-new-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version } } } }));
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'none.tfrc') };
    fs.writeFileSync(env.TF_CLI_CONFIG_FILE, '');
    execFileSync('terraform', ['init', '-input=false', '-plugin-dir=/opt/tf-plugins'], { cwd: dir, env, stdio: 'ignore' });
    const json = JSON.parse(execFileSync('terraform', ['providers', 'schema', '-json'], { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 }).toString());
    return json.provider_schemas['registry.terraform.io/hashicorp/aws'].resource_schemas;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function hasPath(block: SchemaBlock, attr: string): boolean {
  const [head, ...rest] = attr.split('.');
  if (rest.length === 0) return head in (block.attributes ?? {}) || head in (block.block_types ?? {});
  const nested = block.block_types?.[head];
  return nested !== undefined && hasPath(nested.block, rest.join('.'));
}

describe('ForceNew table', () => {
  test('every aws_* attribute in the table exists in the hashicorp/aws 5.x schema', () => {
    const schema = awsSchema();
    if (!schema) return;
    const missing = FORCE_NEW_TYPES.filter((t) => t.startsWith('aws_')).flatMap((t) =>
      forceNewAttributes(t)!.attributes.filter((a) => !schema[t] || !hasPath(schema[t].block, a)).map((a) => `${t}.${a}`));
    expect(missing).toEqual([]);
  }, 60_000);

  const eks = (clusterName: string, extra: object = {}) => (s: Parameters<Parameters<typeof reviewPair>[0]>[0]) =>
    new EksCluster(s, 'Eks', { clusterName, region: 'eu-west-1', kubernetesVersion: '1.33', ...extra });

  test('a new cluster name replaces the cluster and its node group', () => {
    const { report } = reviewPair((s, side) => eks(side === 'base' ? 'mesh-a' : 'mesh-b')(s));
    const actions = Object.fromEntries(report.stacks[0].diff.terraform.filter((t) => t.type === 'aws_eks_cluster' || t.type === 'aws_eks_node_group')
      .map((t) => [t.type, [t.action, t.forceNew]]));
    expect(actions).toEqual({ aws_eks_cluster: ['replace', ['name']], aws_eks_node_group: ['replace', ['node_group_name_prefix']] });
  });

  test('a new public-access CIDR list updates the cluster in place', () => {
    const { report } = reviewPair((s, side) => eks('mesh', { publicAccessCidrs: side === 'base' ? ['10.0.0.0/8'] : ['10.0.0.0/16'] })(s));
    expect(report.stacks[0].diff.terraform.filter((t) => t.type === 'aws_eks_cluster').map((t) => [t.action, t.attributes]))
      .toEqual([['update', ['vpc_config.public_access_cidrs']]]);
  });
});
