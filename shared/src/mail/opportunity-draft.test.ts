import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturesDirectory } from './fixtures-path.test-support';
import { buildOpportunityDraft } from './opportunity-draft';
import { mailIdempotencyKey } from './mail-identity';
import { parseRawMail } from './parse-raw-mail';

const mailFile = (name: string) => readFileSync(path.join(fixturesDirectory, 'mail', name));

// The expected drafts from fixtures/mail/README.md.
const expectations: Array<
  [file: string, name: string, contact: string, email: string, company?: string]
> = [
  [
    'rfq-office-chairs-en.eml',
    'Request for quotation: 120 ergonomic office chairs',
    'Margaret Lindqvist',
    'margaret.lindqvist@bluefin-logistics.example.com',
    'Bluefin Logistics Ltd',
  ],
  [
    'rfq-reply-thread-en.eml',
    'Request for quotation: 120 ergonomic office chairs',
    'Thomas Reyes',
    'thomas.reyes@bluefin-logistics.example.com',
    'Bluefin Logistics Ltd',
  ],
  [
    'inquiry-zh-cn.eml',
    '询价：办公家具 500 套',
    '王磊',
    'wang.lei@huaxin-trading.example.cn',
    '上海华信贸易有限公司',
  ],
  [
    'oferta-ro.eml',
    'Cerere de ofertă – mobilier birou',
    'Ștefania-Mădălina Dumitrescu-Brâncoveanu',
    'stefania.dumitrescu@carpatica.example.ro',
    'SC Carpatica Construct SRL',
  ],
  [
    'freemail-individual-en.eml',
    'Question about the Aria sit-stand desk',
    'Jordan Whitfield',
    'jordan.whitfield84@gmail.com',
    undefined,
  ],
  [
    'forwarded-lead-en.eml',
    'Conference room furniture for our new Leeds office',
    'Helen Achterberg',
    'helen.achterberg@meridian-consulting.example.com',
    'Meridian Consulting',
  ],
  [
    'html-with-inline-image.eml',
    'Reception area seating for 3 clinics',
    'Oliver Brandt',
    'oliver.brandt@northgate-dental.example.com',
    'Northgate Dental Clinics',
  ],
  [
    'no-message-id.eml',
    'Quote for 40 student lockers',
    'Greta Halvorsen',
    'greta.halvorsen@fjordline-school.example.com',
    'Fjordline International School',
  ],
];

describe('buildOpportunityDraft on the sample mails', () => {
  it('covers every fixture mail', () => {
    const files = readdirSync(path.join(fixturesDirectory, 'mail')).filter((file) =>
      file.endsWith('.eml'),
    );
    expect(files.sort()).toEqual(expectations.map(([file]) => file).sort());
  });

  it.each(expectations)(
    '%s → the README draft',
    async (file, name, contactName, email, company) => {
      const draft = buildOpportunityDraft(await parseRawMail(mailFile(file)), {
        ownDomains: ['larchmont.example.net'],
      });
      expect(draft.name).toBe(name);
      expect(draft.contact).toMatchObject({ name: contactName, email });
      expect(draft.company?.name).toBe(company);
      if (company) expect(draft.company?.domain).toBe(email.split('@')[1]);
      expect(draft.description.length).toBeGreaterThan(50);
    },
  );

  it('reads title and phones from the signature', async () => {
    const draft = buildOpportunityDraft(await parseRawMail(mailFile('html-with-inline-image.eml')));
    expect(draft.contact).toMatchObject({
      jobTitle: 'Practice Operations Manager',
      phone: '+44 1632 960 418',
      mobile: '+44 7700 900 274',
    });
    expect(draft.description).toContain('Northgate Dental Clinics');
    expect(draft.description).not.toContain('<');
  });

  it('takes the forwarded customer mail, not the colleague who forwarded it', async () => {
    const draft = buildOpportunityDraft(await parseRawMail(mailFile('forwarded-lead-en.eml')));
    expect(draft.fromForwardedMail).toBe(true);
    expect(draft.source.messageId).toBe('<a7c3e9f1.2b4d4f60@meridian-consulting.example.com>');
  });

  it('gives a mail without Message-ID a stable content key, and a normal mail its Message-ID', async () => {
    const first = await mailIdempotencyKey(await parseRawMail(mailFile('no-message-id.eml')));
    const second = await mailIdempotencyKey(await parseRawMail(mailFile('no-message-id.eml')));
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(await mailIdempotencyKey(await parseRawMail(mailFile('rfq-office-chairs-en.eml')))).toBe(
      '<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>',
    );
  });
});
