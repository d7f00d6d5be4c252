import * as fs from 'fs';
import * as path from 'path';
import { sharedIstioDir } from './util';

const realShared = path.resolve(__dirname, '..', '..', 'shared');

describe('sharedIstioDir (ground-truth tests skip in a user clone, never in CI)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    jest.restoreAllMocks();
  });

  (fs.existsSync(realShared) ? test : test.skip)('finds ../shared/istio-1.22', () => {
    process.env.ISTIO_SHARED_DIR = realShared;
    expect(sharedIstioDir('1.22')).toMatch(/shared\/istio-1\.22$/);
  });

  test('absent outside CI: returns undefined and prints why the tests are skipped', () => {
    process.env.ISTIO_SHARED_DIR = '/nonexistent/shared';
    delete process.env.CI;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(sharedIstioDir('1.22')).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^SKIPPED conformance tests for Istio 1\.22: \/nonexistent\/shared\/istio-1\.22 not found/));
  });

  test('absent under CI=true: fails', () => {
    process.env.ISTIO_SHARED_DIR = '/nonexistent/shared';
    process.env.CI = 'true';
    expect(() => sharedIstioDir('1.22')).toThrow(/\/nonexistent\/shared\/istio-1\.22 is missing: CI must run the conformance tests/);
  });
});
