import { csvCell, CsvError, parseCsv, toCsv } from './csv';

describe('csv', () => {
  it('refuses an open quote and text after a closing quote when strict, naming the line', () => {
    expect(() => parseCsv('a,b\n1,"x\n2,y\n', { strict: true })).toThrow(
      new CsvError(2, 'a quoted field is never closed'),
    );
    expect(() => parseCsv('a,b\n1,"x"y\n', { strict: true })).toThrow(/line 2/);
    expect(parseCsv('a,b\n1,"x, ""y"""\n', { strict: true })).toEqual([
      ['a', 'b'],
      ['1', 'x, "y"'],
    ]);
  });

  it('neutralises formula cells on export', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-5)).toBe('-5');
    expect(toCsv([['a', 'b,c']])).toBe('a,"b,c"\r\n');
  });
});
