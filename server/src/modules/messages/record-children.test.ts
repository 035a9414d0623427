import mongoose, { Types } from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import { ActivityModel } from '../activities/activity.model';
import { AttachmentModel } from '../attachments/attachment.model';
import { storeAttachment } from '../attachments/attachment.service';
import { FollowerModel } from '../followers/follower.model';
import { followRecord } from '../followers/follower.service';
import { createTestPartner } from './chatter-test-support';
import { MessageModel } from './message.model';
import { postMessage } from './message.service';
import { moveRecordChildren } from './record-children.service';

useTestDatabase();

describe('moveRecordChildren (merge)', () => {
  it('moves chatter, activities, attachments and followers onto the head without duplicates', async () => {
    const head = new Types.ObjectId();
    const tailA = new Types.ObjectId();
    const tailB = new Types.ObjectId();
    const [ana, bob] = [await createTestPartner('Ana'), await createTestPartner('Bob')];

    await postMessage({
      resModel: 'lead',
      resId: head,
      kind: 'email',
      messageId: '<shared@x>',
      subject: 'Hi',
    });
    await postMessage({
      resModel: 'lead',
      resId: tailA,
      kind: 'email',
      messageId: '<shared@x>',
      subject: 'Hi',
    });
    await postMessage({
      resModel: 'lead',
      resId: tailA,
      kind: 'note',
      bodyHtml: 'note A',
      subject: 'Call',
    });
    await postMessage({
      resModel: 'lead',
      resId: tailA,
      kind: 'email',
      messageId: '<only-tails@x>',
    });
    await postMessage({
      resModel: 'lead',
      resId: tailB,
      kind: 'email',
      messageId: '<only-tails@x>',
    });
    await ActivityModel.create({
      resModel: 'lead',
      resId: tailB,
      userId: new Types.ObjectId(),
      dateDeadline: '2030-01-01',
    });
    await storeAttachment({
      resModel: 'lead',
      resId: tailA,
      fileName: 'a.txt',
      contentType: 'text/plain',
      content: Buffer.from('a'),
    });
    await followRecord({ resModel: 'lead', resId: head, partnerId: ana });
    await followRecord({ resModel: 'lead', resId: tailA, partnerId: ana });
    await followRecord({ resModel: 'lead', resId: tailA, partnerId: bob });
    await followRecord({ resModel: 'lead', resId: tailB, partnerId: bob });
    // Another kind of record with the same id is left alone.
    await postMessage({
      resModel: 'partner',
      resId: tailA,
      kind: 'note',
      bodyHtml: 'partner note',
    });

    const session = await mongoose.startSession();
    let moved;
    try {
      moved = await session.withTransaction(() =>
        moveRecordChildren(
          {
            resModel: 'lead',
            fromIds: [tailA, tailB.toHexString()],
            toId: head,
            recordNames: { [tailA.toHexString()]: 'Old opportunity with a long name' },
          },
          { session },
        ),
      );
    } finally {
      await session.endSession();
    }
    expect(moved).toEqual({ messages: 2, activities: 1, attachments: 1, followers: 1 });

    const headMessages = await MessageModel.find({ resModel: 'lead', resId: head })
      .sort({ _id: 1 })
      .lean();
    expect(headMessages.map((message) => message.messageId ?? message.subject)).toEqual([
      '<shared@x>',
      'From Old opportunity with a long name: Call',
      '<only-tails@x>',
    ]);
    expect(
      await MessageModel.countDocuments({ resModel: 'lead', resId: { $in: [tailA, tailB] } }),
    ).toBe(0);
    expect(await MessageModel.countDocuments({ resModel: 'partner', resId: tailA })).toBe(1);
    expect(await ActivityModel.countDocuments({ resId: head })).toBe(1);
    const attachment = await AttachmentModel.findOne({ resId: head }).lean();
    expect(attachment?.fileName).toBe('a.txt (from Old opportunity with)');
    const followers = await FollowerModel.find({ resModel: 'lead' }).lean();
    expect(
      followers
        .map(
          (f) => `${f.resId.toHexString() === head.toHexString() ? 'head' : 'tail'}:${f.partnerId}`,
        )
        .sort(),
    ).toEqual([`head:${ana}`, `head:${bob}`].sort());
  });

  it('does nothing when the head is the only record', async () => {
    const head = new Types.ObjectId();
    expect(await moveRecordChildren({ resModel: 'lead', fromIds: [head], toId: head })).toEqual({
      messages: 0,
      activities: 0,
      attachments: 0,
      followers: 0,
    });
  });
});
