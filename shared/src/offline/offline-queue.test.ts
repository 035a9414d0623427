import { ApiError } from '../api/api-error';
import type { MailLogBody, MailToOpportunityBody } from '../schemas/mail.schemas';
import { MemoryKeyValueStorage, SerialStorage } from './key-value-storage';
import { createOfflineQueue, type OfflineQueueOptions } from './offline-queue';

/** A CRM that deduplicates by Message-ID like the real one, and can be "down". */
function fakeCrm() {
  const records = new Map<string, string>();
  const calls: string[] = [];
  let down = false;
  let failWith: ApiError | undefined;
  const file = async (key: string, emlBytes?: number) => {
    calls.push(`${key}:${emlBytes ?? 0}`);
    if (down) throw new ApiError({ status: 0, code: 'network', message: 'offline' });
    if (failWith) throw failWith;
    const existing = records.get(key);
    if (!existing) records.set(key, `lead${records.size + 1}`);
    return {
      status: existing ? ('existing' as const) : ('created' as const),
      id: records.get(key)!,
    };
  };
  const api: OfflineQueueOptions['api'] = {
    createOpportunityFromMail: async (body, upload) => {
      const { status, id } = await file(
        `create|${body.mail.messageId}`,
        (upload?.eml as Uint8Array | undefined)?.byteLength,
      );
      return {
        status,
        record: { resModel: 'lead', resId: id },
        attachmentIds: [],
        idempotencyKey: String(body.mail.messageId),
      };
    },
    logMail: async (body) => {
      const { status, id } = await file(`log|${body.target.resId}|${body.mail.messageId}`);
      return {
        status: status === 'created' ? 'logged' : 'existing',
        record: { resModel: 'lead', resId: id },
        attachmentIds: [],
        idempotencyKey: '',
      };
    },
  };
  return {
    api,
    records,
    calls,
    setDown: (value: boolean) => {
      down = value;
    },
    setFailure: (error: ApiError | undefined) => {
      failWith = error;
    },
  };
}

const createBody = (messageId: string): MailToOpportunityBody => ({
  mail: { messageId, from: { address: 'margaret@bluefin.example' }, subject: 'RFQ' },
  draft: { name: 'RFQ' },
});
const logBody = (messageId: string, resId: string): MailLogBody => ({
  mail: { messageId, from: { address: 'margaret@bluefin.example' } },
  target: { resModel: 'lead', resId },
});

