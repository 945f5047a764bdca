import 'reflect-metadata';
import { CatalogFormatError, csvToItems, jsonToItems, validateItems } from './catalog-file-parser';
import { parseCsv } from './csv';

describe('catalog files', () => {
  it('parses quoted CSV fields with commas, quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
    ]);
  });

  it('maps the fashion catalogue columns onto items', () => {
    const csv =
      'id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n' +
      '15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,NA,Turtle Check Men Navy Blue Shirt\n';
    const [row] = csvToItems(csv, { categoryColumns: ['masterCategory', 'subCategory', 'articleType'] });
    expect(row.item).toEqual({
      externalId: '15970',
      title: 'Turtle Check Men Navy Blue Shirt',
      description: undefined,
      categoryPath: ['Apparel', 'Topwear', 'Shirts'],
      attributes: { gender: 'Men', baseColour: 'Navy Blue', season: 'Fall', year: '2011' },
      price: undefined,
      currency: undefined,
    });
    expect(() => csvToItems('foo,bar\n1,2\n')).toThrow(CatalogFormatError);
  });

  it('reads JSON arrays or {items}, keeping the image file name apart', () => {
    const rows = jsonToItems('{"items":[{"externalId":"a","title":"A","image":"a.jpg"}]}');
    expect(rows).toEqual([{ item: { externalId: 'a', title: 'A' }, imageFile: 'a.jpg' }]);
  });

  it('rejects the whole batch naming the bad rows', () => {
    try {
      validateItems([
        { externalId: 'ok', title: 'Fine' },
        { externalId: 'bad id!', title: '' },
      ]);
      throw new Error('expected a failure');
    } catch (err) {
      expect(err).toBeInstanceOf(CatalogFormatError);
      expect((err as CatalogFormatError).details).toEqual(
        expect.arrayContaining([expect.objectContaining({ row: 1, field: 'externalId' })]),
      );
    }
  });
});

describe('catalog files from strangers', () => {
  it('refuses reserved column names and rows with more cells than the header, naming where', () => {
    expect(() => csvToItems('id,title,__proto__\n1,a,x\n')).toThrow(/line 1: column name __proto__ is reserved/);
    expect(() => csvToItems('id,title,constructor\n1,a,x\n')).toThrow(/reserved/);
    expect(() => csvToItems('id,title\n1,a\n2,b,c\n')).toThrow(/row 3: 3 columns, the header has 2/);
  });

  it('keeps any other column name as plain data, never on a prototype', () => {
    const [row] = csvToItems('id,title,toString,hasOwnProperty\n1,a,x,y\n');
    expect(row.item.attributes).toEqual({ toString: 'x', hasOwnProperty: 'y' });
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });

  it('refuses JSON items that are not objects', () => {
    expect(() => jsonToItems('[null]')).toThrow(/item 0: must be a JSON object/);
    expect(() => jsonToItems('[{"externalId":"a"}, 3]')).toThrow(/item 1/);
    expect(() => jsonToItems('null')).toThrow(/array of items/);
  });
});
