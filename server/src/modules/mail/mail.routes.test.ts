import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MailDescriptor, MailToOpportunityResponse } from '@inbox-crm/shared/schemas';
import { useTestDatabase } from '../../db/test-database';
import { createTestContext, type TestUser } from '../../test-support/test-context';
import { AttachmentModel } from '../attachments/attachment.model';
import { LeadModel } from '../leads/lead.model';
import { MessageModel } from '../messages/message.model';
import { buildActor } from '../auth/actor-factory';
import { PartnerModel } from '../partners/partner.model';
import { archivePartner } from '../partners/partner.service';
import { UserModel } from '../users/user.model';
import { IdempotencyClaimModel } from './idempotency-claim';

useTestDatabase();
jest.setTimeout(120_000);

const context = createTestContext();
const fixtures = path.resolve(context.config.repositoryRoot, '..', 'shared', 'fixtures', 'mail');
const fixture = (name: string): Buffer => readFileSync(path.join(fixtures, name));

async function actorOf(user: TestUser) {
  const record = await UserModel.findById(user.userId).lean();
  return buildActor(record!, 'api-token');
}

const rfqMail: MailDescriptor = {
  messageId: '<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>',
  subject: 'Request for quotation: 120 ergonomic office chairs',
  from: { name: 'Margaret Lindqvist', address: 'margaret.lindqvist@bluefin-logistics.example.com' },
  to: [{ name: 'Larchmont Sales', address: 'sales@larchmont.example.net' }],
  cc: [{ name: 'Thomas Reyes', address: 'thomas.reyes@bluefin-logistics.example.com' }],
  date: '2026-11-10T08:14:27Z',
  bodyText: 'Dear Larchmont sales team, ... 120 ergonomic office chairs ...',
  host: 'thunderbird',
};

const rfqDraft = {
  name: 'Request for quotation: 120 ergonomic office chairs',
  contact: {
    name: 'Margaret Lindqvist',
    email: 'margaret.lindqvist@bluefin-logistics.example.com',
  },
  companyName: 'Bluefin Logistics Ltd',
  expectedRevenue: 36000,
};

function uniqueMail(label: string, overrides: Partial<MailDescriptor> = {}): MailDescriptor {
  const id = `${label}-${Math.random().toString(36).slice(2)}`;
  return {
    messageId: `<${id}@customer.example.com>`,
    subject: `Inquiry ${id}`,
    from: { name: 'Casey Customer', address: `casey@${id}.example.com` },
    date: '2026-11-12T10:00:00Z',
    bodyText: 'Hello, please send an offer.',
    ...overrides,
  };
}

function createFromMail(
  user: TestUser,
  mail: MailDescriptor,
  draft: Record<string, unknown> = { name: mail.subject || 'Deal' },
) {
  return context.request.post('/api/v1/mail/opportunities').set(user.auth).send({ mail, draft });
}

