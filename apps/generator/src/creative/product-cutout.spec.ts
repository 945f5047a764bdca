import sharp from 'sharp';
import { cutOutProduct } from './product-cutout';
import { placeProduct } from './product-layer';

/** A 400×300 studio shot: a magenta bottle (rounded rect) with a white label inside it, on near-white. */
async function studioShot(background: { r: number; g: number; b: number }): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">
    <rect width="400" height="300" fill="rgb(${background.r},${background.g},${background.b})"/>
    <rect x="150" y="60" width="100" height="180" rx="20" fill="#c8157a"/>
    <rect x="170" y="120" width="60" height="40" fill="#ffffff"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function rgba(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('cutOutProduct', () => {
  it('makes a white studio background transparent, keeps the product and the white label inside it', async () => {
    const cut = await cutOutProduct(await studioShot({ r: 252, g: 252, b: 250 }));
    expect(cut.method).toBe('removed');
    expect(cut.background).toBe('#fcfcfa');
    expect(cut.borderUniformity).toBe(1);
    // Trimmed to the product (100×180), give or take the soft edge.
    expect(Math.abs(cut.width - 100)).toBeLessThanOrEqual(2);
    expect(Math.abs(cut.height - 180)).toBeLessThanOrEqual(2);
    expect(cut.removedShare).toBeGreaterThan(0.8);
    const { data, width, height } = await rgba(cut.png);
    const at = (x: number, y: number): number[] => [...data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];
    // Corners of the trimmed box lie outside the rounded rect: background, alpha 0.
    for (const [x, y] of [
      [0, 0],
      [width - 1, 0],
      [0, height - 1],
      [width - 1, height - 1],
    ]) {
      expect(at(x, y)[3]).toBe(0);
    }
    // The product's body: its own colour, opaque.
    const body = at(Math.round(width / 2), Math.round(height * 0.85));
    expect(body[3]).toBe(255);
    expect(Math.abs(body[0] - 0xc8) + Math.abs(body[1] - 0x15) + Math.abs(body[2] - 0x7a)).toBeLessThan(6);
    // The white label is not connected to the border: kept, white and opaque.
    const label = at(Math.round(width / 2), Math.round(height * 0.4));
    expect(label).toEqual([255, 255, 255, 255]);
    // Soft edge: some pixels between transparent and opaque along the outline.
    let partial = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0 && data[i] < 255) partial++;
    expect(partial).toBeGreaterThan(50);
  });

  it('removes a grey studio backdrop too: the trimmed border outside the bottle is alpha 0', async () => {
    const cut = await cutOutProduct(await studioShot({ r: 200, g: 200, b: 205 }));
    expect(cut.method).toBe('removed');
    expect(cut.background).toBe('#c8c8cd');
    const { data, width, height } = await rgba(cut.png);
    // The top row's ends are outside the rounded corners (radius 20): background, transparent.
    for (const x of [0, 1, 2, width - 3, width - 2, width - 1]) {
      expect(data[x * 4 + 3]).toBe(0);
      expect(data[((height - 1) * width + x) * 4 + 3]).toBe(0);
    }
  });

  it('keeps a busy background and feathers the photo edges instead', async () => {
    const noise = Buffer.alloc(200 * 150 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    const png = await sharp(noise, { raw: { width: 200, height: 150, channels: 3 } })
      .png()
      .toBuffer();
    const cut = await cutOutProduct(png);
    expect(cut.method).toBe('blended');
    expect(cut.borderUniformity).toBeLessThan(0.9);
    expect([cut.width, cut.height]).toEqual([200, 150]);
    const { data, width } = await rgba(cut.png);
    expect(data[3]).toBe(0); // the corner faded out
    expect(data[(75 * width + 100) * 4 + 3]).toBe(255); // the middle untouched
  });
});

describe('placeProduct', () => {
  it('puts the product inside the art box, its pixels on the picture, the backdrop around it', async () => {
    const cut = await cutOutProduct(await studioShot({ r: 255, g: 255, b: 255 }));
    const width = 600;
    const height = 600;
    const picture = Buffer.alloc(width * height * 3, 40); // dark backdrop
    const art = { x: 100, y: 200, w: 400, h: 350 };
    const { data, box } = await placeProduct(picture, width, height, art, cut);
    expect(box.x).toBeGreaterThanOrEqual(art.x);
    expect(box.y).toBeGreaterThanOrEqual(art.y);
    expect(box.x + box.w).toBeLessThanOrEqual(art.x + art.w);
    expect(box.y + box.h).toBeLessThanOrEqual(art.y + art.h);
    const px = (x: number, y: number): number[] => [...data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];
    expect(px(Math.round(box.x + box.w / 2), Math.round(box.y + box.h * 0.85))).toEqual([0xc8, 0x15, 0x7a]);
    // The studio white did not come along: just outside the product's corner is still the backdrop.
    expect(px(box.x + 1, box.y + 1)).toEqual([40, 40, 40]);
    expect(px(10, 10)).toEqual([40, 40, 40]);
  });
});
