import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import mongoose from 'mongoose';
import { ObjectId } from 'bson';
import { useTestDatabase } from '../test-database';
import { database, rejectionOf } from './conformance-helpers';

function bucket(): InstanceType<typeof mongoose.mongo.GridFSBucket> {
  return new mongoose.mongo.GridFSBucket(database(), { bucketName: 'attachments' });
}

async function upload(content: Buffer, filename: string): Promise<ObjectId> {
  const stream = bucket().openUploadStream(filename, { metadata: { size: content.length } });
  await new Promise<void>((resolve, reject) => {
    Readable.from([content])
      .pipe(stream)
      .on('finish', () => resolve())
      .on('error', reject);
  });
  return stream.id as ObjectId;
}

describe('GridFS (attachments)', () => {
  useTestDatabase();

  it.each([
    ['0 B', 0],
    ['1 B', 1],
    ['255 KiB (exactly one chunk)', 255 * 1024],
    ['600 KB (three chunks)', 600_000],
  ])('round-trips %s byte for byte', async (_label, size) => {
    const content = randomBytes(size);
    const id = await upload(content, `file-${size}.bin`);
    const downloaded = await buffer(bucket().openDownloadStream(id));
    expect(downloaded.equals(content)).toBe(true);
    const [file] = await bucket().find({ _id: id }).toArray();
    expect(file).toMatchObject({
      length: size,
      chunkSize: 261_120,
      filename: `file-${size}.bin`,
      metadata: { size },
    });
    expect(await database().collection('attachments.chunks').countDocuments({ files_id: id })).toBe(
      Math.ceil(size / 261_120),
    );
  });

  it('creates the bucket indexes, chunks unique on (files_id, n)', async () => {
    await upload(Buffer.from('index check'), 'index.txt');
    const chunkIndexes = await database().collection('attachments.chunks').indexes();
    expect(chunkIndexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: { files_id: 1, n: 1 }, unique: true }),
      ]),
    );
    const fileIndexes = await database().collection('attachments.files').indexes();
    expect(fileIndexes).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: { filename: 1, uploadDate: 1 } })]),
    );
  });

  it('downloads the latest revision by name', async () => {
    await upload(Buffer.from('v1'), 'same-name.txt');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await upload(Buffer.from('v2'), 'same-name.txt');
    expect((await buffer(bucket().openDownloadStreamByName('same-name.txt'))).toString()).toBe(
      'v2',
    );
  });

  it('deletes a file with its chunks; deleting or downloading a missing id fails', async () => {
    const id = await upload(randomBytes(300_000), 'delete-me.bin');
    await bucket().delete(id);
    expect(await database().collection('attachments.files').countDocuments({ _id: id })).toBe(0);
    expect(await database().collection('attachments.chunks').countDocuments({ files_id: id })).toBe(
      0,
    );
    expect((await rejectionOf(bucket().delete(id))).message).toMatch(/File not found for id/);
    expect(
      (await rejectionOf(buffer(bucket().openDownloadStream(new ObjectId())))).message,
    ).toMatch(/FileNotFound|File not found/);
  });
});
