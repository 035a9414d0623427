import type { SyncContact } from '@inbox-crm/shared/schemas';
import { changedSince, mergeContactChange, mergeEmailSet } from './contact-merge';

const base: SyncContact = {
  name: 'Margaret Lindqvist',
  isCompany: false,
  companyName: 'Bluefin Logistics Ltd',
  companyId: null,
  jobPosition: 'Procurement Manager',
  email: 'margaret.lindqvist@bluefin-logistics.example.com',
  emails: ['m.lindqvist@bluefin-logistics.example.com'],
  phone: '+44 113 496 0000',
  mobile: null,
  street: null,
  street2: null,
  zip: null,
  city: 'Leeds',
  stateCode: null,
  countryCode: 'GB',
  website: null,
  lang: null,
  notes: null,
};

describe('mergeContactChange', () => {
  it('takes a field the client changed when the server did not', () => {
    const result = mergeContactChange(base, { city: { value: 'York', base: 'Leeds' } }, undefined);
    expect(result).toEqual({ patch: { city: 'York' }, conflicts: [] });
  });

  it('keeps a server-only change and takes a client-only change on another field', () => {
    const server = { ...base, jobPosition: 'Head of Procurement' };
    const result = mergeContactChange(
      server,
      { jobPosition: { value: 'Procurement Manager' }, city: { value: 'York' } },
      { jobPosition: 'Procurement Manager', city: 'Leeds' },
    );
    expect(result).toEqual({ patch: { city: 'York' }, conflicts: [] });
  });

  it('keeps the server value and reports the client value when both changed a field differently', () => {
    const server = { ...base, jobPosition: 'Head of Procurement' };
    const result = mergeContactChange(
      server,
      { jobPosition: { value: 'Purchasing Lead', base: 'Procurement Manager' } },
      undefined,
    );
    expect(result.patch).toEqual({});
    expect(result.conflicts).toEqual([
      {
        path: 'jobPosition',
        base: 'Procurement Manager',
        server: 'Head of Procurement',
        client: 'Purchasing Lead',
      },
    ]);
  });

  it('sees no conflict when both sides made the same change', () => {
    const server = { ...base, city: 'York' };
    expect(
      mergeContactChange(server, { city: { value: 'York', base: 'Leeds' } }, undefined),
    ).toEqual({
      patch: {},
      conflicts: [],
    });
  });

  it('treats a differing value without any known base as a conflict the server wins', () => {
    const result = mergeContactChange(base, { city: { value: 'York' } }, undefined);
    expect(result.patch).toEqual({});
    expect(result.conflicts[0]).toMatchObject({ path: 'city', server: 'Leeds', client: 'York' });
  });

  it('treats empty strings as cleared values', () => {
    const result = mergeContactChange(
      base,
      { phone: { value: '', base: '+44 113 496 0000' } },
      undefined,
    );
    expect(result.patch).toEqual({ phone: null });
  });
});

describe('mergeEmailSet', () => {
  it('keeps additions from both sides and applies a client removal', () => {
    const merged = mergeEmailSet(
      ['a@x.example', 'server-new@x.example'],
      ['client-new@x.example'],
      ['a@x.example'],
    );
    expect(merged.sort()).toEqual(['client-new@x.example', 'server-new@x.example']);
  });

  it('never removes without a base', () => {
    expect(mergeEmailSet(['a@x.example'], ['B@x.example'], undefined)).toEqual([
      'a@x.example',
      'B@x.example',
    ]);
  });

  it('matches addresses case-insensitively', () => {
    expect(mergeEmailSet(['A@X.example'], ['a@x.example'], ['a@x.example'])).toEqual([
      'A@X.example',
    ]);
  });
});

describe('changedSince', () => {
  it('detects a change in a scalar or in the e-mail set', () => {
    expect(changedSince(base, { ...base })).toBe(false);
    expect(changedSince(base, { ...base, notes: 'call back' })).toBe(true);
    expect(changedSince(base, { ...base, emails: [] })).toBe(true);
  });
});