describe('offline queue', () => {
  it('delivers a queued action once, with its .eml, and keeps it visible as sent', async () => {
    const crm = fakeCrm();
    const queue = createOfflineQueue({ storage: new MemoryKeyValueStorage(), api: crm.api });
    const eml = new Uint8Array([1, 2, 3, 250]);
    await queue.enqueue({
      kind: 'create-opportunity',
      mailKey: '<a@x>',
      label: 'RFQ',
      body: createBody('<a@x>'),
      eml,
    });
    await queue.enqueue({
      kind: 'create-opportunity',
      mailKey: '<a@x>',
      label: 'RFQ',
      body: createBody('<a@x>'),
      eml,
    });
    expect((await queue.list()).map((action) => action.state)).toEqual(['queued']);
    await queue.flush();
    await queue.flush();
    expect(crm.calls).toEqual(['create|<a@x>:4']);
    expect(await queue.list()).toEqual([
      expect.objectContaining({
        state: 'sent',
        record: { resModel: 'lead', resId: 'lead1' },
        alreadyInCrm: false,
      }),
    ]);
    expect((await queue.list())[0]!.emlBase64).toBeUndefined();
  });

  it('stays queued while offline and goes out when the CRM is back', async () => {
    const crm = fakeCrm();
    const queue = createOfflineQueue({ storage: new MemoryKeyValueStorage(), api: crm.api });
    crm.setDown(true);
    await queue.enqueue({
      kind: 'log-mail',
      mailKey: '<b@x>',
      label: 'Re: RFQ',
      body: logBody('<b@x>', 'L1'),
    });
    await queue.enqueue({
      kind: 'log-mail',
      mailKey: '<b@x>',
      label: 'Re: RFQ',
      body: logBody('<b@x>', 'L2'),
    });
    const offline = await queue.flush();
    expect(offline.map((action) => action.state)).toEqual(['queued', 'queued']);
    expect(offline[0]!.error?.message).toMatch(/cannot be reached/);
    crm.setDown(false);
    const online = await queue.flush();
    expect(online.map((action) => action.state)).toEqual(['sent', 'sent']);
    expect(crm.records.size).toBe(2); // one per target
  });

  it('marks a refused action failed with the reason, and can retry it', async () => {
    const crm = fakeCrm();
    const queue = createOfflineQueue({ storage: new MemoryKeyValueStorage(), api: crm.api });
    crm.setFailure(new ApiError({ status: 403, code: 'forbidden', message: 'no' }));
    const action = await queue.enqueue({
      kind: 'log-mail',
      mailKey: '<c@x>',
      label: 'x',
      body: logBody('<c@x>', 'L9'),
    });
    expect((await queue.flush())[0]).toMatchObject({
      state: 'failed',
      error: { code: 'forbidden', message: expect.stringMatching(/not allowed/) },
    });
    crm.setFailure(undefined);
    await queue.retry(action.id);
    expect((await queue.flush())[0]!.state).toBe('sent');
  });

  it('resends an action a crash left in "sending"; the server answers "already in CRM" (exactly once)', async () => {
    const crm = fakeCrm();
    const storage = new MemoryKeyValueStorage();
    const first = createOfflineQueue({ storage, api: crm.api });
    await first.enqueue({
      kind: 'create-opportunity',
      mailKey: '<d@x>',
      label: 'x',
      body: createBody('<d@x>'),
    });
    // The process dies after the server stored it but before the answer was recorded:
    await crm.api.createOpportunityFromMail(createBody('<d@x>'));
    const stored = await storage.get<Array<{ state: string }>>('inbox-crm.offline-queue');
    stored![0]!.state = 'sending';
    await storage.set('inbox-crm.offline-queue', stored);
    const restarted = createOfflineQueue({ storage, api: crm.api });
    expect((await restarted.flush())[0]).toMatchObject({ state: 'sent', alreadyInCrm: true });
    expect(crm.records.size).toBe(1);
  });

  it('runs concurrent flushes and enqueues through one chain: nothing lost, nothing sent twice', async () => {
    const crm = fakeCrm();
    const queue = createOfflineQueue({ storage: new MemoryKeyValueStorage(), api: crm.api });
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        queue.enqueue({
          kind: 'create-opportunity',
          mailKey: `<m${index}@x>`,
          label: `m${index}`,
          body: createBody(`<m${index}@x>`),
        }),
      ),
    );
    await Promise.all([queue.flush(), queue.flush(), queue.flush()]);
    expect(crm.calls).toHaveLength(20);
    expect((await queue.list()).every((action) => action.state === 'sent')).toBe(true);
    expect(await queue.clearSent()).toBe(20);
  });

  it('refuses to keep a mail larger than the offline limit, with a clear reason', async () => {
    const queue = createOfflineQueue({
      storage: new MemoryKeyValueStorage(),
      api: fakeCrm().api,
      maxEmlBytes: 10,
    });
    await expect(
      queue.enqueue({
        kind: 'create-opportunity',
        mailKey: '<e@x>',
        label: 'x',
        body: createBody('<e@x>'),
        eml: new Uint8Array(11),
      }),
    ).rejects.toThrow(/too large to keep while offline/);
  });

  it('serializes read-modify-write on the storage', async () => {
    const serial = new SerialStorage(new MemoryKeyValueStorage());
    await Promise.all(
      Array.from({ length: 50 }, () =>
        serial.run(async (storage) => {
          const value = (await storage.get<number>('n')) ?? 0;
          await new Promise((resolve) => setTimeout(resolve, 0));
          await storage.set('n', value + 1);
        }),
      ),
    );
    expect(await serial.storage.get('n')).toBe(50);
  });
});
