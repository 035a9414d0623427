import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturesDirectory } from '../mail/fixtures-path.test-support';
import { parseVCards } from './vcard-codec';
import { hostContactFromVCard, vcardForHostWrite } from './vcard-host';

describe('vCard host helpers', () => {
  it('reads a stored card and writes the CRM values back onto it, keeping everything else', () => {
    const text = readFileSync(path.join(fixturesDirectory, 'vcards', 'thunderbird-v4.vcf'), 'utf8');
    const hostContact = hostContactFromVCard('tb-1', text);
    expect(hostContact.uid).toBe('6f2d8c1e-4b7a-4e93-a5c0-9d1e3f7b2a64');
    expect(hostContact.crmId).toBeUndefined();
    const written = vcardForHostWrite(
      { ...hostContact.contact, jobPosition: 'Head of Procurement' },
      { crmId: '64b0000000000000000000aa' },
      text,
    );
    const again = hostContactFromVCard('tb-1', written);
    expect(again).toMatchObject({ crmId: '64b0000000000000000000aa', uid: hostContact.uid });
    expect(again.contact).toEqual({ ...hostContact.contact, jobPosition: 'Head of Procurement' });
    const [before] = parseVCards(text).contacts;
    const [after] = parseVCards(written).contacts;
    expect(after!.note).toBe(before!.note);
    expect(after!.emails).toEqual(before!.emails);
  });

  it('gives a new card a UID and refuses unreadable text', () => {
    const written = vcardForHostWrite(
      {
        ...hostContactFromVCard('x', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n')
          .contact,
        name: 'Ann Lee',
      },
      { crmId: 'c1' },
      undefined,
      { newUid: () => 'uid-1' },
    );
    expect(hostContactFromVCard('y', written)).toMatchObject({
      uid: 'uid-1',
      crmId: 'c1',
      contact: { name: 'Ann Lee' },
    });
    expect(() => hostContactFromVCard('z', 'not a card')).toThrow(/not a readable vCard/);
  });
});
