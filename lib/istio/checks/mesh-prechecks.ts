import { Annotations, Aspects, IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { CHECKS, MeshChecks, formatFinding } from './check-registry';
import { Finding, checkApiVersions, checkChartValues, checkDoubleEnrollment, checkMtls, checkPinning, checkReferences, checkRegexes, checkTelemetryConflicts, checkZtunnelPolicies } from './rules';
import { gatherStackModel } from './stack-model';

/** Every precheck, in report order. */
const ALL_CHECKS = [checkZtunnelPolicies, checkRegexes, checkApiVersions, checkReferences, checkTelemetryConflicts, checkMtls, checkDoubleEnrollment, checkPinning, checkChartValues];

/**
 * The synth-time prechecks as an Aspect: on the stack node it gathers the whole tree once and
 * reports each finding as an Annotation on the construct it concerns: errors fail `cdktf synth`,
 * warnings print, suppressed findings become info. {@link IstioAmbientCluster} adds it to its stack.
 */
export class MeshPrechecks implements IAspect {
  /** Adds the prechecks to `stack` unless they are already there. */
  public static addTo(stack: TerraformStack): void {
    if (!Aspects.of(stack).all.some((a) => a instanceof MeshPrechecks)) Aspects.of(stack).add(new MeshPrechecks());
  }

  /** Runs every check on a stack and returns the findings (suppressed ones included). */
  public static findings(stack: TerraformStack): Finding[] {
    const model = gatherStackModel(stack);
    // A resource judged at several minors (a canary upgrade) may give the same finding at each: once is enough.
    const seen = new Set<string>();
    return ALL_CHECKS.flatMap((check) => check(model)).filter((f) => {
      const key = `${f.id}\0${f.owner.node.path}\0${f.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
  }

  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack)) return;
    for (const f of MeshPrechecks.findings(node)) {
      const text = formatFinding(f.id, f.message);
      const reason = MeshChecks.suppressedBecause(f.owner, f.id);
      const a = Annotations.of(f.owner);
      if (reason !== undefined) a.addInfo(`suppressed (${reason}): ${text}`);
      else if (CHECKS[f.id].severity === 'error') a.addError(text);
      else a.addWarning(text);
    }
  }
}
