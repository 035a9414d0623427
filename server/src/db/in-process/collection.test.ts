import { ObjectId } from 'bson';
import { parseIndexSpec } from './collection-index';
import { Collection, type WriteJournal } from './collection';
import { Filter } from './query';

const journal: WriteJournal = { beforeWrite: () => undefined };

describe('Collection', () => {
  function collectionWith(count: number): Collection {
    const collection = new Collection('db', 'people');
    collection.createIndex(parseIndexSpec({ key: { email: 1 }, name: 'email_1', unique: true }));
    collection.createIndex(parseIndexSpec({ key: { team: 1 }, name: 'team_1' }));
    for (let position = 0; position < count; position += 1) {
      collection.insert(
        { _id: new ObjectId(), email: `p${position}@x`, team: `t${position % 10}` },
        journal,
      );
    }
    return collection;
  }

  it('plans equality and $in lookups through the hash indexes instead of scanning', () => {
    const collection = collectionWith(1_000);
    expect(collection.candidates(new Filter({ email: 'p5@x' }))).toHaveLength(1);
    expect(
      collection.candidates(new Filter({ email: { $in: ['p5@x', 'p6@x', 'nobody'] } })),
    ).toHaveLength(2);
    expect(collection.candidates(new Filter({ team: 't3', email: /x/ }))).toHaveLength(100);
    expect(collection.candidates(new Filter({ email: /p5/ }))).toHaveLength(1_000);
  });

  it('uses the first field of a compound index alone (GridFS chunks by files_id)', () => {
    const chunks = new Collection('db', 'attachments.chunks');
    chunks.createIndex(
      parseIndexSpec({ key: { files_id: 1, n: 1 }, name: 'files_id_1_n_1', unique: true }),
    );
    const files = [new ObjectId(), new ObjectId()];
    for (const file of files)
      for (let n = 0; n < 5; n += 1)
        chunks.insert({ _id: new ObjectId(), files_id: file, n }, journal);
    expect(chunks.candidates(new Filter({ files_id: files[1] }))).toHaveLength(5);
    expect(
      chunks.candidates(new Filter({ files_id: { $eq: files[0] }, n: { $gte: 2 } })),
    ).toHaveLength(5);
    expect(chunks.candidates(new Filter({ files_id: files[0], n: 3 }))).toHaveLength(1);
  });

  describe('compound prefixes (the pipeline filters teamId, active and type together)', () => {
    const types = ['lead', 'opportunity'];
    function leads(): Collection {
      const collection = new Collection('db', 'leads');
      collection.createIndex(
        parseIndexSpec({ key: { team: 1, active: 1, type: 1, stage: 1 }, name: 'team_pipeline' }),
      );
      for (let position = 0; position < 400; position += 1)
        collection.insert(
          {
            _id: position,
            team: `t${position % 2}`,
            active: position % 4 < 2,
            type: types[position % 8 < 4 ? 0 : 1],
            stage: `s${position % 16 < 8 ? 0 : 1}`,
          },
          journal,
        );
      return collection;
    }
    const count = (collection: Collection, filter: Record<string, unknown>): number =>
      collection.candidates(new Filter(filter)).length;

    it('narrows by the longest run of pinned leading fields, inside $and too', () => {
      const collection = leads();
      expect(count(collection, { team: 't0' })).toBe(200);
      expect(count(collection, { team: 't0', active: true })).toBe(100);
      expect(
        count(collection, { $and: [{}, { team: 't0', type: 'opportunity', active: true }] }),
      ).toBe(50);
      expect(count(collection, { $and: [{ $and: [{ team: 't1' }] }, { active: false }] })).toBe(
        100,
      );
      expect(count(collection, { team: 't0', active: true, type: 'lead', stage: 's1' })).toBe(25);
      // A gap (active not pinned) stops the run at team; a range does not pin.
      expect(count(collection, { team: 't0', type: 'lead' })).toBe(200);
      expect(count(collection, { team: 't0', active: { $ne: false }, type: 'lead' })).toBe(200);
    });

    it('$in lists multiply into several prefix lookups, up to 1000 keys', () => {
      const collection = leads();
      expect(count(collection, { team: { $in: ['t0', 't1'] }, active: true, type: 'lead' })).toBe(
        100,
      );
      expect(count(collection, { team: 't0', active: { $in: [] } })).toBe(0);
      const many = Array.from({ length: 600 }, (_, position) => `t${position}`);
      // 600 teams x 2 values of active would be 1200 keys: the lookup stops at team.
      expect(count(collection, { team: { $in: many }, active: { $in: [true, false] } })).toBe(400);
      expect(count(collection, { team: { $in: many }, active: true })).toBe(200);
    });

    it('keeps prefix entries right through updates, deletes and rollbacks', () => {
      const collection = leads();
      const before = collection.getById('d0');
      collection.write('d0', { ...before, active: false }, journal);
      expect(count(collection, { team: 't0', active: true })).toBe(99);
      expect(count(collection, { team: 't0', active: false })).toBe(101);
      collection.restore('d0', before);
      expect(count(collection, { team: 't0', active: true, type: 'lead' })).toBe(50);
      collection.write('d0', undefined, journal);
      expect(count(collection, { team: 't0', active: true, type: 'lead' })).toBe(49);
    });

    it('a sparse or partial compound index serves nothing (it omits documents)', () => {
      for (const options of [{ sparse: true }, { partialFilterExpression: { active: true } }]) {
        const collection = new Collection('db', 'partial');
        collection.createIndex(
          parseIndexSpec({ key: { team: 1, active: 1 }, name: 'team_active', ...options }),
        );
        collection.insert({ _id: 1, team: 't0', active: true }, journal);
        collection.insert({ _id: 2, active: false }, journal);
        collection.insert({ _id: 3 }, journal);
        expect(count(collection, { team: 't0', active: true })).toBe(3);
        expect(count(collection, { team: null, active: null })).toBe(3);
      }
    });
  });

  it('keeps indexes consistent through updates, deletes and rollbacks', () => {
    const collection = collectionWith(3);
    const [first] = collection.all();
    const id = String(first?._id.toHexString());
    const key = `o${id}`;
    collection.write(key, { ...first, email: 'moved@x' }, journal);
    expect(collection.candidates(new Filter({ email: 'p0@x' }))).toHaveLength(0);
    expect(collection.candidates(new Filter({ email: 'moved@x' }))).toHaveLength(1);
    collection.restore(key, first);
    expect(collection.candidates(new Filter({ email: 'p0@x' }))).toHaveLength(1);
    collection.write(key, undefined, journal);
    expect(collection.size).toBe(2);
    expect(collection.candidates(new Filter({ email: 'p0@x' }))).toHaveLength(0);
  });

  it('a failed unique check changes nothing', () => {
    const collection = collectionWith(2);
    const [first] = collection.all();
    expect(() =>
      collection.write(
        `o${String(first?._id.toHexString())}`,
        { ...first, email: 'p1@x', team: 'new' },
        journal,
      ),
    ).toThrow(expect.objectContaining({ code: 11000 }));
    expect(collection.candidates(new Filter({ team: 'new' }))).toHaveLength(0);
    expect(collection.candidates(new Filter({ email: 'p0@x' }))).toHaveLength(1);
  });
});
