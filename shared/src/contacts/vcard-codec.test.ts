import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturesDirectory } from '../mail/fixtures-path.test-support';
import { parseVCards, serializeVCard, serializeVCards } from './vcard-codec';
import type { VCardContact } from './vcard-contact';

const read = (folder: string, file: string) =>
  readFileSync(path.join(fixturesDirectory, folder, file));
const one = (file: string) => {
  const { contacts, errors } = parseVCards(read('vcards', file));
  expect(errors).toEqual([]);
  return contacts;
};

/** What must survive: every mapped value, and the raw unmapped lines. */
function comparable(contact: VCardContact) {
  const { sourceVersion: _version, revision, ...rest } = contact;
  // 4.0 drops INTERNET and VOICE (its defaults) on purpose (rule 4).
  const withoutDefaults = <Value extends { types: string[] }>(values: Value[]) =>
    values.map((value) => ({
      ...value,
      types: value.types.filter((type) => type !== 'internet' && type !== 'voice'),
    }));
  return {
    ...rest,
    emails: withoutDefaults(rest.emails),
    phones: withoutDefaults(rest.phones),
    revision: revision?.replace(/[-:]/g, '').replace(/\.\d+/, ''),
  };
}

describe('vCard codec', () => {
  const files = ['vcards', 'vcards-public'].flatMap((folder) =>
    readdirSync(path.join(fixturesDirectory, folder))
      .filter((file) => file.endsWith('.vcf'))
      .map((file) => [folder, file] as const),
  );

  it.each(files)(
    '%s/%s parses and round-trips through 3.0 and 4.0 without losing a property',
    (folder, file) => {
      const { contacts, errors } = parseVCards(read(folder, file));
      expect(errors).toEqual([]);
      expect(contacts.length).toBeGreaterThan(0);
      for (const version of ['3.0', '4.0'] as const) {
        const again = parseVCards(serializeVCards(contacts, version));
        expect(again.errors).toEqual([]);
        expect(again.contacts.map(comparable)).toEqual(contacts.map(comparable));
      }
    },
  );

  it('decodes the Thunderbird NOTE escapes (rule 2) and keeps the work e-mail preferred', () => {
    const [card] = one('thunderbird-v4.vcf');
    expect(card!.uid).toBe('6f2d8c1e-4b7a-4e93-a5c0-9d1e3f7b2a64');
    expect(card!.note).toContain('Quotes in EUR only; she decides');
    expect(card!.note).toContain('Follow up by 1 Dec;');
    expect(card!.note).toContain('\n');
    expect(card!.note).toMatch(/\\\\files\\sales\\bluefin$/);
    const preferred = card!.emails.find((email) => email.pref === 1);
    expect(preferred?.types).toContain('work');
    expect(card!.organization?.units.length).toBeGreaterThan(0);
  });

  it('reads Outlook 2.1 quoted-printable with soft breaks and bare types (§3.4)', () => {
    const [card] = one('outlook-v21-qp.vcf');
    expect(card!.sourceVersion).toBe('2.1');
    expect(card!.name).toMatchObject({
      family: 'Dumitrescu-Brâncoveanu',
      given: 'Ștefania-Mădălina',
      prefix: 'ing.',
    });
    expect(card!.formattedName).toBe('Ștefania-Mădălina Dumitrescu-Brâncoveanu');
    expect(card!.addresses[0]).toMatchObject({
      street: 'Strada Fânarului 17',
      locality: 'Cluj-Napoca',
      region: 'Cluj',
      postalCode: '400000',
      country: 'România',
    });
    expect(card!.organization).toEqual({
      name: 'Carpatica Construct SRL',
      units: ['Administrativ'],
    });
    expect(card!.phones.map((phone) => phone.types)).toEqual([
      ['work', 'voice'],
      ['cell', 'voice'],
    ]);
    expect(card!.emails).toHaveLength(1);
    expect(card!.emails[0]!.pref).toBe(1);
    expect(card!.note).toMatch(/[ășțâ]/);
    expect(card!.extraLines.some((line) => line.startsWith('X-MS-OL-DEFAULT-POSTAL-ADDRESS'))).toBe(
      true,
    );
  });

  it('decodes a windows-1250 2.1 card through TextDecoder', () => {
    const text =
      'BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=windows-1250;ENCODING=QUOTED-PRINTABLE:Br=E2ncoveanu;=AAtefan\r\nFN:x\r\nEND:VCARD\r\n';
    const [card] = parseVCards(new TextEncoder().encode(text)).contacts;
    expect(card!.name).toMatchObject({ family: 'Brâncoveanu', given: 'Ştefan' });
  });

  it('keeps Apple groups attached to their labels', () => {
    const [card] = one('apple-v3-grouped.vcf');
    const email = card!.emails.find((entry) => entry.group);
    expect(email?.group?.toLowerCase()).toBe('item1');
    expect(card!.extraLines.some((line) => /^item1\.X-ABLabel:/i.test(line))).toBe(true);
    expect(card!.addresses[0]!.street).toBe('Unit 7, Calder Court');
    expect(card!.categories).toEqual(['Prospects', 'Leeds']);
    const written = serializeVCard(card!, '3.0');
    expect(written).toMatch(/^ITEM1\.EMAIL/im);
  });

  it('keeps the photo bytes', () => {
    const [card] = one('google-v3-photo.vcf');
    const photo = card!.photo as { base64: string; mediaType: string };
    const sha = (base64: string) =>
      createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex');
    expect(sha(photo.base64)).toBe(
      '17ca2767a8dca9034ba5bcdae20bf0f3d240e629cfb3143fd51929fe0fd2d8a8',
    );
    expect(photo.mediaType).toBe('image/jpeg');
    const [again] = parseVCards(serializeVCard(card!, '4.0')).contacts;
    expect(sha((again!.photo as { base64: string }).base64)).toBe(sha(photo.base64));
    expect(card!.note).toBe(
      'Home-office customer – asked about the Aria sit-stand desk (oak, 140 x 70 cm).',
    );
  });

  it('takes N for Chinese names and keeps SORT-AS', () => {
    const [wang, ouyang] = one('chinese-names-v4.vcf');
    expect(wang!.name).toMatchObject({ family: '王', given: '磊' });
    expect(wang!.name?.params?.['sort-as']).toBeDefined();
    expect(wang!.organization).toEqual({ name: '上海华信贸易有限公司', units: ['采购部'] });
    expect(ouyang!.name).toMatchObject({ family: '欧阳', given: '晓燕' });
    expect(serializeVCard(wang!, '4.0')).toMatch(/SORT-AS/);
  });

  it('brings back every X- line of the multi-contact card byte-identical', () => {
    const contacts = one('multi-contacts.vcf');
    expect(contacts).toHaveLength(5);
    expect(new Set(contacts.map((contact) => contact.uid)).size).toBe(5);
    const greta = contacts[3]!;
    const source = read('vcards', 'multi-contacts.vcf')
      .toString('utf8')
      .replace(/\r\n[ \t]/g, '');
    const xLines = source
      .split('\r\n')
      .filter(
        (line) => /^(item1\.)?X-/i.test(line) && source.indexOf(line) > source.indexOf('Greta'),
      );
    expect(xLines.length).toBeGreaterThanOrEqual(6);
    for (const version of ['3.0', '4.0'] as const) {
      const written = serializeVCard(greta, version).replace(/\r\n[ \t]/g, '');
      for (const line of xLines) expect(written.split('\r\n')).toContain(line);
    }
  });

  it('reports one broken card without failing the others, and survives BOM and bare CR', () => {
    const good = 'BEGIN:VCARD\rVERSION:3.0\rFN:Ann\rEND:VCARD\r';
    const bad = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nthis line is broken\r\nEND:VCARD\r\n';
    const { contacts, errors } = parseVCards(`\uFEFF${good}${bad}${good.replace('Ann', 'Cy')}`);
    expect(contacts.map((contact) => contact.formattedName)).toEqual(['Ann', 'Cy']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ index: 1, excerpt: 'Bob' });
  });

  it('writes 3.0 and 4.0 forms per version (rule 4)', () => {
    const [card] = one('google-v3-photo.vcf');
    expect(serializeVCard(card!, '4.0')).toMatch(/PHOTO:data:image\/jpeg;base64,/);
    expect(serializeVCard(card!, '3.0')).toMatch(/PHOTO;ENCODING=b;TYPE=JPEG:/i);
    const [outlook] = one('outlook-v21-qp.vcf');
    const v4 = serializeVCard(outlook!, '4.0');
    expect(v4).toMatch(/^VERSION:4\.0/m);
    expect(v4).toMatch(/^EMAIL;PREF=1:/m);
    expect(v4).not.toMatch(/INTERNET|VOICE/i);
    expect(serializeVCard(outlook!, '3.0')).toMatch(/^EMAIL;TYPE=INTERNET,pref:/im);
  });
});
