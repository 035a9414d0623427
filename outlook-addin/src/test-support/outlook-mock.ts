import fs from 'node:fs';
import path from 'node:path';
import { OfficeMockObject } from 'office-addin-mock';
import PostalMime from 'postal-mime';

export const mailFixtures = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'mail',
);

type Callback = (result: {
  status: string;
  value?: unknown;
  error?: { code: number; name: string; message: string };
}) => void;

export const succeeded = (value?: unknown) => ({ status: 'succeeded', value });
export const failed = (code: number, name: string, message = name) => ({
  status: 'failed',
  error: { code, name, message },
});

/** The last argument of an Office async call is its callback. */
export function callbackOf(args: unknown[]): Callback {
  return args[args.length - 1] as Callback;
}

export interface MockItemOptions {
  /** Mailbox sets the item exposes methods of: getAsFileAsync needs 1.14, attachments 1.8. */
  withEml?: boolean;
  /** getAllInternetHeadersAsync (Mailbox 1.8). */
  withHeaders?: boolean;
  withAttachmentContent?: boolean;
  /** Make one attachment fail (cloud file, unsupported kind). */
  failingAttachment?: string;
}

/**
 * An Outlook read item for office-addin-mock, built from a real fixture mail: its Mailbox 1.1
 * properties plus the async methods the adapter calls, answering like a host (callback, status).
 */
export async function mockItemFromFixture(
  file: string,
  options: MockItemOptions = {},
): Promise<{ item: Office.MessageRead; raw: Buffer }> {
  const raw = fs.readFileSync(path.join(mailFixtures, file));
  const mail = await PostalMime.parse(raw, { attachmentEncoding: 'base64' });
  const party = (entry: { name?: string; address?: string } | undefined) => ({
    displayName: entry?.name ?? '',
    emailAddress: entry?.address ?? '',
  });
  const attachments = mail.attachments.map((attachment, index) => ({
    id: `att-${index}`,
    name: attachment.filename ?? `file-${index}`,
    contentType: attachment.mimeType,
    size: 1,
    attachmentType: 'file',
    isInline: attachment.disposition === 'inline',
    content: String(attachment.content),
  }));
  const data: Record<string, unknown> = {
    itemType: 'message',
    itemId: 'AAMkADEx',
    ...(mail.messageId ? { internetMessageId: mail.messageId } : {}),
    conversationId: 'AAQkADEx',
    subject: mail.subject ?? '',
    from: party(mail.from),
    sender: party(mail.from),
    to: (mail.to ?? []).map(party),
    cc: (mail.cc ?? []).map(party),
    ...(mail.date ? { dateTimeCreated: new Date(mail.date) } : {}),
    attachments: attachments.map(({ content: _content, ...details }) => details),
    body: {
      getAsync: (coercion: string, ...rest: unknown[]) =>
        callbackOf(rest)(
          succeeded(
            coercion === 'html'
              ? (mail.html ?? `<pre>${mail.text ?? ''}</pre>`)
              : (mail.text ?? ''),
          ),
        ),
    },
  };
  if (options.withHeaders) {
    const headerEnd = raw.indexOf('\r\n\r\n');
    data.getAllInternetHeadersAsync = (...rest: unknown[]) =>
      callbackOf(rest)(succeeded(raw.subarray(0, headerEnd).toString('utf8')));
  }
  if (options.withEml)
    data.getAsFileAsync = (...rest: unknown[]) =>
      callbackOf(rest)(succeeded(raw.toString('base64')));
  if (options.withAttachmentContent) {
    data.getAttachmentContentAsync = (id: string, ...rest: unknown[]) => {
      const attachment = attachments.find((entry) => entry.id === id);
      if (!attachment || attachment.name === options.failingAttachment) {
        callbackOf(rest)(failed(9030, 'AttachmentTypeNotSupported'));
        return;
      }
      callbackOf(rest)(succeeded({ format: 'base64', content: attachment.content }));
    };
  }
  const mock = new OfficeMockObject({
    host: 'outlook',
    context: { mailbox: { item: data } },
  } as never);
  return {
    item: (mock as unknown as { context: { mailbox: { item: Office.MessageRead } } }).context
      .mailbox.item,
    raw,
  };
}
