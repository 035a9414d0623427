import type { ContactConflictListItem } from '@inbox-crm/shared/schemas';
import { translate, type MessageKey } from './i18n';
import { parseRoute } from './router';
import { conflictDeviceText, conflictFieldLabel, conflictSideText } from './sync-conflicts';

const en = (key: MessageKey, params?: Record<string, string | number>) =>
  translate('en', key, params);
const ro = (key: MessageKey, params?: Record<string, string | number>) =>
  translate('ro', key, params);

const base: ContactConflictListItem = {
  id: '65f000000000000000000001',
  contactId: '65f000000000000000000002',
  contactName: 'Margaret Lindqvist',
  canResolve: true,
  kind: 'field',
  path: 'jobPosition',
  base: 'Procurement Manager',
  server: 'Head of Procurement',
  client: 'Purchasing Lead',
  changeId: 'change-1',
  source: { clientId: 'tb', host: 'thunderbird', device: "Sofia's laptop" },
  detectedAt: '2026-11-29T10:00:00.000Z',
};

describe('sync conflict presentation', () => {
  it('names the field in the user language, an address of the set, or the whole contact', () => {
    expect(conflictFieldLabel(base, en)).toBe('Job position');
    expect(conflictFieldLabel(base, ro)).toBe('Funcție');
    expect(conflictFieldLabel({ kind: 'field', path: 'emails[a@b.example]' }, en)).toBe(
      'E-mail address a@b.example',
    );
    expect(conflictFieldLabel({ kind: 'delete-vs-edit', path: '*' }, en)).toBe('The whole contact');
    expect(conflictFieldLabel({ kind: 'field', path: 'unknownField' }, en)).toBe('unknownField');
  });

  it('shows each side: values, empty as a dash, address presence, and record outcomes', () => {
    expect(conflictSideText(base, 'crm', en)).toBe('Head of Procurement');
    expect(conflictSideText(base, 'device', en)).toBe('Purchasing Lead');
    expect(conflictSideText({ ...base, client: null }, 'device', en)).toBe('—');
    // Changed in the CRM again since the conflict: the CRM side shows what "keep" keeps.
    expect(conflictSideText({ ...base, current: 'Chief Buyer' }, 'crm', en)).toBe('Chief Buyer');
    expect(conflictSideText({ ...base, current: null }, 'crm', en)).toBe('—');
    expect(conflictSideText({ ...base, path: 'isCompany', server: true }, 'crm', en)).toBe('Yes');
    const address = { ...base, path: 'emails[a@b.example]', server: null, client: 'a@b.example' };
    expect(conflictSideText(address, 'crm', en)).toBe('Removed this address');
    expect(conflictSideText(address, 'device', en)).toBe('Has this address');
    const deleted = { ...base, kind: 'delete-vs-edit' as const, path: '*' };
    expect(conflictSideText(deleted, 'crm', en)).toBe('Edited, kept');
    expect(conflictSideText(deleted, 'device', en)).toBe('Deleted');
    const edited = { ...base, kind: 'edit-vs-delete' as const, path: '*' };
    expect(conflictSideText(edited, 'crm', en)).toBe('Archived');
    expect(conflictSideText(edited, 'device', en)).toBe('Edited (restored)');
  });

  it('says which device, and routes /sync-conflicts to the list', () => {
    expect(conflictDeviceText(base, en)).toBe("Thunderbird · Sofia's laptop");
    expect(conflictDeviceText({ source: { clientId: 'x', host: 'outlook' } }, en)).toBe('Outlook');
    expect(conflictDeviceText({ source: { clientId: 'x', host: 'other' } }, ro)).toBe(
      'Altă agendă',
    );
    expect(parseRoute('/sync-conflicts')).toEqual({ page: 'conflicts' });
  });
});
