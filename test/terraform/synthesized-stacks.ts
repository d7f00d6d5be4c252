/**
 * Every stack users get from this repository, synthesized: the ready app's stacks (stacks/main.ts)
 * and every stack class an example file exports (examples/*.ts, found by listing the folder, so a
 * new example is covered without editing the tests).
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
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

function exampleStackClasses(): { file: string; name: string; cls: StackClass }[] {
  const found: { file: string; name: string; cls: StackClass }[] = [];
  for (const file of fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.ts')).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(EXAMPLES_DIR, file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === 'function' && value.prototype instanceof TerraformStack) found.push({ file, name, cls: value as StackClass });
    }
  }
  return found;
}

export function allSynthesizedStacks(): SynthesizedStack[] {
  const out: SynthesizedStack[] = [];
  const app = buildApp(testApp());
  for (const child of app.node.children) {
    if (child instanceof TerraformStack) out.push({ name: `stacks/${child.node.id}`, stack: child, json: JSON.parse(Testing.synth(child, true)) });
  }
  const examples = exampleStackClasses();
  if (examples.length === 0) throw new Error(`no stack class exported from ${EXAMPLES_DIR}/*.ts`);
  for (const { file, name, cls } of examples) {
    const stack = new cls(testApp(), name.toLowerCase());
    out.push({ name: `examples/${file.replace(/\.ts$/, '')}/${name}`, stack, json: JSON.parse(Testing.synth(stack, true)) });
  }
  return out;
}
