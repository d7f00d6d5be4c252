/**
 * `mesh-bench versions [--as-of YYYY-MM-DD] [--from <istio>] [--kubernetes <minor>]`: the Istio ×
 * Kubernetes × EKS matrix from the catalog and, with `--from`, the shortest upgrade path from a running
 * release to a supported pair. Logic lives in lib/catalog (version-matrix, upgrade-path); this file
 * parses arguments and finds the support date.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { SUPPORT_DATE_CONTEXT, isoDay } from '../catalog/compatibility';
import { IstioVersion } from '../catalog/istio-versions';
import { planUpgrade, renderUpgradePlan } from '../catalog/upgrade-path';
import { renderVersionMatrix } from '../catalog/version-matrix';
import { invalid } from '../private/errors';
import { CliIo, processIo } from './io';

/**
 * The day support is judged by: `--as-of`, else the context key `cdktf-istio-mesh:supportDate` as the
 * app sees it (`CDKTF_CONTEXT_JSON`, then `context` in ./cdktf.json), else today (UTC).
 */
export function supportDate(asOf: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (asOf !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw invalid('--as-of', 'must be an ISO date YYYY-MM-DD', asOf);
    return asOf;
  }
  const fromJson = (text: string | undefined, key: (o: Record<string, unknown>) => unknown): unknown => {
    if (text === undefined) return undefined;
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      return typeof o === 'object' && o !== null ? key(o) : undefined;
    } catch {
      return undefined;
    }
  };
  const cdktfJson = path.join(cwd, 'cdktf.json');
  const fromEnv = fromJson(env.CDKTF_CONTEXT_JSON, (o) => o[SUPPORT_DATE_CONTEXT]);
  const fromFile = fromJson(fs.existsSync(cdktfJson) ? fs.readFileSync(cdktfJson, 'utf8') : undefined,
    (o) => (o.context as Record<string, unknown> | undefined)?.[SUPPORT_DATE_CONTEXT]);
  return isoDay(fromEnv ?? fromFile);
}

/** Registers `versions` on the program. */
export function registerVersionsCommand(program: Command, io: CliIo = processIo()): Command {
  return program
    .command('versions')
    .description('Istio minor × Kubernetes × EKS availability, and the shortest upgrade path to a supported pair')
    .option('--as-of <date>', `judge EKS and Istio support on this day (default: context ${SUPPORT_DATE_CONTEXT}, else today)`)
    .option('--from <istio-version>', 'print the upgrade path from this running Istio release, e.g. 1.22.8')
    .option('--kubernetes <minor>', "the cluster's Kubernetes minor now (with --from; default: what EKS still runs closest to the release's range)")
    .action((opts: { asOf?: string; from?: string; kubernetes?: string }) => {
      const asOf = supportDate(opts.asOf);
      if (opts.from === undefined) {
        io.stdout(renderVersionMatrix(asOf).join('\n') + '\n');
        return;
      }
      const plan = planUpgrade({ istioVersion: IstioVersion.of(opts.from, '--from'), kubernetesVersion: opts.kubernetes, asOf, kubernetesProp: '--kubernetes' });
      io.stdout(renderUpgradePlan(plan).join('\n') + '\n');
    });
}
