import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../api/api-error';
import { createOfflineQueue } from '../offline/offline-queue';
import { MemoryKeyValueStorage } from '../offline/key-value-storage';
import type { MailContextResponse, MailRecordRef } from '../schemas/mail.schemas';
import { fixturesDirectory } from './fixtures-path.test-support';
import {
  addSenderAsContact,
  createOpportunitiesFromMails,
  logMailsToRecord,
  proposeMailAction,
  type MailActionProgress,
  type MailActionsDependencies,
} from './mail-actions';
import type { MailSource } from './mail-message';

const source = (file: string, hostId = file): MailSource => ({
  summary: { hostId, subject: file },
  getRaw: async () => new Uint8Array(readFileSync(path.join(fixturesDirectory, 'mail', file))),
});

const emptyContext: MailContextResponse = {
  sender: { email: 'x', partner: null, company: null, freeMailDomain: false },
  recipients: [],
  openOpportunities: [],
  recentActivities: [],
  alreadyLoggedOn: [],
  threadOn: [],
};

/** The API at its function boundary, recording what the use cases send. */
function fakeApi(options: { thread?: MailRecordRef; offline?: boolean } = {}) {
  const created = new Map<string, string>();
  const sent: Array<{ call: string; body: unknown; emlBytes?: number }> = [];
  const offline = () => {
    if (options.offline) throw new ApiError({ status: 0, code: 'network', message: 'down' });
  };
  const api: MailActionsDependencies['api'] = {
    mailContext: async (query) => {
      offline();
      sent.push({ call: 'context', body: query });
      return { ...emptyContext, threadOn: options.thread ? [options.thread] : [] };
    },
    createOpportunityFromMail: async (body, upload) => {
      offline();
      sent.push({
        call: 'create',
        body,
        emlBytes: (upload?.eml as Uint8Array | undefined)?.byteLength,
      });
      const key = String(body.mail.messageId ?? body.mail.subject);
      const existing = created.get(key);
      if (!existing) created.set(key, `lead${created.size + 1}`);
      return {
        status: existing ? 'existing' : 'created',
        record: { resModel: 'lead', resId: created.get(key)!, name: body.draft.name },
        attachmentIds: [],
        idempotencyKey: key,
      };
    },
    logMail: async (body) => {
      offline();
      sent.push({ call: 'log', body });
      return {
        status: 'logged',
        record: { resModel: body.target.resModel, resId: body.target.resId },
        attachmentIds: [],
        idempotencyKey: '',
      };
    },
    createContactFromMail: async (body) => {
      offline();
      sent.push({ call: 'contact', body });
      return {
        status: 'created',
        partner: {
          id: 'p1',
          name: body.name ?? '',
          isCompany: false,
          email: body.email,
          phone: body.phone ?? null,
          mobile: body.mobile ?? null,
          jobPosition: body.jobPosition ?? null,
          companyId: null,
          companyName: body.companyName ?? null,
        },
      };
    },
  };
  return { api, sent, created };
}