describe('POST /api/v1/mail/opportunities', () => {
  let salesUser: TestUser;
  beforeAll(async () => {
    salesUser = await context.createUser({ accessLevel: 'all', name: 'Sofia Marin' });
  });

  it('creates the opportunity with its customer and company, the mail in the chatter, and answers the same record again with 200', async () => {
    const first = await createFromMail(salesUser, rfqMail, rfqDraft);
    expect(first.status).toBe(201);
    const body = first.body as MailToOpportunityResponse;
    expect(body).toMatchObject({
      status: 'created',
      record: { resModel: 'lead', name: rfqDraft.name },
      idempotencyKey: rfqMail.messageId,
    });

    const lead = await LeadModel.findById(body.record.resId).lean();
    expect(lead).toMatchObject({
      expectedRevenue: 36000,
      utm: { medium: 'email', source: 'thunderbird' },
    });
    const partner = await PartnerModel.findById(lead!.partnerId).lean();
    expect(partner).toMatchObject({
      name: 'Margaret Lindqvist',
      emailNormalized: 'margaret.lindqvist@bluefin-logistics.example.com',
    });
    const company = await PartnerModel.findById(partner!.parentId).lean();
    expect(company).toMatchObject({ isCompany: true, name: 'Bluefin Logistics Ltd' });

    const messages = await MessageModel.find({
      resModel: 'lead',
      resId: lead!._id,
      kind: 'email',
    }).lean();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ messageId: rfqMail.messageId, subject: rfqMail.subject });

    const again = await createFromMail(salesUser, rfqMail, { ...rfqDraft, name: 'Edited name' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'existing', record: { resId: body.record.resId } });
    expect(await LeadModel.countDocuments({ partnerId: partner!._id })).toBe(1);
  });

  it('archives the uploaded .eml and its attachments (multipart) parsed on the server', async () => {
    const user = await context.createUser({ accessLevel: 'all' });
    const eml = fixture('oferta-ro.eml');
    const response = await context.request
      .post('/api/v1/mail/opportunities')
      .set(user.auth)
      .field(
        'payload',
        JSON.stringify({
          mail: { from: { address: 'stefania.dumitrescu@carpatica.example.ro' }, subject: '' },
          draft: {
            name: 'Cerere de ofertă – mobilier birou',
            companyName: 'SC Carpatica Construct SRL',
          },
        }),
      )
      .attach('eml', eml, { filename: 'oferta.eml', contentType: 'message/rfc822' });
    expect(response.status).toBe(201);
    const body = response.body as MailToOpportunityResponse;
    expect(body.idempotencyKey).toBe('<000001dc5298$7a1b3c40$6e51b4c0$@carpatica.example.ro>');
    const attachments = await AttachmentModel.find({
      resModel: 'lead',
      resId: body.record.resId,
    }).lean();
    const archived = attachments.find((attachment) => attachment.contentType === 'message/rfc822');
    expect(archived).toMatchObject({
      size: eml.length,
      fileName: 'Cerere de ofertă – mobilier birou.eml',
    });
    const message = await MessageModel.findOne({
      resModel: 'lead',
      resId: body.record.resId,
      kind: 'email',
    }).lean();
    expect(message?.subject).toBe('Cerere de ofertă – mobilier birou');
    expect(message?.attachmentIds.map(String)).toEqual(expect.arrayContaining(body.attachmentIds));
  });

  it('stores the PDF attachment of the RFQ fixture', async () => {
    const user = await context.createUser({ accessLevel: 'all' });
    const mail = { ...rfqMail, messageId: undefined };
    const response = await context.request
      .post('/api/v1/mail/log')
      .set(user.auth)
      .field(
        'payload',
        JSON.stringify({
          mail,
          target: {
            resModel: 'partner',
            resId: String(
              (await PartnerModel.findOne({
                isCompany: true,
                name: 'Bluefin Logistics Ltd',
              }).lean())!._id,
            ),
          },
        }),
      )
      .attach('eml', fixture('rfq-office-chairs-en.eml'), 'rfq.eml');
    expect(response.status).toBe(201);
    const files = await AttachmentModel.find({ _id: { $in: response.body.attachmentIds } }).lean();
    expect(files.map((file) => file.fileName)).toEqual(
      expect.arrayContaining(['RFQ-BL-2026-118.pdf']),
    );
    expect(files.find((file) => file.fileName === 'RFQ-BL-2026-118.pdf')?.size).toBe(1304);
  });

  it('gives a mail without Message-ID one record however often it is imported', async () => {
    const user = await context.createUser({ accessLevel: 'all' });
    const send = () =>
      context.request
        .post('/api/v1/mail/opportunities')
        .set(user.auth)
        .field(
          'payload',
          JSON.stringify({
            mail: { from: { address: 'greta.halvorsen@fjordline-school.example.com' } },
            draft: { name: 'Quote for 40 student lockers' },
          }),
        )
        .attach('eml', fixture('no-message-id.eml'), 'mail.eml');
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.record.resId).toBe(first.body.record.resId);
    expect(first.body.idempotencyKey).toMatch(/^<sha256-[0-9a-f]{40}@no-message-id\.inbox-crm>$/);
  });

  it('creates exactly one opportunity and one chatter entry when two clients push the same Message-ID 100 times at once', async () => {
    const outlookUser = await context.createUser({ accessLevel: 'all' });
    const thunderbirdUser = await context.createUser({ accessLevel: 'all' });
    const mail = uniqueMail('race');
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        createFromMail(index % 2 === 0 ? outlookUser : thunderbirdUser, {
          ...mail,
          host: index % 2 === 0 ? 'outlook' : 'thunderbird',
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(99);
    expect(new Set(responses.map((response) => response.body.record.resId)).size).toBe(1);
    expect(await LeadModel.countDocuments({ name: mail.subject })).toBe(1);
    expect(await MessageModel.countDocuments({ messageId: mail.messageId })).toBe(1);
  });

  it('refuses bad input with the fields named and writes nothing', async () => {
    const leadsBefore = await LeadModel.countDocuments();
    const claimsBefore = await IdempotencyClaimModel.countDocuments();
    const response = await context.request
      .post('/api/v1/mail/opportunities')
      .set(salesUser.auth)
      .send({
        mail: { from: { address: 'not-an-address' }, messageId: 'no id here' },
        draft: { name: '' },
      });
    expect(response.status).toBe(400);
    const fields = (response.body.error.details.issues as Array<{ field: string }>).map(
      (issue) => issue.field,
    );
    expect(fields).toEqual(
      expect.arrayContaining(['body.mail.from.address', 'body.mail.messageId', 'body.draft.name']),
    );
    expect(await LeadModel.countDocuments()).toBe(leadsBefore);
    expect(await IdempotencyClaimModel.countDocuments()).toBe(claimsBefore);

    const badPayload = await context.request
      .post('/api/v1/mail/opportunities')
      .set(salesUser.auth)
      .field('payload', '{not json')
      .attach('eml', Buffer.from('Subject: x\r\n\r\nhi'), 'x.eml');
    expect(badPayload.status).toBe(400);
    expect(badPayload.body.error.details.issues[0].field).toBe('body.payload');
  });

  it('answers 413 for an .eml above MAIL_MAX_BYTES and stores nothing', async () => {
    const small = createTestContext({ env: { MAIL_MAX_BYTES: '4096' } });
    const user = await small.createUser({ accessLevel: 'all' });
    const mail = uniqueMail('too-big');
    const big = Buffer.concat([
      Buffer.from(`Message-ID: ${mail.messageId}\r\nSubject: big\r\n\r\n`),
      Buffer.alloc(64 * 1024, 'a'),
    ]);
    const response = await small.request
      .post('/api/v1/mail/opportunities')
      .set(user.auth)
      .field('payload', JSON.stringify({ mail, draft: { name: 'Too big' } }))
      .attach('eml', big, 'big.eml');
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({
      code: 'payload_too_large',
      details: { maxBytes: 4096 },
    });
    expect(await LeadModel.countDocuments({ name: 'Too big' })).toBe(0);
    expect(
      await IdempotencyClaimModel.countDocuments({ _id: `mail-opportunity:${mail.messageId}` }),
    ).toBe(0);
  });

  it('takes a batch of selected mails and answers one result per mail', async () => {
    const first = uniqueMail('batch-a');
    const second = uniqueMail('batch-b');
    const response = await context.request
      .post('/api/v1/mail/opportunities/batch')
      .set(salesUser.auth)
      .send({
        items: [
          { mail: first, draft: { name: 'Batch A' } },
          { mail: second, draft: { name: 'Batch B' } },
          { mail: first, draft: { name: 'Batch A again' } },
          {
            mail: uniqueMail('batch-c'),
            draft: { name: 'Batch C', partnerId: '0123456789abcdef01234567' },
          },
        ],
      });
    expect(response.status).toBe(200);
    expect(response.body.results.map((result: { status: string }) => result.status)).toEqual([
      'created',
      'created',
      'existing',
      'failed',
    ]);
    expect(response.body.results[3].error.code).toBe('validation_failed');
    expect(
      await LeadModel.countDocuments({
        name: { $in: ['Batch A', 'Batch B', 'Batch A again', 'Batch C'] },
      }),
    ).toBe(2);
  });
});

