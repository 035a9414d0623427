import { parseRawMail } from '@inbox-crm/shared/mail';
import { mockItemFromFixture } from '../test-support/outlook-mock';
import { OutlookHostError } from './office-async';
import { readRawMail, readThreadIds, toMailSummary, type ContentGap } from './outlook-mail';
import { detectCapabilities } from './requirement-sets';

const capabilitiesFor = (mailbox: string) =>
  detectCapabilities({
    isSetSupported: (name, version = '1.1') =>
      name === 'Mailbox' && Number(version.split('.')[1]) <= Number(mailbox.split('.')[1]),
  });

describe('toMailSummary', () => {
  test('copies the Office properties into plain host-neutral data', async () => {
    const { item } = await mockItemFromFixture('rfq-office-chairs-en.eml');
    const summary = toMailSummary(item);
    expect(summary).toEqual({
      hostId: 'AAMkADEx',
      messageId: '<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>',
      subject: 'Request for quotation: 120 ergonomic office chairs',
      from: {
        name: 'Margaret Lindqvist',
        address: 'margaret.lindqvist@bluefin-logistics.example.com',
      },
      to: [expect.objectContaining({ address: expect.stringContaining('@larchmont.example.net') })],
      cc: [expect.objectContaining({ name: 'Thomas Reyes' }), expect.any(Object)],
      date: expect.stringMatching(/^2026-/),
    });
    // Nested mock objects are not plain data: the summary must be (it is sent as JSON).
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });

  test('a mail without Message-ID has no messageId rather than an empty one', async () => {
    const { item } = await mockItemFromFixture('no-message-id.eml');
    expect(toMailSummary(item)).not.toHaveProperty('messageId');
  });

  test('keeps RFC 2047 names as Outlook decodes them (zh-CN)', async () => {
    const { item } = await mockItemFromFixture('inquiry-zh-cn.eml');
    const summary = toMailSummary(item);
    expect(summary.subject).toBe('询价：办公家具 500 套');
    expect(summary.from?.name).toBe('王磊');
  });
});

describe('readRawMail', () => {
  test('Mailbox 1.14: the .eml from getAsFileAsync, byte for byte', async () => {
    const { item, raw } = await mockItemFromFixture('rfq-office-chairs-en.eml', {
      withEml: true,
      withAttachmentContent: true,
    });
    const gaps = new Set<ContentGap>();
    const bytes = await readRawMail(item, capabilitiesFor('1.15'), gaps);
    expect(Buffer.from(bytes).equals(raw)).toBe(true);
    expect([...gaps]).toEqual([]);
  });

  test('below 1.14 the message is rebuilt from body, headers and attachments (1.8), and says so', async () => {
    const { item } = await mockItemFromFixture('rfq-office-chairs-en.eml', {
      withAttachmentContent: true,
    });
    const gaps = new Set<ContentGap>();
    const mail = await parseRawMail(await readRawMail(item, capabilitiesFor('1.12'), gaps));
    expect([...gaps]).toEqual(['eml-unavailable']);
    expect(mail.subject).toBe('Request for quotation: 120 ergonomic office chairs');
    expect(mail.messageId).toBe('<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>');
    expect(mail.from).toEqual({
      name: 'Margaret Lindqvist',
      address: 'margaret.lindqvist@bluefin-logistics.example.com',
    });
    expect(mail.text).toContain('120');
    const pdf = mail.attachments.find(
      (attachment) => attachment.fileName === 'RFQ-BL-2026-118.pdf',
    );
    expect(pdf).toBeDefined();
    const content = Buffer.from(await pdf!.getContent());
    expect(content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  test('below 1.8 the attachments cannot be read: text only, and the gap is reported', async () => {
    const { item } = await mockItemFromFixture('rfq-office-chairs-en.eml');
    const gaps = new Set<ContentGap>();
    const mail = await parseRawMail(await readRawMail(item, capabilitiesFor('1.5'), gaps));
    expect([...gaps].sort()).toEqual(['attachments-unavailable', 'eml-unavailable']);
    expect(
      mail.attachments.filter((attachment) => attachment.disposition === 'attachment'),
    ).toEqual([]);
  });

  test('an attachment the host refuses is skipped and reported, the rest is archived', async () => {
    const { item } = await mockItemFromFixture('rfq-office-chairs-en.eml', {
      withAttachmentContent: true,
      failingAttachment: 'RFQ-BL-2026-118.pdf',
    });
    const gaps = new Set<ContentGap>();
    const mail = await parseRawMail(await readRawMail(item, capabilitiesFor('1.12'), gaps));
    expect(gaps.has('attachment-skipped')).toBe(true);
    expect(mail.subject).toContain('office chairs');
  });

  test('a failed Office call becomes an OutlookHostError with the host code', async () => {
    const { item } = await mockItemFromFixture('no-message-id.eml');
    (item as unknown as { getAsFileAsync: unknown }).getAsFileAsync = (
      callback: (result: unknown) => void,
    ) =>
      callback({
        status: 'failed',
        error: { code: 9020, name: 'GenericResponseError', message: 'The host is busy' },
      });
    const error = await readRawMail(item, capabilitiesFor('1.14'), new Set()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OutlookHostError);
    expect(error).toMatchObject({
      hostCode: 9020,
      message: expect.stringContaining('The host is busy'),
    });
  });
});

describe('readThreadIds', () => {
  test('reads In-Reply-To and References from the internet headers (Outlook has no property for them)', async () => {
    const { item } = await mockItemFromFixture('rfq-reply-thread-en.eml', { withHeaders: true });
    expect(await readThreadIds(item)).toEqual({
      inReplyTo: '<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>',
      references: ['<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>'],
    });
  });

  test('a first mail has no thread ids, and a host without the API gives none', async () => {
    expect(
      await readThreadIds(
        (await mockItemFromFixture('rfq-office-chairs-en.eml', { withHeaders: true })).item,
      ),
    ).toEqual({});
    expect(
      await readThreadIds((await mockItemFromFixture('rfq-reply-thread-en.eml')).item),
    ).toEqual({});
  });
});
