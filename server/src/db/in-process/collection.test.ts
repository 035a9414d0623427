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
