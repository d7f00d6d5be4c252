/**
 * Finds literal text the library wrote into Terraform JSON that Terraform would evaluate.
 *
 * Reads each element's configuration before token resolution, where cdktf's tokens are still
 * encoded as `${TfToken[…]}`: removing those leaves the literal text, which must contain no live
 * `${` or `%{`. Token objects (`Fn.*` results) are not descended into: cdktf renders their literal
 * arguments itself (and escapes `${` there). After resolution, no directive `%{` may be live anywhere:
 * the library never writes directives, not even through tokens.
 */
import { TerraformElement, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { CDKTF_STRING_TOKEN, isPlainObject } from '../../lib/private/terraform-escape';
import { liveInterpolations } from './template';

function scan(value: unknown, where: string, out: string[]): void {
  if (typeof value === 'string') {
    for (const live of liveInterpolations(value.replace(CDKTF_STRING_TOKEN, ''))) out.push(`${where}: ${JSON.stringify(live)}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => scan(v, `${where}[${i}]`, out));
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      scan(k, `${where} (key)`, out);
      scan(v, `${where}.${k}`, out);
    }
  }
}

/** Parts of a variable/output that Terraform reads as templates (the rest is literal JSON). */
function templatePart(element: TerraformElement, config: Record<string, unknown>): unknown {
  const body = Object.values(Object.values(config)[0] as Record<string, unknown>)[0] as Record<string, unknown>;
  if (element instanceof TerraformVariable) return body.validation;
  if (element instanceof TerraformOutput) return body.value;
  return config;
}

/** Every unescaped `${`/`%{` in the stack's literal text, as `<construct path> <json path>: <excerpt>`. */
export function unescapedInterpolations(stack: TerraformStack, synthesized: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const element of stack.node.findAll().filter((c): c is TerraformElement => c instanceof TerraformElement)) {
    if (element === (stack as unknown)) continue;
    const config = element.toTerraform() as Record<string, unknown>;
    scan(templatePart(element, config), element.node.path, out);
  }
  const afterResolution: string[] = [];
  scan(synthesized, `${stack.node.id} (synthesized)`, afterResolution);
  out.push(...afterResolution.filter((d) => d.includes(': "%{')));
  return out;
}
