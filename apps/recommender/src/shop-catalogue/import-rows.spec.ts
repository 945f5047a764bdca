import 'reflect-metadata';
import { CatalogFormatError } from '../catalog/catalog-file-parser';
import { parseImport, suggestMapping } from './import-rows';

describe('parseImport', () => {
  it('maps CSV columns by convention or by the given mapping and names every bad row', () => {
    const csv = [
      'Артикул,Название,Цена,Категория,colour,note',
      'a1,Red dress,1990,Women > Dresses,red,x',
      'a2,,500,,,',
      'a3,Blue shirt,abc,,blue,',
      'a4,Too many,1,,,,extra',
      'a1,Again,1,,,',
      'a5,"Quoted, with comma",12.5,,green,',
    ].join('\n');
    const mapping = suggestMapping(['Артикул', 'Название', 'Цена', 'Категория', 'colour', 'note']);
    expect(mapping).toEqual({
      Артикул: 'externalId',
      Название: 'title',
      Цена: 'price',
      Категория: 'category',
      colour: 'attribute',
      note: 'attribute',
    });
    const parsed = parseImport('csv', csv, { note: 'ignore' });
    expect(parsed.total).toBe(6);
    expect(parsed.valid.map((r) => [r.row, r.item.externalId])).toEqual([
      [2, 'a1'],
      [7, 'a5'],
    ]);
    expect(parsed.valid[0].item).toMatchObject({
      title: 'Red dress',
      price: 1990,
      categoryPath: ['Women', 'Dresses'],
      attributes: { colour: 'red' },
    });
    expect(parsed.valid[0].item.attributes).not.toHaveProperty('note');
    expect(parsed.invalidRows).toBe(4);
    expect([...new Set(parsed.errors.map((e) => e.row))]).toEqual([3, 4, 5, 6]);
    expect(parsed.errors.find((e) => e.row === 5)?.problems[0]).toContain('7 columns');
    expect(parsed.errors.find((e) => e.row === 6)?.problems[0]).toBe('duplicate of row 2');
  });

  it('refuses a broken file as a whole: open quote, reserved or missing columns, bad JSON', () => {
    expect(() => parseImport('csv', 'id,title\n1,"open\n2,b\n')).toThrow(CatalogFormatError);
    expect(() => parseImport('csv', 'id,title,__proto__\n1,a,b\n')).toThrow(/reserved/);
    expect(() => parseImport('csv', 'foo,bar\n1,2\n')).toThrow(/externalId/);
    expect(() => parseImport('json', '{"items": 3}')).toThrow(CatalogFormatError);
    expect(() => parseImport('json', '[{')).toThrow(/not valid JSON/);
  });

  it('reads JSON items with 1-based row numbers; null and bad fields are row errors', () => {
    const parsed = parseImport(
      'json',
      JSON.stringify([
        { externalId: 'j1', title: 'One', price: 10 },
        null,
        { externalId: 'j3', title: 'x', price: -1 },
      ]),
    );
    expect(parsed.valid.map((r) => r.row)).toEqual([1]);
    expect(parsed.errors.map((e) => [e.row, e.field])).toEqual([
      [2, ''],
      [3, 'price'],
    ]);
  });
});
