import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { currentSample, sampleBlock } from '../examples/review-sample-readme';
import { synthReviewSample } from '../examples/review-sample';
import { main } from '../lib/cli/mesh-review';

describe('README mesh-review sample', () => {
  test('is what `npm run review-sample` generates from the example pull request today', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-sample-test-'));
    try {
      const { base, head } = synthReviewSample(dir);
      let md = '';
      const code = await main(['node', 'mesh-review', base, head, '--fail-on', 'high'], { stdout: (t) => { md += t; }, stderr: () => undefined });
      const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
      expect(code).toBe(1);
      expect(currentSample(readme)).toBe(sampleBlock(md, code));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
