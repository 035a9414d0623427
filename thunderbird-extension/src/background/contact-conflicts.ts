import type { ContactConflictListItem, SyncFieldValue } from '@inbox-crm/shared/schemas';
import type { CrmApi } from './lazy-api';
import type { ConflictView } from './protocol';

// Open sync conflicts of this device's address book, as the options page lists them: the contact,
// the field, the CRM's value and this device's value. The CRM keeps them (GET /sync/conflicts);
// other devices' and Outlook's conflicts are theirs to resolve.

const pageSize = 200;
const maxPages = 5;

function display(path: string, value: SyncFieldValue | undefined): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : null;
  if (typeof value === 'boolean') {
    // emails[<address>]: whether that address is on the contact.
    const address = /^emails\[(.+)\]$/.exec(path)?.[1];
    return value ? (address ?? 'yes') : null;
  }
  return value;
}

export function toConflictView(conflict: ContactConflictListItem): ConflictView {
  return {
    id: conflict.id,
    contactId: conflict.contactId,
    contactName: conflict.contactName,
    field: conflict.path,
    kind: conflict.kind,
    crmValue: display(conflict.path, conflict.server),
    deviceValue: display(conflict.path, conflict.client),
    canResolve: conflict.canResolve,
  };
}

export async function listDeviceConflicts(api: CrmApi, device: string): Promise<ConflictView[]> {
  const mine: ConflictView[] = [];
  for (let page = 0; page < maxPages; page++) {
    const answer = await api.listContactConflicts({ limit: pageSize, offset: page * pageSize });
    for (const conflict of answer.items)
      if (conflict.source.host === 'thunderbird' && conflict.source.device === device)
        mine.push(toConflictView(conflict));
    if ((page + 1) * pageSize >= answer.total) break;
  }
  return mine;
}
