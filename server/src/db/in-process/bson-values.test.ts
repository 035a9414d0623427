import { Binary, Decimal128, Long, ObjectId } from 'bson';
import { canonicalKey, compareValues, formatDocument, toRegExp } from './bson-values';
import { BSONRegExp } from 'bson';

describe('canonicalKey', () => {
  it('is equal exactly for values MongoDB considers equal', () => {
    const id = new ObjectId();
    expect(canonicalKey(new ObjectId(id.toHexString()))).toBe(canonicalKey(id));
    expect(canonicalKey(id)).not.toBe(canonicalKey(id.toHexString()));
    expect(canonicalKey(5)).toBe(canonicalKey(5.0));
    expect(canonicalKey(5)).not.toBe(canonicalKey('5'));
    expect(canonicalKey(null)).toBe(canonicalKey(undefined));
    expect(canonicalKey(new Date(5))).toBe(canonicalKey(new Date(5)));
    expect(canonicalKey({ a: 1, b: 2 })).not.toBe(canonicalKey({ b: 2, a: 1 }));
    expect(canonicalKey(new Binary(Buffer.from('ab')))).toBe(
      canonicalKey(new Binary(Buffer.from('ab'))),
    );
  });
});

describe('compareValues (BSON sort order)', () => {
  it('orders types as MongoDB does', () => {
    const ordered = [
      null,
      -1,
      2.5,
      'A',
      'a',
      { a: 1 },
      [0],
      new Binary(Buffer.from('x')),
      new ObjectId('000000000000000000000001'),
      false,
      true,
      new Date(0),
      /x/,
    ];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareValues)).toEqual(ordered);
  });

  it('compares numbers numerically, Longs included, and refuses Decimal128', () => {
    expect(compareValues(Long.fromNumber(10), 9)).toBe(1);
    expect(compareValues(10, 9)).toBe(1);
    expect(() => compareValues(Decimal128.fromString('1'), 2)).toThrow(/Decimal128/);
  });
});

describe('formatDocument', () => {
  it('prints like the server in E11000 messages', () => {
    expect(
      formatDocument({
        email: 'a@x',
        n: 1,
        missing: null,
        id: new ObjectId('65a000000000000000000001'),
      }),
    ).toBe(`{ email: "a@x", n: 1, missing: null, id: ObjectId('65a000000000000000000001') }`);
  });
});

describe('toRegExp', () => {
  it('converts supported options and refuses the ones JavaScript lacks', () => {
    expect(toRegExp(new BSONRegExp('^a', 'i'))).toEqual(/^a/i);
    expect(() => toRegExp(new BSONRegExp('^a # comment', 'x'))).toThrow(/option 'x'/);
  });
});