describe('mail to opportunity with the team, stage and tags picked in the add-in', () => {
  it('puts the opportunity in the chosen team, stage and tags, and refuses a stage of another team', async () => {
    const admin = await context.createUser({ isAdmin: true, accessLevel: 'manager' });
    const seller = await context.createUser({ accessLevel: 'own', name: 'Ana Picker' });
    const post = async (path: string, body: Record<string, unknown>) => {
      const response = await context.request.post(`/api/v1${path}`).set(admin.auth).send(body);
      expect(response.status).toBe(201);
      return response.body as { id: string };
    };
    const team = await post('/teams', {
      name: 'Picker team',
      members: [{ userId: seller.userId }],
    });
    const otherTeam = await post('/teams', { name: 'Other picker team' });
    // The team's first stage is the default; the draft picks the second one.
    await post('/stages', { name: 'New', sequence: 1, teamIds: [team.id] });
    const proposal = await post('/stages', { name: 'Proposal', sequence: 5, teamIds: [team.id] });
    const foreign = await post('/stages', { name: 'Foreign', teamIds: [otherTeam.id] });
    const tag = await post('/tags', { name: 'Picked in Thunderbird' });

    const refused = await createFromMail(seller, uniqueMail('picker-refused'), {
      name: 'Wrong stage',
      teamId: team.id,
      stageId: foreign.id,
    });
    expect(refused.status).toBe(400);
    expect(await LeadModel.countDocuments({ name: 'Wrong stage' })).toBe(0);

    const created = await createFromMail(seller, uniqueMail('picker'), {
      name: 'Picked deal',
      teamId: team.id,
      stageId: proposal.id,
      tagIds: [tag.id],
    });
    expect(created.status).toBe(201);
    const lead = await LeadModel.findById(created.body.record.resId).lean();
    expect(String(lead!.teamId)).toBe(team.id);
    expect(String(lead!.stageId)).toBe(proposal.id);
    expect(lead!.tagIds.map(String)).toEqual([tag.id]);
  });
});

