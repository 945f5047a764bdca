import { safeNext } from './web-session';

describe('safeNext', () => {
  it('keeps same-site paths', () => {
    expect(safeNext('/app/requests/1?x=1')).toBe('/app/requests/1?x=1');
  });

  it('falls back for other hosts and schemes', () => {
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', 42]) {
      expect(safeNext(bad)).toBe('/app');
    }
    expect(safeNext('//evil', '/')).toBe('/');
  });
});
