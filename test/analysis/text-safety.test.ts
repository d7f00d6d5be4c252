import { csvField, csvRecord, oneLine, stripControl } from '../../lib/analysis/text-safety';

describe('output safety', () => {
  test.each([
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['+cmd', "'+cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['\t=1', "' =1"], // the tab becomes a space; a formula after leading blanks is neutralised too
    ['-0.25', '-0.25'], // a plain negative number stays a number
    ['1e-5', '1e-5'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line1\nline2', 'line1 line2'],
    ['\u001b[31mred\u001b[0m', '[31mred[0m'],
  ])('CSV field %p → %p (RFC 4180, OWASP formula neutralisation, no control characters)', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  test('numbers and nulls; records end in CRLF', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvRecord(['a', 1, null])).toBe('a,1,\r\n');
  });

  test('control characters, bidi overrides and C1 controls are stripped; one line stays one line', () => {
    expect(stripControl('a\u0007b\u009bc\u202ed\u2066e')).toBe('abcde');
    expect(oneLine('x\n  y\r\n\tz')).toBe('x y z');
  });
});
