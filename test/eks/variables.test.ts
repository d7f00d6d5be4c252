import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { AWS_REGIONS } from '../../lib/catalog/aws-regions';
import { clusterNameVariableConfig, regionVariableConfig } from '../../lib/eks/variables';
import { validateClusterName, validateRegion } from '../../lib/private/validate';
import { testApp } from '../util';

function synthVariables() {
  const stack = new TerraformStack(testApp(), 'v');
  new TerraformVariable(stack, 'region', regionVariableConfig({ default: 'us-west-2' }));
  new TerraformVariable(stack, 'cluster_name', clusterNameVariableConfig({ default: 'mesh' }));
  return JSON.parse(Testing.synth(stack)).variable as Record<string, { validation: { condition: string; error_message: string }[]; default: string }>;
}

/** Evaluates the two condition shapes the helpers emit, the way Terraform would. */
function evalCondition(condition: string, value: string): boolean {
  const contains = /^\$\{contains\((\[.*\]), var\.\w+\)\}$/.exec(condition);
  if (contains) return (JSON.parse(contains[1]) as string[]).includes(value);
  const regex = /^\$\{can\(regex\("(.*)", var\.\w+\)\)\}$/.exec(condition);
  if (regex) return new RegExp(regex[1]).test(value);
  throw new Error(`unexpected condition ${condition}`);
}

const synthOk = (f: () => void) => { try { f(); return true; } catch { return false; } };

describe('Terraform variables with validation blocks equivalent to the synth checks', () => {
  const vars = synthVariables();

  test('defaults and one validation block each', () => {
    expect(vars.region.default).toBe('us-west-2');
    expect(vars.cluster_name.default).toBe('mesh');
    expect(vars.region.validation).toHaveLength(1);
    expect(vars.cluster_name.validation).toHaveLength(1);
  });

  test.each(['us-west-2', 'eu-central-2', 'cn-north-1', 'eu-west-9', 'EU-WEST-1', 'us-east', ''])('region %p: plan-time and synth-time agree', (r) => {
    expect(evalCondition(vars.region.validation[0].condition, r)).toBe(synthOk(() => validateRegion('region', r)));
  });

  test('every known region passes the plan-time check', () => {
    for (const r of AWS_REGIONS) expect(evalCondition(vars.region.validation[0].condition, r)).toBe(true);
  });

  test.each(['mesh', 'Mesh_01', '0-cluster', '-mesh', '_mesh', 'mesh.prod', 'a'.repeat(100), 'a'.repeat(101), ''])('cluster name %p: plan-time and synth-time agree', (n) => {
    expect(evalCondition(vars.cluster_name.validation[0].condition, n)).toBe(synthOk(() => validateClusterName('clusterName', n)));
  });

  test('an allow-list narrows the region variable', () => {
    const stack = new TerraformStack(testApp(), 'v');
    new TerraformVariable(stack, 'region', regionVariableConfig({ allowedRegions: ['eu-west-1', 'eu-central-1'] }));
    const condition = JSON.parse(Testing.synth(stack)).variable.region.validation[0].condition as string;
    expect(evalCondition(condition, 'eu-west-1')).toBe(true);
    expect(evalCondition(condition, 'us-east-1')).toBe(false);
  });

  test('fails when the default or allow-list is invalid', () => {
    expect(() => regionVariableConfig({ default: 'nowhere-1' })).toThrow(/^'default' must be an AWS region code, got 'nowhere-1'/);
    expect(() => regionVariableConfig({ allowedRegions: [] })).toThrow(/^'allowedRegions' must list at least one region/);
    expect(() => regionVariableConfig({ allowedRegions: ['mars-1'] })).toThrow(/^'allowedRegions' must list only AWS region codes, got 'mars-1'/);
    expect(() => clusterNameVariableConfig({ default: '-x' })).toThrow(/^'default' must be a valid EKS cluster name/);
    expect(() => clusterNameVariableConfig({ variableName: 'Cluster-Name' })).toThrow(/^'variableName' must be a Terraform identifier/);
  });
});
