import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { create } from 'tar';
import { parse, stringify } from 'yaml';
import { sharedIstioDir } from '../../util';

/** How `helm pull` left a chart: the archive (`<chart>-<v>.tgz`) or unpacked (`--untar`: `<chart>/`). */
export type PulledLayout = 'tgz' | 'untar';

/**
 * A directory as `helm pull <chart> --version <version> -d <dir>` would leave it, built at test time
 * from Istio's chart data of one minor in ../shared (Chart.yaml with the released version, as Istio's
 * release builder stamps it; values.yaml; the Helm profiles as `files/profile-<name>.yaml`, where the
 * released charts carry them). Every chart gets every Helm profile of the minor, where a released chart
 * carries its own subset (ztunnel has no `ambient` profile): the check reads whatever the archive holds,
 * and the library sets `profile` only on istiod and cni, whose charts have `ambient`.
 * `extra` adds files per chart (`templates/…`, `files/…`: excerpts of Istio's templates, cited where used).
 * Undefined (test skipped) when ../shared is absent outside CI.
 */
export function pulledChartsDir(minor: string, version: string, charts: readonly string[], layout: PulledLayout = 'tgz', extra: Readonly<Record<string, Readonly<Record<string, string>>>> = {}): string | undefined {
  const shared = sharedIstioDir(minor);
  if (!shared) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pulled-${minor}-`));
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-src-'));
  for (const chart of charts) {
    const root = path.join(layout === 'untar' ? dir : staging, chart);
    fs.mkdirSync(path.join(root, 'files'), { recursive: true });
    const meta = parse(fs.readFileSync(path.join(shared, `${chart}.Chart.yaml`), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(root, 'Chart.yaml'), stringify({ ...meta, version, appVersion: version }));
    fs.copyFileSync(path.join(shared, `${chart}.values.yaml`), path.join(root, 'values.yaml'));
    for (const f of fs.readdirSync(path.join(shared, 'profiles'))) {
      if (f.endsWith('.yaml')) fs.copyFileSync(path.join(shared, 'profiles', f), path.join(root, 'files', `profile-${f}`));
    }
    for (const [rel, text] of Object.entries(extra[chart] ?? {})) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    if (layout === 'tgz') create({ gzip: true, sync: true, portable: true, cwd: staging, file: path.join(dir, `${chart}-${version}.tgz`) }, [chart]);
  }
  fs.rmSync(staging, { recursive: true, force: true });
  return dir;
}
