import { Types } from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import { PartnerModel } from '../partners/partner.model';
import { ContactSequenceCounterModel } from './contact-change.model';
import {
  abandonedGapMs,
  readCounter,
  readStableChanges,
  recordContactChange,
} from './contact-change-log';

useTestDatabase();
jest.setTimeout(30_000);

async function newPartner(name: string): Promise<Types.ObjectId> {
  const _id = new Types.ObjectId();
  await PartnerModel.create({
    _id,
    name,
    nameNormalized: name.toLowerCase(),
    commercialPartnerId: _id,
  });
  return _id;
}

describe('contact change sequence', () => {
  it('gives concurrent writers distinct, gap-free sequence numbers', async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, index) => newPartner(`P${index}`)),
    );
    const before = (await readCounter()).seq;
    const seqs = (
      await Promise.all(ids.map((partnerId) => recordContactChange({ partnerId })))
    ).map((r) => r.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, index) => before + index + 1),
    );
    const page = await readStableChanges(before, 100);
    expect(page.entries).toHaveLength(20);
    expect(page.stableSeq).toBe(before + 20);
  });

  it('stops before a sequence allocated but not yet committed, until it is older than any transaction', async () => {
    const start = (await readCounter()).seq;
    const first = await recordContactChange({ partnerId: await newPartner('Before hole') });
    // A writer that took a number and has not committed (yet): the hole.
    await ContactSequenceCounterModel.updateOne(
      { _id: 'contacts' },
      { $inc: { seq: 1 }, $set: { allocatedAt: new Date() } },
    );
    const after = await recordContactChange({ partnerId: await newPartner('After hole') });

    const now = await readStableChanges(start, 100);
    expect(now.entries.map((entry) => entry.seq)).toEqual([first.seq]);
    expect(now.stableSeq).toBe(first.seq);

    const later = await readStableChanges(start, 100, new Date(Date.now() + abandonedGapMs + 1000));
    expect(later.entries.map((entry) => entry.seq)).toEqual([first.seq, after.seq]);
    expect(later.stableSeq).toBe(after.seq);
  });

  it('records an archived partner as a tombstone without a snapshot', async () => {
    const partnerId = await newPartner('Gone');
    await PartnerModel.updateOne({ _id: partnerId }, { $set: { active: false } });
    const { seq } = await recordContactChange({ partnerId });
    const page = await readStableChanges(seq - 1, 10);
    expect(page.entries[0]).toMatchObject({ seq, deleted: true });
    expect(page.entries[0]?.snapshot).toBeUndefined();
  });
});
