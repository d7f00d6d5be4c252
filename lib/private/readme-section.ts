/**
 * The README's generated compatibility section: markers, the date they carry, and replacement.
 * Used by scripts/versions-readme.js and by the test that keeps the README in sync with the catalog.
 */
const BEGIN = /<!-- BEGIN GENERATED versions: npm run docs:versions -- --as-of (\d{4}-\d{2}-\d{2}) -->\n/;
const END = '<!-- END GENERATED versions -->';

/** The section's support date and body, or undefined when the README has no section. */
export function readVersionsSection(readme: string): { asOf: string; body: string } | undefined {
  const begin = BEGIN.exec(readme);
  const end = readme.indexOf(END);
  if (!begin || end < begin.index) return undefined;
  return { asOf: begin[1], body: readme.slice(begin.index + begin[0].length, end) };
}

/** The README with the section's body replaced by `lines` (rendered for `asOf`). */
export function replaceVersionsSection(readme: string, asOf: string, lines: readonly string[]): string {
  const begin = BEGIN.exec(readme);
  const end = readme.indexOf(END);
  if (!begin || end < begin.index) throw new Error(`README.md has no generated versions section (${END})`);
  const marker = `<!-- BEGIN GENERATED versions: npm run docs:versions -- --as-of ${asOf} -->\n`;
  return readme.slice(0, begin.index) + marker + lines.join('\n') + '\n' + readme.slice(end);
}
