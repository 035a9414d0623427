import type { MailRecordRef } from '@inbox-crm/shared/schemas';

// "Open in CRM": the console's record pages (/leads/:id, /contacts/:id) under the server address
// the user configured — the console is served at the root of that address, like the API.

export function recordUrl(
  serverUrl: string | undefined,
  record: Pick<MailRecordRef, 'resModel' | 'resId'>,
): string | undefined {
  if (!serverUrl) return undefined;
  const section =
    record.resModel === 'lead' ? 'leads' : record.resModel === 'partner' ? 'contacts' : undefined;
  return section ? `${serverUrl}/${section}/${encodeURIComponent(record.resId)}` : undefined;
}
