import { flatten, releaseValues } from '../../../lib/analysis/review/values';

describe('release values as the review diffs them', () => {
  test("YAML merge keys are applied, as Helm's reader does (helm v3.17.3 template merges `<<: *anchor`), so no '<<' path appears", () => {
    const body = { values: ['common: &common\n  logLevel: debug\nglobal:\n  proxy:\n    <<: *common\n    image: proxyv2\n'] };
    const paths = flatten(releaseValues(body));
    expect([...paths.keys()].sort()).toEqual(['common.logLevel', 'global.proxy.image', 'global.proxy.logLevel']);
    expect(paths.get('global.proxy.logLevel')).toBe('"debug"');
  });
});
