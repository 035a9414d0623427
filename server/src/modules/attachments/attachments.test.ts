import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../test-support/test-context';
import { insertTestLead } from '../messages/chatter-test-support';
import { postMessage } from '../messages/message.service';
import { AttachmentModel } from './attachment.model';
import { openAttachmentStream, storeAttachment } from './attachment.service';

useTestDatabase();

let context: TestContext;
let salesman: TestUser;
let otherSalesman: TestUser;

beforeAll(async () => {
  context = createTestContext({ env: { MAIL_MAX_BYTES: '4096' } });
  salesman = await context.createUser({ accessLevel: 'own' });
  otherSalesman = await context.createUser({ accessLevel: 'own' });
});

function gridFsFileCount(): Promise<number> {
  return mongoose.connection.collection('attachments.files').countDocuments();
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('attachments over HTTP', () => {
  it('uploads into GridFS, lists, streams back byte for byte, deletes', async () => {
    const leadId = await insertTestLead({ name: 'Files', userId: salesman.userId });
    const content = Buffer.from(Array.from({ length: 3000 }, (_, index) => index % 251));
    const upload = await context.request
      .post(`/api/v1/leads/${leadId}/attachments`)
      .set(salesman.auth)
      .attach('file', content, { filename: 'offer.pdf', contentType: 'application/pdf' });
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({
      resModel: 'lead',
      resId: leadId,
      fileName: 'offer.pdf',
      contentType: 'application/pdf',
      size: 3000,
      checksum: createHash('sha256').update(content).digest('hex'),
    });
    const stored = await AttachmentModel.findById(upload.body.id).lean();
    expect(Object.keys(stored!)).not.toContain('content');

    const list = await context.request
      .get(`/api/v1/leads/${leadId}/attachments`)
      .set(salesman.auth);
    expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([upload.body.id]);

    const download = await context.request
      .get(`/api/v1/attachments/${upload.body.id}/content`)
      .set(salesman.auth)
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(
      /^attachment; filename="?offer\.pdf"?$/,
    );
    expect(Buffer.compare(download.body as Buffer, content)).toBe(0);

    await context.request
      .delete(`/api/v1/attachments/${upload.body.id}`)
      .set(salesman.auth)
      .expect(204);
    await context.request
      .get(`/api/v1/attachments/${upload.body.id}`)
      .set(salesman.auth)
      .expect(404);
    expect(await gridFsFileCount()).toBe(0);
  });

  it('serves active content types as opaque bytes', async () => {
    const leadId = await insertTestLead({ name: 'Html', userId: salesman.userId });
    const upload = await context.request
      .post(`/api/v1/leads/${leadId}/attachments`)
      .set(salesman.auth)
      .attach('file', Buffer.from('<script>alert(1)</script>'), {
        filename: 'x.html',
        contentType: 'text/html',
      });
    const download = await context.request
      .get(`/api/v1/attachments/${upload.body.id}/content`)
      .set(salesman.auth);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
  });

  it('stores identical content once, and the same file on one record once', async () => {
    const leadA = await insertTestLead({ name: 'A', userId: salesman.userId });
    const leadB = await insertTestLead({ name: 'B', userId: salesman.userId });
    const before = await gridFsFileCount();
    const content = Buffer.from('the same quote, twice');
    const first = await storeAttachment({
      resModel: 'lead',
      resId: leadA,
      fileName: 'q.txt',
      contentType: 'text/plain',
      content,
    });
    const again = await storeAttachment({
      resModel: 'lead',
      resId: leadA,
      fileName: 'q.txt',
      contentType: 'text/plain',
      content,
    });
    const elsewhere = await storeAttachment({
      resModel: 'lead',
      resId: leadB,
      fileName: 'q.txt',
      contentType: 'text/plain',
      content,
    });
    expect(again.id).toBe(first.id);
    expect(elsewhere.id).not.toBe(first.id);
    expect(await gridFsFileCount()).toBe(before + 1);

    await context.request.delete(`/api/v1/attachments/${first.id}`).set(salesman.auth).expect(204);
    expect(await gridFsFileCount()).toBe(before + 1);
    const { stream } = await openAttachmentStream(elsewhere.id);
    expect((await readAll(stream)).toString()).toBe('the same quote, twice');
  });

  it('resolves cid: images of a pushed mail to its stored parts', async () => {
    const leadId = await insertTestLead({ name: 'Inline', userId: salesman.userId });
    const logo = await storeAttachment({
      resModel: 'lead',
      resId: leadId,
      fileName: 'logo.png',
      contentType: 'image/png',
      content: Buffer.from('89504e47', 'hex'),
      contentId: '<Logo.1@Mail>',
    });
    const message = await postMessage({
      resModel: 'lead',
      resId: leadId,
      kind: 'email',
      messageId: '<inline@mail>',
      bodyHtml: '<p><img src="cid:logo.1@mail" alt="logo"></p>',
      attachmentIds: [logo.id],
    });
    expect(message.bodyHtml).toBe(
      `<p><img alt="logo" src="/api/v1/attachments/${logo.id}/content" /></p>`,
    );
  });

  it('hides the attachments of a lead the caller may not read', async () => {
    const leadId = await insertTestLead({ name: 'Secret', userId: otherSalesman.userId });
    const upload = await context.request
      .post(`/api/v1/leads/${leadId}/attachments`)
      .set(otherSalesman.auth)
      .attach('file', Buffer.from('secret'), 'secret.txt');
    expect(upload.status).toBe(201);
    await context.request.get(`/api/v1/leads/${leadId}/attachments`).set(salesman.auth).expect(404);
    await context.request
      .get(`/api/v1/attachments/${upload.body.id}`)
      .set(salesman.auth)
      .expect(404);
    const hidden = await context.request
      .get(`/api/v1/attachments/${upload.body.id}/content`)
      .set(salesman.auth);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe('Attachment not found');
    await context.request
      .delete(`/api/v1/attachments/${upload.body.id}`)
      .set(salesman.auth)
      .expect(404);
    await context.request
      .post(`/api/v1/leads/${leadId}/attachments`)
      .set(salesman.auth)
      .attach('file', Buffer.from('x'), 'x.txt')
      .expect(404);
  });

  it('refuses uploads without a file, too large, or not multipart, storing nothing', async () => {
    const leadId = await insertTestLead({ name: 'Bad uploads', userId: salesman.userId });
    const before = await gridFsFileCount();
    const noFile = await context.request
      .post(`/api/v1/leads/${leadId}/attachments`)
      .set(salesman.auth)
      .field('note', 'no file here');
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.details.issues[0].field).toBe('body.file');
    const tooLarge = await context.request
      .post(`/api/v1/leads/${leadId}/attachments`)
      .set(salesman.auth)
      .attach('file', Buffer.alloc(5000, 1), 'big.bin');
    expect(tooLarge.status).toBe(413);
    await context.request
      .post(`/api/v1/leads/${leadId}/attachments`)
      .set(salesman.auth)
      .send({ file: 'x' })
      .expect(415);
    expect(
      await AttachmentModel.countDocuments({ resId: new mongoose.Types.ObjectId(leadId) }),
    ).toBe(0);
    expect(await gridFsFileCount()).toBe(before);
  });
});
