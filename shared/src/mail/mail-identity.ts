import type { MailMessage } from './mail-message';
import { normalizeEmail } from './mail-address';

/**
 * The key the CRM deduplicates a mail on: its Message-ID, or for the rare mail without one a
 * SHA-256 over From, Date, Subject and text, so importing the same file twice still gives one record.
 */
export async function mailIdempotencyKey(mail: MailMessage): Promise<string> {
  if (mail.messageId) return mail.messageId;
  const material = [
    mail.from ? normalizeEmail(mail.from.address) : '',
    mail.date ?? '',
    mail.subject.normalize('NFC').trim(),
    mail.text.replace(/\s+/g, ' ').trim(),
  ].join('\n');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(material));
  const hex = [...new Uint8Array(digest)]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
  return `sha256:${hex}`;
}
