import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturesDirectory } from './fixtures-path.test-support';
import { parseRawMail } from './parse-raw-mail';

const read = (folder: string, name: string) =>
  readFileSync(path.join(fixturesDirectory, folder, name));

describe('parseRawMail', () => {
  const all = ['mail', 'mime-torture'].flatMap((folder) =>
    readdirSync(path.join(fixturesDirectory, folder))
      .filter((file) => file.endsWith('.eml'))
      .map((file) => [folder, file] as const),
  );

  it.each(all)('parses %s/%s', async (folder, file) => {
    const mail = await parseRawMail(read(folder, file));
    expect(typeof mail.subject).toBe('string');
    expect(mail.text).not.toMatch(/\r/);
    for (const attachment of mail.attachments) {
      expect((await attachment.getContent()).byteLength).toBe(attachment.size);
    }
  });

  it('reads thread headers, addresses, attachments and dates', async () => {
    const mail = await parseRawMail(read('mail', 'rfq-office-chairs-en.eml'));
    expect(mail.messageId).toBe('<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>');
    expect(mail.from).toEqual({
      name: 'Margaret Lindqvist',
      address: 'margaret.lindqvist@bluefin-logistics.example.com',
    });
    expect(mail.cc).toHaveLength(2);
    expect(mail.date).toBe('2026-11-10T08:14:27.000Z');
    expect(mail.organization).toBe('Bluefin Logistics Ltd');
    const pdf = mail.attachments.find(
      (attachment) => attachment.fileName === 'RFQ-BL-2026-118.pdf',
    );
    expect(pdf).toMatchObject({
      contentType: 'application/pdf',
      size: 1304,
      disposition: 'attachment',
    });

    const reply = await parseRawMail(read('mail', 'rfq-reply-thread-en.eml'));
    expect(reply.inReplyTo).toBe('<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>');
    expect(reply.references).toEqual(['<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>']);
  });

  it('keeps the inline logo as a related part with its bare Content-ID', async () => {
    const mail = await parseRawMail(read('mail', 'html-with-inline-image.eml'));
    const logo = mail.attachments.find((attachment) => attachment.contentType === 'image/png');
    expect(logo).toMatchObject({ contentId: 'image001.png@01DB5A2E.5C3E7B10', related: true });
    expect(mail.rawHtml).toContain('cid:image001.png@01DB5A2E.5C3E7B10');
    expect(mail.text).toContain('Oliver Brandt');
  });

  it('falls back to the raw header for an unquoted comma in the From name', async () => {
    const raw =
      'From: Lindqvist, Margaret <m.lindqvist@bluefin.example.com>\r\nTo: a@b.example\r\nSubject: x\r\n\r\nbody\r\n';
    const mail = await parseRawMail(raw);
    expect(mail.from).toEqual({
      name: 'Lindqvist, Margaret',
      address: 'm.lindqvist@bluefin.example.com',
    });
  });

  it('has no sender for the headerless torture mail (the use case refuses it clearly)', async () => {
    const mail = await parseRawMail(read('mime-torture', 'postal-mime-mixed.eml'));
    expect(mail.from).toBeUndefined();
  });
});
