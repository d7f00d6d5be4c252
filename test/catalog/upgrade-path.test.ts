import { EKS_VERSIONS, EksSupportState, eksSupportState } from '../../lib/catalog/eks-versions';
import { ISTIO_MINORS, IstioVersion, compareMinor, minorRange } from '../../lib/catalog/istio-versions';
import { UpgradePlan, planUpgrade, renderUpgradePlan } from '../../lib/catalog/upgrade-path';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { HopFacts, readHopFacts } from '../facts';
import { TEST_DAY } from '../util';

const facts = readHopFacts();
const withFacts = facts ? test : test.skip;

/** EKS minors by state on a day, from the EKS calendar rows. */
function eksIn(asOf: string, ...states: EksSupportState[]): string[] {
  return EKS_VERSIONS.filter((v) => states.includes(eksSupportState(v, asOf))).map((v) => v.version);
}

/** The facts file's view: range per minor, and which minors are not past their end of life on a day. */
function factsView(f: HopFacts, asOf: string) {
  const ranges = f.kubernetesRanges();
  const eol = f.endOfLife();
  const minors = [...ranges.keys()];
  const supports = (minor: string, k: string): boolean => compareMinor(k, ranges.get(minor)![0]) >= 0 && compareMinor(k, ranges.get(minor)![1]) <= 0;
  const alive = minors.filter((m) => asOf < eol.get(m)!.date);
  return { minors, supports, alive };
}

/** Rules every plan must keep, checked against the facts file and the EKS calendar. */
function checkRules(f: HopFacts, plan: UpgradePlan): void {
  const { minors, supports, alive } = factsView(f, plan.asOf);
  const runnable = [plan.kubernetesFrom, ...eksIn(plan.asOf, EksSupportState.STANDARD, EksSupportState.EXTENDED)];
  let minor = plan.istioFrom.split('.').slice(0, 2).join('.');
  let k = plan.kubernetesFrom;
  for (const s of plan.steps) {
    expect([s.istioFrom.startsWith(`${minor}.`), s.kubernetesFrom]).toEqual([true, k]);
    if (s.kind === 'istio') {
      const next = minors[minors.indexOf(minor) + 1]; // one minor per hop (facts §2.8 skew rule)
      expect(s.istioTo.startsWith(`${next}.`)).toBe(true);
      expect(s.kubernetesTo).toBe(k);
      expect(s.supported).toBe(supports(minor, k) && supports(next, k));
      minor = next;
    } else {
      expect(compareMinor(s.kubernetesTo, k)).toBe(1);
      expect(minorRange(k, s.kubernetesTo)).toHaveLength(2); // EKS upgrades one minor at a time
      expect(runnable).toContain(s.kubernetesTo);
      expect(s.supported).toBe(supports(minor, s.kubernetesTo));
      k = s.kubernetesTo;
    }
  }
  expect(plan.istioTo?.startsWith(`${minor}.`)).toBe(true);
  expect(plan.kubernetesTo).toBe(k);
  // The end is a supported pair: a minor before its EOL, supporting k, on a Kubernetes minor in EKS standard support.
  expect(alive).toContain(minor);
  expect(supports(minor, k)).toBe(true);
  expect(eksIn(plan.asOf, EksSupportState.STANDARD)).toContain(k);
}

describe('planUpgrade', () => {
  withFacts(`from 1.22.8 on today's EKS (${TEST_DAY}): the minimum the facts allow, every rule kept`, () => {
    const plan = planUpgrade({ istioVersion: IstioVersion.V1_22_8, asOf: TEST_DAY });
    checkRules(facts!, plan);
    const { minors, supports, alive } = factsView(facts!, TEST_DAY);
    const runnable = eksIn(TEST_DAY, EksSupportState.STANDARD, EksSupportState.EXTENDED);
    // A 1.22 cluster today runs at least the oldest minor EKS still runs (it upgraded the rest).
    expect(plan.kubernetesFrom).toBe(runnable[0]);
    // Lower bound on Istio hops: to the first minor not past its end of life.
    const target = alive[0];
    const hops = minors.indexOf(target) - minors.indexOf('1.22');
    // Lower bound on cluster upgrades: to the oldest minor in EKS standard support that the target supports.
    const targetK8s = eksIn(TEST_DAY, EksSupportState.STANDARD).find((k) => supports(target, k))!;
    const upgrades = minorRange(plan.kubernetesFrom, targetK8s).length - 1;
    // Unsupported hops are forced where no runnable version (the cluster never goes down) is in both ranges.
    const forced = minors.slice(0, minors.indexOf(target)).filter((m, i) => !runnable.some((k) => supports(m, k) && supports(minors[i + 1], k))).length;
    expect({ to: plan.istioTo!.split('.').slice(0, 2).join('.'), k8s: plan.kubernetesTo, steps: plan.steps.length, unsupported: plan.steps.filter((s) => !s.supported).length })
      .toEqual({ to: target, k8s: targetK8s, steps: hops + upgrades, unsupported: forced });
    // 1.30 raises the floor to 1.32 (facts §3.8): the cluster is upgraded before that hop.
    const last = plan.steps[plan.steps.length - 1];
    expect(last).toMatchObject({ kind: 'istio', istioTo: '1.30.3' });
    expect(compareMinor(last.kubernetesFrom, '1.32')).toBeGreaterThanOrEqual(0);
  });

  withFacts.each([
    ['1.26.8', '1.33'], ['1.28.10', '1.30'], ['1.24.6', '1.31'], ['1.25.0', '1.32'], ['1.29.6', '1.35'],
  ])('from %s on Kubernetes %s: every rule kept', (istio, k8s) => {
    checkRules(facts!, planUpgrade({ istioVersion: IstioVersion.of(istio), kubernetesVersion: k8s, asOf: TEST_DAY }));
  });

  test('a supported pair needs no step; the print says so', () => {
    const plan = planUpgrade({ istioVersion: IstioVersion.V1_30_3, kubernetesVersion: '1.35', asOf: TEST_DAY });
    expect(plan.steps).toEqual([]);
    expect(renderUpgradePlan(plan)[1]).toMatch(/already a supported pair/);
  });

  test('no path when no minor is supported on the day (all past EOL)', () => {
    const plan = planUpgrade({ istioVersion: IstioVersion.V1_22_8, asOf: '2031-01-01' });
    expect(plan.istioTo).toBeUndefined();
    expect(renderUpgradePlan(plan)[1]).toMatch(/no path: no Istio minor in the catalog is supported/);
  });

  test('fails when the Kubernetes version is not an EKS minor', () => {
    expect(() => planUpgrade({ istioVersion: IstioVersion.V1_22_8, kubernetesVersion: '1.9', asOf: TEST_DAY, kubernetesProp: '--kubernetes' }))
      .toThrow(IstioMeshValidationError);
    expect(() => planUpgrade({ istioVersion: IstioVersion.V1_22_8, kubernetesVersion: '1.9', asOf: TEST_DAY, kubernetesProp: '--kubernetes' }))
      .toThrow(/^'--kubernetes' must be a Kubernetes minor that Amazon EKS offers, got '1\.9'/);
  });

  test('the table has a minor after every minor it can start from (hops never skip)', () => {
    expect(ISTIO_MINORS.map((m) => Number(m.minor.split('.')[1]))).toEqual(minorRange(ISTIO_MINORS[0].minor, ISTIO_MINORS[ISTIO_MINORS.length - 1].minor).map((m) => Number(m.split('.')[1])));
  });
});
