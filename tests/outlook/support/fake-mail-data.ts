import fs from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';

export const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
export const sharedMailFixtures = path.resolve(repositoryRoot, '..', 'shared', 'fixtures', 'mail');
export const outlookTestFixtures = path.resolve(__dirname, '..', 'fixtures');

/** One mail as the fake Outlook serves it: what Office.js would report about a real item. */
export interface FakeMailData {
  file: string;
  itemId: string;
  internetMessageId: string | null;
  conversationId: string;
  subject: string;
  from: { displayName: string; emailAddress: string };
  to: { displayName: string; emailAddress: string }[];
  cc: { displayName: string; emailAddress: string }[];
  dateTimeCreated: string;
  html: string | null;
  text: string;
  headers: string;
  attachments: {
    id: string;
    name: string;
    contentType: string;
    size: number;
    attachmentType: 'file' | 'item';
    isInline: boolean;
    contentBase64: string;
  }[];
  /** The whole message, as getAsFileAsync returns it. */
  emlBase64: string;
}

function party(address: { name?: string; address?: string } | undefined) {
  return { displayName: address?.name ?? '', emailAddress: address?.address ?? '' };
}

/** Parses `.eml` files in Node (postal-mime) into the data the browser-side fake serves. */
export async function loadFakeMail(filePath: string, index: number): Promise<FakeMailData> {
  const raw = fs.readFileSync(filePath);
  const parsed = await PostalMime.parse(raw, { attachmentEncoding: 'base64' });
  const headerEnd = raw.indexOf('\r\n\r\n');
  return {
    file: path.basename(filePath),
    // Opaque EWS-style ids, as Outlook hands them out.
    itemId: `AAMkAGI2TG93AAA${index.toString().padStart(4, '0')}AAA=`,
    internetMessageId: parsed.messageId ?? null,
    conversationId: `AAQkAGI2TG93${index}`,
    subject: parsed.subject ?? '',
    from: party(parsed.from),
    to: (parsed.to ?? []).map(party),
    cc: (parsed.cc ?? []).map(party),
    dateTimeCreated: parsed.date ? new Date(parsed.date).toISOString() : new Date(0).toISOString(),
    html: parsed.html ?? null,
    text: parsed.text ?? '',
    headers: raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString('utf8'),
    attachments: parsed.attachments.map((attachment, position) => ({
      id: `att-${index}-${position}`,
      name: attachment.filename ?? `attachment-${position}`,
      contentType: attachment.mimeType,
      size: Buffer.from(String(attachment.content), 'base64').length,
      attachmentType: attachment.mimeType === 'message/rfc822' ? 'item' : 'file',
      isInline: attachment.disposition === 'inline' || Boolean(attachment.related),
      contentBase64: String(attachment.content),
    })),
    emlBase64: raw.toString('base64'),
  };
}

export async function loadFakeMails(filePaths: string[]): Promise<FakeMailData[]> {
  return Promise.all(filePaths.map((filePath, index) => loadFakeMail(filePath, index)));
}
