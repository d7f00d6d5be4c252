/**
 * Every stack users get from this repository, synthesized: the ready app's stacks (stacks/main.ts)
 * and every stack class an example file exports (examples/*.ts and examples/<dir>/*.ts, found by
 * listing the folder, so a new example is covered without editing the tests). An example module may
 * export `EXAMPLE_CONTEXTS` (name → context): its stacks are then synthesized once per context, e.g.
 * once per phase of the canary pipeline.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AnnotationMetadataEntryType, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { buildApp } from '../../stacks/main';
import { testApp } from '../util';

export interface SynthesizedStack {
  /** `stacks/<id>` or `examples/<file>/<Class>`. */
  readonly name: string;
  readonly stack: TerraformStack;
  /** The stack's Terraform JSON, parsed. */
  readonly json: Record<string, unknown>;
}

type StackClass = new (scope: Construct, id: string) => TerraformStack;

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');

function exampleFiles(): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(EXAMPLES_DIR, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && entry.name.endsWith('.ts')) files.push(entry.name);
    if (entry.isDirectory()) {
      for (const f of fs.readdirSync(path.join(EXAMPLES_DIR, entry.name)).filter((n) => n.endsWith('.ts')).sort()) files.push(`${entry.name}/${f}`);
    }
  }
  return files;
}

function exampleStackClasses(): { file: string; name: string; cls: StackClass; contexts: Record<string, Record<string, unknown>> }[] {
  const found: { file: string; name: string; cls: StackClass; contexts: Record<string, Record<string, unknown>> }[] = [];
  for (const file of exampleFiles()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(EXAMPLES_DIR, file)) as Record<string, unknown>;
    const contexts = (mod.EXAMPLE_CONTEXTS as Record<string, Record<string, unknown>> | undefined) ?? { '': {} };
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === 'function' && value.prototype instanceof TerraformStack) found.push({ file, name, cls: value as StackClass, contexts });
    }
  }
  return found;
}

/** Synthesizes like `app.synth()` does for users: an error annotation (a failed precheck) fails it. */
function synth(stack: TerraformStack): Record<string, unknown> {
  const json = JSON.parse(Testing.synth(stack, true)) as Record<string, unknown>;
  const errors = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.ERROR).map((m) => `[${c.node.path}] ${String(m.data)}`));
  if (errors.length > 0) throw new Error(`${stack.node.path} has error annotations (cdktf synth would fail):\n${errors.join('\n')}`);
  return json;
}

export function allSynthesizedStacks(): SynthesizedStack[] {
  const out: SynthesizedStack[] = [];
  const app = buildApp(testApp());
  for (const child of app.node.children) {
    if (child instanceof TerraformStack) out.push({ name: `stacks/${child.node.id}`, stack: child, json: synth(child) });
  }
  const examples = exampleStackClasses();
  if (examples.length === 0) throw new Error(`no stack class exported from ${EXAMPLES_DIR}/*.ts`);
  for (const { file, name, cls, contexts } of examples) {
    for (const [label, context] of Object.entries(contexts)) {
      const stack = new cls(testApp(context), name.toLowerCase());
      const suffix = label === '' ? '' : `@${label}`;
      out.push({ name: `examples/${file.replace(/\.ts$/, '')}/${name}${suffix}`, stack, json: synth(stack) });
    }
  }
  return out;
}