describe('mail to opportunity and the synced address book', () => {
  it("puts an existing customer into the salesperson's book once it is on their opportunity", async () => {
    const creator = await context.createUser({ accessLevel: 'all' });
    const seller = await context.createUser({ accessLevel: 'own' });
    const customer = await context.request
      .post('/api/v1/mail/contacts')
      .set(creator.auth)
      .send({
        email: `buyer@${Math.random().toString(36).slice(2)}.example.com`,
        name: 'Existing Buyer',
      });
    expect(customer.status).toBe(201);
    const syncedIds = async (token?: string) => {
      const page = await context.request
        .get('/api/v1/sync/contacts')
        .query(token ? { token } : {})
        .set(seller.auth);
      return {
        ids: page.body.changes.map((change: { id: string }) => change.id),
        token: page.body.nextToken as string,
      };
    };
    const before = await syncedIds();
    expect(before.ids).not.toContain(customer.body.partner.id);

    const mail = uniqueMail('book', {
      from: { name: 'Existing Buyer', address: customer.body.partner.email },
    });
    const created = await createFromMail(seller, mail, {
      name: 'Buyer deal',
      partnerId: customer.body.partner.id,
    });
    expect(created.status).toBe(201);
    expect((await syncedIds(before.token)).ids).toContain(customer.body.partner.id);
  });
});

