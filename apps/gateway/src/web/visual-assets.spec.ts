import { Script } from 'node:vm';
import { ASSETS } from './assets';
import { VISUAL_ASSETS } from './visual-assets';

describe('visual assets', () => {
  it('are served from content-hashed paths through ASSETS', () => {
    expect(VISUAL_ASSETS.js.path).toMatch(/^\/assets\/visual-search\.[0-9a-f]{12}\.js$/);
    expect(VISUAL_ASSETS.css.path).toMatch(/^\/assets\/visual\.[0-9a-f]{12}\.css$/);
    const served = Object.values(ASSETS).map((a) => a.path);
    expect(served).toEqual(expect.arrayContaining([VISUAL_ASSETS.js.path, VISUAL_ASSETS.css.path]));
    expect(new Set(served).size).toBe(served.length);
  });

  it('ships a script that parses and keeps its regular expressions intact', () => {
    expect(() => new Script(VISUAL_ASSETS.js.body)).not.toThrow();
    // String.raw keeps the backslashes the browser needs.
    expect(VISUAL_ASSETS.js.body).toContain(String.raw`/\{(\w+)\}/g`);
    expect(VISUAL_ASSETS.js.body).toContain(String.raw`/^image\//`);
  });
});
