import {
  collectMessageList,
  readRawMail,
  readThreadHeaders,
  realMessageId,
  stripMozillaStatusHeaders,
  toMailSource,
} from './mail-source';
import type { MessageHeader, MessageList } from './thunderbird-api';

const header = (id: number): MessageHeader => ({
  id,
  headerMessageId: `m${id}@example.com`,
  subject: `s${id}`,
  author: 'a@example.com',
  recipients: [],
  ccList: [],
  date: new Date(0),
  size: 1,
});

describe('collectMessageList', () => {
  it('follows continueList until the list id is null and reports progress per page', async () => {
    const pages: Record<string, MessageList> = {
      p2: { id: 'p3', messages: [header(3), header(4)] },
      p3: { id: null, messages: [header(5)] },
    };
    const continueList = jest.fn(async (id: string) => pages[id]!);
    const progress: number[] = [];
    const all = await collectMessageList(
      { continueList },
      { id: 'p2', messages: [header(1), header(2)] },
      (n) => progress.push(n),
    );
    expect(all.map((m) => m.id)).toEqual([1, 2, 3, 4, 5]);
    expect(continueList).toHaveBeenCalledTimes(2);
    expect(progress).toEqual([2, 4, 5]);
  });

  it('does not page when the first page is complete', async () => {
    const continueList = jest.fn();
    expect(
      await collectMessageList({ continueList }, { id: null, messages: [header(1)] }),
    ).toHaveLength(1);
    expect(continueList).not.toHaveBeenCalled();
  });
});

describe('stripMozillaStatusHeaders', () => {
  const original = 'Message-ID: <a@b>\r\nSubject: X-Mozilla-Status: in subject\r\n\r\nbody\r\n';
  const encode = (s: string) => new TextEncoder().encode(s);

  it('removes the three lines Thunderbird prepends, giving back the original bytes', () => {
    const stored = `X-Mozilla-Status: 0001\nX-Mozilla-Status2: 00000000\nX-Mozilla-Keys: ${' '.repeat(80)}\n${original}`;
    expect(new TextDecoder().decode(stripMozillaStatusHeaders(encode(stored)))).toBe(original);
  });

  it('leaves a mail without them, and such headers further down, untouched', () => {
    const later = `Subject: x\r\nX-Mozilla-Status: 0001\n\r\nbody`;
    expect(new TextDecoder().decode(stripMozillaStatusHeaders(encode(later)))).toBe(later);
    const bytes = encode(original);
    expect(stripMozillaStatusHeaders(bytes)).toBe(bytes);
  });

  it('keeps non-ASCII bytes intact', () => {
    const utf8 = encode(`X-Mozilla-Status: 0001\nSubject: 询价\r\n\r\nă ș`);
    expect(new TextDecoder().decode(stripMozillaStatusHeaders(utf8))).toBe(
      'Subject: 询价\r\n\r\nă ș',
    );
  });
});

describe('readRawMail', () => {
  it('asks for a File and strips the status lines', async () => {
    const getRaw = jest.fn(
      async () => new File(['X-Mozilla-Keys: \nSubject: hi\r\n\r\n'], 'message-1.eml'),
    );
    const raw = await readRawMail({ getRaw }, 7);
    expect(getRaw).toHaveBeenCalledWith(7, { data_format: 'File' });
    expect(new TextDecoder().decode(raw)).toBe('Subject: hi\r\n\r\n');
  });
});

describe('realMessageId', () => {
  it('treats Thunderbird-invented md5 ids as no Message-ID and drops brackets', () => {
    expect(realMessageId({ headerMessageId: 'md5:U8hiJWpQmVJJ0qBLvedR5A==' })).toBeUndefined();
    expect(realMessageId({ headerMessageId: '' })).toBeUndefined();
    expect(realMessageId({ headerMessageId: 'abc@example.com' })).toBe('abc@example.com');
    expect(realMessageId({ headerMessageId: '<abc@example.com>' })).toBe('abc@example.com');
  });
});

describe('toMailSource', () => {
  it('maps the Thunderbird header to the shared summary and reads the raw mail lazily', async () => {
    const getRaw = jest.fn(
      async () => new File(['X-Mozilla-Status: 0001\nSubject: Q\r\n\r\n'], 'm.eml'),
    );
    const source = toMailSource(
      { getRaw },
      {
        ...header(12),
        headerMessageId: '3b1f@bluefin.example.com',
        author: 'Margaret Lindqvist <margaret@bluefin.example.com>',
        recipients: ['Sofia Marin <sofia@larchmont.example.net>'],
        ccList: ['a@x.example, b@y.example'],
        subject: 'RFQ',
        date: new Date('2026-01-05T10:00:00Z'),
      },
      { inReplyTo: '<p@x>', references: ['<p@x>'] },
    );
    expect(source.summary).toEqual({
      hostId: '12',
      messageId: '<3b1f@bluefin.example.com>',
      subject: 'RFQ',
      from: { name: 'Margaret Lindqvist', address: 'margaret@bluefin.example.com' },
      to: [{ name: 'Sofia Marin', address: 'sofia@larchmont.example.net' }],
      cc: [
        expect.objectContaining({ address: 'a@x.example' }),
        expect.objectContaining({ address: 'b@y.example' }),
      ],
      date: '2026-01-05T10:00:00.000Z',
      inReplyTo: '<p@x>',
      references: ['<p@x>'],
    });
    expect(getRaw).not.toHaveBeenCalled();
    expect(new TextDecoder().decode(await source.getRaw())).toBe('Subject: Q\r\n\r\n');
  });

  it('leaves messageId out for mails without one', () => {
    const source = toMailSource(
      { getRaw: jest.fn() },
      { ...header(1), headerMessageId: 'md5:abc==' },
    );
    expect(source.summary.messageId).toBeUndefined();
  });
});

describe('readThreadHeaders', () => {
  it('reads In-Reply-To and References from getFull (lower-case keys, arrays)', async () => {
    const getFull = jest.fn(async () => ({
      headers: { 'in-reply-to': ['<a@x>'], references: ['<r1@x> <a@x>'] },
    }));
    expect(await readThreadHeaders({ getFull }, 3)).toEqual({
      inReplyTo: '<a@x>',
      references: ['<r1@x>', '<a@x>'],
    });
  });
});
