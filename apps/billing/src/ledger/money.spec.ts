import { formatRoubles, parseRoubles } from './money';

describe('money', () => {
  it('parses decimal rouble strings into kopecks without floats', () => {
    expect(parseRoubles('1234.50')).toBe(123450n);
    expect(parseRoubles('1234.5')).toBe(123450n);
    expect(parseRoubles('0.01')).toBe(1n);
    expect(parseRoubles('100')).toBe(10000n);
    expect(parseRoubles('0.29')).toBe(29n); // 0.29 * 100 = 28.999999999999996 in floating point
  });

  it('rejects malformed amounts', () => {
    for (const bad of ['', '-1.00', '1.234', '1,50', '1e3', 'abc', '.5']) expect(() => parseRoubles(bad)).toThrow();
  });

  it('formats kopecks as the decimal string payment APIs expect', () => {
    expect(formatRoubles(123450n)).toBe('1234.50');
    expect(formatRoubles(5n)).toBe('0.05');
    expect(formatRoubles(-250n)).toBe('-2.50');
    expect(parseRoubles(formatRoubles(987654321n))).toBe(987654321n);
  });
});