describe('mail use cases', () => {
  it('creates one opportunity per selected mail, with progress, the .eml, and "already in CRM" on a repeat', async () => {
    const { api, sent } = fakeApi();
    const progress: MailActionProgress[] = [];
    const deps: MailActionsDependencies = { api, host: 'thunderbird' };
    const mails = [
      source('rfq-office-chairs-en.eml'),
      source('freemail-individual-en.eml'),
      source('rfq-office-chairs-en.eml', 'again'),
    ];
    const results = await createOpportunitiesFromMails(mails, deps, {
      onProgress: (entry) => progress.push(entry),
    });
    expect(results.map((result) => result.status)).toEqual([
      'created',
      'created',
      'already-in-crm',
    ]);
    expect(progress.map((entry) => entry.done)).toEqual([0, 1, 2, 3]);
    const first = sent.find((entry) => entry.call === 'create')!;
    expect(first.emlBytes).toBeGreaterThan(1000);
    expect(first.body).toMatchObject({
      mail: {
        messageId: '<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>',
        host: 'thunderbird',
        from: { address: 'margaret.lindqvist@bluefin-logistics.example.com' },
      },
      draft: {
        name: 'Request for quotation: 120 ergonomic office chairs',
        companyName: 'Bluefin Logistics Ltd',
        contact: { name: 'Margaret Lindqvist' },
      },
    });
    const freemail = sent.filter((entry) => entry.call === 'create')[1]!;
    expect(freemail.body).toMatchObject({ draft: { companyName: null } });
  });

  it('logs a reply to the opportunity its thread is on instead of creating a second one', async () => {
    const thread: MailRecordRef = {
      resModel: 'lead',
      resId: '64b000000000000000000001',
      name: 'RFQ',
      type: 'opportunity',
    };
    const { api, sent } = fakeApi({ thread });
    const [result] = await createOpportunitiesFromMails([source('rfq-reply-thread-en.eml')], {
      api,
      host: 'outlook',
    });
    expect(result).toMatchObject({ status: 'logged', record: { resId: thread.resId } });
    expect(sent.map((entry) => entry.call)).toEqual(['context', 'log']);
    expect(sent[0]!.body).toMatchObject({
      inReplyTo: '<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>',
    });
  });

  it('queues the actions when the CRM cannot be reached, and reports failures per mail', async () => {
    const { api } = fakeApi({ offline: true });
    const offlineQueue = createOfflineQueue({ storage: new MemoryKeyValueStorage(), api });
    const broken: MailSource = {
      summary: { hostId: 'broken', subject: 'x' },
      getRaw: async () => {
        throw new Error('host refused');
      },
    };
    const results = await createOpportunitiesFromMails([source('oferta-ro.eml'), broken], {
      api,
      host: 'outlook',
      offlineQueue,
    });
    expect(results.map((result) => result.status)).toEqual(['queued-offline', 'failed']);
    expect(results[1]!.reason).toMatch(/host refused/);
    expect((await offlineQueue.list())[0]).toMatchObject({
      kind: 'create-opportunity',
      state: 'queued',
      label: 'Cerere de ofertă – mobilier birou',
    });
  });

  it('refuses a mail without sender with a readable reason', async () => {
    const { api } = fakeApi();
    const headerless: MailSource = {
      summary: { hostId: 'h', subject: '' },
      getRaw: async () =>
        new Uint8Array(
          readFileSync(path.join(fixturesDirectory, 'mime-torture', 'postal-mime-mixed.eml')),
        ),
    };
    const [result] = await createOpportunitiesFromMails([headerless], { api, host: 'other' });
    expect(result).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/no sender address/),
    });
  });

  it('logs several mails to a chosen record and adds the sender as a contact', async () => {
    const { api, sent } = fakeApi();
    const target = { resModel: 'partner' as const, resId: '64b000000000000000000002' };
    const results = await logMailsToRecord(
      [source('inquiry-zh-cn.eml'), source('oferta-ro.eml')],
      target,
      { api, host: 'thunderbird' },
    );
    expect(results.map((result) => result.status)).toEqual(['logged', 'logged']);
    const contact = await addSenderAsContact(source('html-with-inline-image.eml'), {
      api,
      host: 'thunderbird',
    });
    expect(contact).toMatchObject({ status: 'created', partnerId: 'p1' });
    expect(sent.at(-1)!.body).toEqual({
      email: 'oliver.brandt@northgate-dental.example.com',
      name: 'Oliver Brandt',
      companyName: 'Northgate Dental Clinics',
      jobPosition: 'Practice Operations Manager',
      phone: '+44 1632 960 418',
      mobile: '+44 7700 900 274',
    });
  });

  it('proposes opening the record when the mail is already in the CRM', () => {
    const record: MailRecordRef = { resModel: 'lead', resId: 'a' };
    expect(proposeMailAction({ alreadyLoggedOn: [record], threadOn: [] })).toEqual({
      action: 'already-in-crm',
      records: [record],
    });
    expect(proposeMailAction({ alreadyLoggedOn: [], threadOn: [record] })).toEqual({
      action: 'log-to-thread',
      target: record,
    });
    expect(proposeMailAction({ alreadyLoggedOn: [], threadOn: [] })).toEqual({ action: 'create' });
  });
});
