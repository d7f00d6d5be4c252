import { AWS_REGIONS, partitionOf } from '../../lib/catalog/aws-regions';

describe('AWS regions', () => {
  test('the full list, not a handful: every commercial region code pattern and the other partitions', () => {
    expect(AWS_REGIONS.length).toBeGreaterThanOrEqual(36);
    for (const r of ['us-east-1', 'eu-central-2', 'ap-southeast-7', 'mx-central-1', 'il-central-1', 'ca-west-1', 'cn-north-1', 'us-gov-west-1']) {
      expect(AWS_REGIONS).toContain(r);
    }
    for (const r of AWS_REGIONS) expect(r).toMatch(/^[a-z]{2,4}(-[a-z]+)+-\d$/);
    expect(new Set(AWS_REGIONS).size).toBe(AWS_REGIONS.length);
  });

  test('partitions', () => {
    expect(partitionOf('eu-west-1')).toBe('aws');
    expect(partitionOf('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-east-1')).toBe('aws-us-gov');
    expect(partitionOf('moon-1')).toBeUndefined();
  });
});
