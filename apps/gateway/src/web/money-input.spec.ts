import { parseRoublesInput, roublesField } from './money-input';

describe('parseRoublesInput', () => {
  it('reads what people type', () => {
    expect(parseRoublesInput('1500')).toBe(150000);
    expect(parseRoublesInput('1 500')).toBe(150000);
    expect(parseRoublesInput('749,50')).toBe(74950);
    expect(parseRoublesInput('749.5')).toBe(74950);
    expect(parseRoublesInput('300 ₽')).toBe(30000);
    expect(parseRoublesInput('-150,5', true)).toBe(-15050);
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'abc', '1e3', '0x10', '1.005', '-5', '12345678901', '1,2,3', undefined]) {
      expect(parseRoublesInput(bad)).toBeUndefined();
    }
  });

  it('writes kopecks back as a field value', () => {
    expect(roublesField(150000)).toBe('1500');
    expect(roublesField(74950)).toBe('749.50');
    expect(roublesField(-15005)).toBe('-150.05');
  });
});
