/**
 * How Terraform reads a string in `*.tf.json` (a template): `$${` and `%%{` are escapes for a
 * literal `${` and `%{`; any other `${` starts an interpolation and `%{` a directive.
 * (Terraform's JSON syntax spec; HCL's template scanner.)
 */

/** The live interpolations/directives in a Terraform template string, as short excerpts. */
export function liveInterpolations(template: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < template.length; i++) {
    const two = template.slice(i, i + 2);
    const three = template.slice(i, i + 3);
    if (three === '$${' || three === '%%{') i += 2;
    else if (two === '${' || two === '%{') found.push(template.slice(i, i + 40));
  }
  return found;
}

/**
 * The literal value Terraform produces from a template that has no live interpolation
 * (`$${` → `${`, `%%{` → `%{`). Throws if the template would be evaluated.
 */
export function terraformLiteral(template: string): string {
  const live = liveInterpolations(template);
  if (live.length > 0) throw new Error(`Terraform would evaluate ${live.map((l) => JSON.stringify(l)).join(', ')}`);
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const three = template.slice(i, i + 3);
    if (three === '$${' || three === '%%{') {
      out += three.slice(1);
      i += 2;
    } else out += template[i];
  }
  return out;
}