describe('GET /api/v1/mail/context', () => {
  it('shows the sender card, open opportunities, and where the mail and its thread already are', async () => {
    const user = await context.createUser({ accessLevel: 'all' });
    const mail = uniqueMail('context');
    const created = await createFromMail(user, mail, {
      name: 'Context deal',
      companyName: 'Customer Example',
    });
    expect(created.status).toBe(201);

    const same = await context.request
      .get('/api/v1/mail/context')
      .query({ from: mail.from.address.toUpperCase(), messageId: mail.messageId })
      .set(user.auth);
    expect(same.status).toBe(200);
    expect(same.body.sender.partner).toMatchObject({
      name: 'Casey Customer',
      companyName: 'Customer Example',
    });
    expect(same.body.sender.company).toMatchObject({ isCompany: true, name: 'Customer Example' });
    expect(same.body.openOpportunities.map((lead: { name: string }) => lead.name)).toContain(
      'Context deal',
    );
    expect(same.body.alreadyLoggedOn).toEqual([
      expect.objectContaining({ resModel: 'lead', resId: created.body.record.resId }),
    ]);

    const reply = await context.request
      .get('/api/v1/mail/context')
      .query({
        from: 'someone.else@elsewhere.example.com',
        inReplyTo: mail.messageId,
        references: `<other@x.example> ${mail.messageId}`,
      })
      .set(user.auth);
    expect(reply.body.sender.partner).toBeNull();
    expect(reply.body.alreadyLoggedOn).toEqual([]);
    expect(reply.body.threadOn).toEqual([
      expect.objectContaining({ resId: created.body.record.resId, name: 'Context deal' }),
    ]);
  });

  it('flags free-mail senders and validates the query', async () => {
    const user = await context.createUser();
    const free = await context.request
      .get('/api/v1/mail/context')
      .query({ from: 'jordan.whitfield84@gmail.com' })
      .set(user.auth);
    expect(free.body.sender).toMatchObject({ partner: null, company: null, freeMailDomain: true });
    const bad = await context.request
      .get('/api/v1/mail/context')
      .query({ from: 'nobody', messageId: 'x y' })
      .set(user.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((issue: { field: string }) => issue.field)).toEqual(
      expect.arrayContaining(['query.from', 'query.messageId']),
    );
  });

  it('shows an own-leads user only the opportunities they may read', async () => {
    const owner = await context.createUser({ accessLevel: 'own' });
    const other = await context.createUser({ accessLevel: 'own' });
    const mail = uniqueMail('private');
    const created = await createFromMail(owner, mail, { name: 'Private deal' });
    expect(created.status).toBe(201);
    const seenByOther = await context.request
      .get('/api/v1/mail/context')
      .query({ from: mail.from.address, messageId: mail.messageId })
      .set(other.auth);
    expect(seenByOther.body.openOpportunities).toEqual([]);
    expect(seenByOther.body.alreadyLoggedOn).toEqual([]);
    const logAsOther = await context.request
      .post('/api/v1/mail/log')
      .set(other.auth)
      .send({
        mail: uniqueMail('intruder'),
        target: { resModel: 'lead', resId: created.body.record.resId },
      });
    expect(logAsOther.status).toBe(404);
  });
});

describe('POST /api/v1/mail/log and /api/v1/mail/contacts', () => {
  it('logs a mail on a lead once, however often it is sent', async () => {
    const user = await context.createUser({ accessLevel: 'all' });
    const created = await createFromMail(user, uniqueMail('log-target'), { name: 'Log target' });
    const mail = uniqueMail('follow-up');
    const target = { resModel: 'lead', resId: created.body.record.resId };
    const first = await context.request
      .post('/api/v1/mail/log')
      .set(user.auth)
      .send({ mail, target });
    const second = await context.request
      .post('/api/v1/mail/log')
      .set(user.auth)
      .send({ mail, target });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body).toMatchObject({
      status: 'existing',
      chatterMessageId: first.body.chatterMessageId,
    });
    expect(await MessageModel.countDocuments({ messageId: mail.messageId })).toBe(1);

    const missing = await context.request
      .post('/api/v1/mail/log')
      .set(user.auth)
      .send({ mail, target: { resModel: 'lead', resId: '0123456789abcdef01234567' } });
    expect(missing.status).toBe(404);
  });

  it('adds the sender as a contact, matching an existing partner by normalized e-mail', async () => {
    const user = await context.createUser();
    const created = await context.request.post('/api/v1/mail/contacts').set(user.auth).send({
      email: 'wang.lei@huaxin-trading.example.cn',
      name: '王磊',
      companyName: '上海华信贸易有限公司',
    });
    expect(created.status).toBe(201);
    expect(created.body.partner).toMatchObject({
      name: '王磊',
      companyName: '上海华信贸易有限公司',
    });
    const again = await context.request
      .post('/api/v1/mail/contacts')
      .set(user.auth)
      .send({ email: 'Wang.Lei@HUAXIN-TRADING.example.cn' });
    expect(again.status).toBe(200);
    expect(again.body.partner.id).toBe(created.body.partner.id);
    await archivePartner(await actorOf(user), created.body.partner.id);
    const afterArchive = await context.request
      .post('/api/v1/mail/contacts')
      .set(user.auth)
      .send({ email: 'wang.lei@huaxin-trading.example.cn', name: '王磊' });
    expect(afterArchive.status).toBe(201);
    expect(afterArchive.body.partner.id).not.toBe(created.body.partner.id);
    const invalid = await context.request
      .post('/api/v1/mail/contacts')
      .set(user.auth)
      .send({ email: 'nope' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.issues[0].field).toBe('body.email');
  });
});
