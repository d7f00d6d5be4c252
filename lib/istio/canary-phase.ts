import { invalid } from '../private/errors';

/** Where a canary upgrade stands; ordered. */
export enum CanaryStep {
  /** Canary istiod runs beside the stable one; every tag and namespace still on the stable revision. */
  INSTALLED = 'installed',
  /** Namespaces of stages 1…n moved to the canary tag. */
  TAGS_MOVING = 'stage',
  /** Stable (and `default`) tag and base `defaultRevision` on the canary revision. */
  PROMOTED = 'promoted',
  /** The old revision's istiod uninstalled. */
  OLD_REMOVED = 'old-removed',
}

const ORDER: readonly CanaryStep[] = [CanaryStep.INSTALLED, CanaryStep.TAGS_MOVING, CanaryStep.PROMOTED, CanaryStep.OLD_REMOVED];

/**
 * The one prop that drives a canary upgrade (`IstioCanaryRevision.phase`). Moving backwards
 * (e.g. `promoted` → `stage-2` → `installed`) is the rollback: it moves the tags back. A pipeline
 * passes it as one string: `CanaryPhase.of('installed' | 'stage-<n>' | 'promoted' | 'old-removed')`.
 */
export class CanaryPhase {
  /** Canary installed; nothing moved (also the state a full rollback returns to). */
  public static readonly INSTALLED = new CanaryPhase(CanaryStep.INSTALLED, 0);
  /** Stable tag, `default` tag and base `defaultRevision` moved to the canary revision. */
  public static readonly PROMOTED = new CanaryPhase(CanaryStep.PROMOTED, 0);
  /** The old control plane uninstalled (needs ztunnel on the new revision and no namespace pinned to the old one). */
  public static readonly OLD_REMOVED = new CanaryPhase(CanaryStep.OLD_REMOVED, 0);

  /** Stages 1…`stage` of `stages` moved to the canary tag (1-based, cumulative). */
  public static tagsMoving(stage: number): CanaryPhase {
    if (!Number.isInteger(stage) || stage < 1) throw invalid('phase', 'must name a stage number from 1', stage);
    return new CanaryPhase(CanaryStep.TAGS_MOVING, stage);
  }

  /** Parses the pipeline form: `installed`, `stage-<n>`, `promoted`, `old-removed`. */
  public static of(text: string, prop = 'phase'): CanaryPhase {
    const stage = /^stage-(\d+)$/.exec(text);
    if (stage) return CanaryPhase.tagsMoving(Number(stage[1]));
    const fixed = [CanaryPhase.INSTALLED, CanaryPhase.PROMOTED, CanaryPhase.OLD_REMOVED].find((p) => p.toString() === text);
    if (!fixed) throw invalid(prop, 'must be a canary phase', text, "allowed: 'installed', 'stage-<n>', 'promoted', 'old-removed'");
    return fixed;
  }

  private constructor(
    /** The step. */
    public readonly step: CanaryStep,
    /** For TAGS_MOVING: how many stages have moved; else 0. */
    public readonly stage: number,
  ) {}

  /** Whether this phase is at or after `step`. */
  public atLeast(step: CanaryStep): boolean {
    return ORDER.indexOf(this.step) >= ORDER.indexOf(step);
  }

  /** The pipeline form, e.g. `stage-2`. */
  public toString(): string {
    return this.step === CanaryStep.TAGS_MOVING ? `stage-${this.stage}` : this.step;
  }
}

/**
 * One batch of namespaces moved to the canary tag. Istio has no per-request or per-pod split between
 * control planes: a tag points a namespace at one revision, all or nothing, so a stage is a set of
 * namespaces. Stages are cumulative: stage n moves everything stages 1…n name.
 */
export class CanaryStage {
  /** These enrolled namespaces. */
  public static namespaces(...names: string[]): CanaryStage {
    return new CanaryStage(names, undefined);
  }

  /**
   * The first ⌈percent × N / 100⌉ of the N enrolled namespaces, in ascending code-point order of
   * their names (stable across synths, independent of the order they were declared in).
   */
  public static percent(percent: number): CanaryStage {
    return new CanaryStage([], percent);
  }

  private constructor(
    /** Namespaces named explicitly. */
    public readonly names: readonly string[],
    /** Percentage of enrolled namespaces, if given that way. */
    public readonly percent: number | undefined,
  ) {}

  public toString(): string {
    return this.percent !== undefined ? `${this.percent}%` : this.names.join(',');
  }
}

/**
 * The namespaces moved by stages 1…`upTo`, validated against the enrolled set. Fails on unknown
 * namespaces and percentages outside 0–100. Order of the result: ascending by name.
 */
export function resolveStages(stages: readonly CanaryStage[], enrolled: readonly string[], upTo: number): string[] {
  const known = new Set(enrolled);
  const ordered = [...known].sort();
  const moved = new Set<string>();
  stages.forEach((s, i) => {
    const prop = `stages[${i}]`;
    if (s.percent !== undefined) {
      if (!Number.isFinite(s.percent) || s.percent < 0 || s.percent > 100) {
        throw invalid(prop, 'must be a percentage from 0 to 100', s.percent);
      }
    }
    for (const ns of s.names) {
      if (!known.has(ns)) throw invalid(prop, 'must name only namespaces enrolled in the mesh', ns, `enrolled: ${ordered.join(', ') || 'none'}`);
    }
    if (s.percent === undefined && s.names.length === 0) throw invalid(prop, 'must name at least one namespace or a percentage', s.toString());
    if (i >= upTo) return;
    for (const ns of s.names) moved.add(ns);
    if (s.percent !== undefined) for (const ns of ordered.slice(0, Math.ceil((s.percent * ordered.length) / 100))) moved.add(ns);
  });
  return [...moved].sort();
}
