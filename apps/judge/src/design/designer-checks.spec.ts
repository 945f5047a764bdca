import { hexToLab } from '@atelier/colour-science';
import { DEFAULT_VALIDATION } from '../validation/batch-validation';
import { scoreGeneration } from '../scoring/generation-scoring';
import type { ImageJudgement } from '../scoring/judge-backend';
import { brandPaletteDistance, designerChecks, DESIGN_WEIGHTS, type DesignLayout } from './designer-checks';

/** A clean 1080×1350 creative: headline on top, subject in the middle, logo bottom-right, all inside the safe zone. */
const clean = (): DesignLayout => ({
  width: 1080,
  height: 1350,
  safe: { top: 54, right: 54, bottom: 54, left: 54 },
  texts: [
    { field: 'headline', box: { x: 54, y: 54, w: 600, h: 120 }, contrast: 7.2, colour: '#1e5a32', background: '' },
    {
      field: 'price',
      box: { x: 54, y: 1150, w: 300, h: 100 },
      contrast: 5.1,
      colour: '#ffffff',
      background: '#1e5a32',
    },
  ],
  subjects: [{ name: 'hot-beverage', box: { x: 300, y: 400, w: 480, h: 480 } }],
  logo: { x: 886, y: 1156, w: 140, h: 140 },
  colours: ['#1e5a32', '#ffffff', '#f5ebd7'],
});

const codes = (l: DesignLayout, brand?: string[]) =>
  designerChecks(l, brand ? { palette: brand } : undefined, []).reasons.map((r) => r.code);

describe('designer checks', () => {
  it('passes a clean creative with every reason and the capped bonus', () => {
    const v = designerChecks(clean(), { palette: ['#1E5A32', '#F5EBD7'] }, []);
    expect(v.reasons.map((r) => r.code)).toEqual([
      'textLegible',
      'textInSafeZone',
      'subjectClear',
      'logoClear',
      'brandColours',
    ]);
    expect(v.checks.every((c) => c.pass)).toBe(true);
    expect(v.adjustment).toBeCloseTo(DESIGN_WEIGHTS.max);
  });

  it('fails legibility below 4.5:1', () => {
    const l = clean();
    l.texts[1].contrast = 3.9;
    expect(codes(l)).toContain('textIllegible');
    expect(designerChecks(l, undefined, []).checks.find((c) => c.id === 'legibility')).toMatchObject({
      pass: false,
      value: 3.9,
    });
  });

  it('fails a text that leaves the safe zone', () => {
    const l = clean();
    l.texts[0].box.y = 20;
    expect(codes(l)).toContain('textOutsideSafeZone');
  });

  it("fails text over the subject's focal area, not over its empty margin", () => {
    const l = clean();
    // Over the illustration's transparent margin only (outer 15%): still clear.
    l.texts[0].box = { x: 300, y: 330, w: 480, h: 130 };
    expect(codes(l)).toContain('subjectClear');
    // Into its middle: covered.
    l.texts[0].box = { x: 300, y: 330, w: 480, h: 300 };
    expect(codes(l)).toContain('textOverSubject');
  });

  it('fails a covered logo and one outside the safe zone', () => {
    const l = clean();
    l.texts[1].box = { x: 54, y: 1150, w: 900, h: 100 };
    expect(codes(l)).toContain('logoCovered');
    const m = clean();
    m.logo = { x: 960, y: 1230, w: 140, h: 140 };
    expect(codes(m)).toContain('logoCovered');
  });

  it('says nothing about a logo or brand when there is none', () => {
    const l = clean();
    delete l.logo;
    expect(codes(l)).not.toEqual(expect.arrayContaining(['logoClear']));
    expect(codes(l).some((c) => c.includes('rand'))).toBe(false);
  });

  it('measures the brand palette distance with CIEDE2000 and flags far colours', () => {
    expect(brandPaletteDistance(['#1E5A32'], ['#1e5a32'], [])).toBeCloseTo(0);
    const far = clean();
    far.colours = ['#ffffff', '#141418'];
    expect(codes(far, ['#D62839', '#F7A1C4'])).toContain('offBrandColours');
    // The picture's dominant colours count too (only those covering ≥ 3% of it).
    const pink = [{ lab: hexToLab('#F7A1C4'), share: 0.4 }];
    const red = [{ lab: hexToLab('#D62839'), share: 0.01 }];
    expect(brandPaletteDistance(['#F7A1C4'], ['#ffffff'], pink)).toBeLessThan(1);
    expect(brandPaletteDistance(['#D62839'], ['#ffffff'], red)).toBeGreaterThan(30);
  });

  it('keeps the adjustment small: many faults never cost more than the floor', () => {
    const l = clean();
    l.texts[0].contrast = 1.2;
    l.texts[0].box = { x: 0, y: 0, w: 1080, h: 1350 };
    l.colours = ['#000000'];
    const v = designerChecks(l, { palette: ['#F7A1C4', '#F5D732'] }, []);
    expect(v.checks.filter((c) => !c.pass).map((c) => c.id)).toEqual(
      expect.arrayContaining(['legibility', 'safe_zone', 'subject_clear', 'logo_clear', 'brand_palette']),
    );
    expect(v.adjustment).toBe(DESIGN_WEIGHTS.min);
  });
});

describe('designer checks join the ranking', () => {
  const judgement = (index: number, descriptor: number[]): ImageJudgement => ({
    index,
    fidelity: 0.6,
    aesthetic: 0.6,
    consistency: 0.9,
    components: {},
    features: [0.6, 0.6],
    descriptor: Float32Array.from(descriptor),
  });

  it('a design fault sinks an otherwise equal image below a clean one', () => {
    const faulty = clean();
    faulty.texts[1].contrast = 2;
    const adjust = new Map([
      [0, designerChecks(faulty, undefined, []).adjustment],
      [1, designerChecks(clean(), undefined, []).adjustment],
    ]);
    const opts = { markBest: true, seed: 1, validation: DEFAULT_VALIDATION };
    const js = [judgement(0, [1, 0]), judgement(1, [0, 1])];
    expect(scoreGeneration(js, { fidelity: 1, aesthetic: 1 }, opts).images[0].index).toBe(0);
    const ranked = scoreGeneration(js, { fidelity: 1, aesthetic: 1 }, { ...opts, adjust }).images;
    expect(ranked.map((i) => i.index)).toEqual([1, 0]);
    expect(ranked[0].final - ranked[1].final).toBeCloseTo(
      4 * DESIGN_WEIGHTS.pass - (DESIGN_WEIGHTS.fail + 3 * DESIGN_WEIGHTS.pass),
      5,
    );
  });
});
