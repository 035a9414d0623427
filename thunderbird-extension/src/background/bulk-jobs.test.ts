import type { MailActionResult, MailSource } from '@inbox-crm/shared/mail';
import { createExtensionStore, createMemoryStorageArea } from '../host/extension-storage';
import type { MessageHeader, MessageList } from '../host/thunderbird-api';
import { BulkJobs, type BulkRunners } from './bulk-jobs';

const header = (id: number): MessageHeader => ({
  id,
  headerMessageId: `m${id}@example.com`,
  subject: `Mail ${id}`,
  author: `Sender ${id} <s${id}@example.com>`,
  recipients: [],
  ccList: [],
  date: new Date('2026-01-05T10:00:00Z'),
  size: 10,
});

function setup(statuses: Record<number, MailActionResult['status']>) {
  const pages: Record<string, MessageList> = { page2: { id: null, messages: [header(3)] } };
  const messages = {
    continueList: jest.fn(async (id: string) => pages[id]!),
    getRaw: jest.fn(async (id: number) => new File([`Subject: Mail ${id}\r\n\r\n`], 'm.eml')),
  };
  const seen: MailSource[] = [];
  const outcome = (source: MailSource): MailActionResult => ({
    hostId: source.summary.hostId,
    subject: source.summary.subject,
    status: statuses[Number(source.summary.hostId)] ?? 'created',
    record: {
      resModel: 'lead',
      resId: `lead-${source.summary.hostId}`,
      name: source.summary.subject,
    },
    reason:
      statuses[Number(source.summary.hostId)] === 'failed'
        ? 'The CRM did not accept this'
        : undefined,
  });
  const runners: BulkRunners = {
    create: jest.fn(async (sources, onResult) => {
      seen.push(...sources);
      return sources.map((source) => {
        const result = outcome(source);
        onResult(result);
        return result;
      });
    }),
    log: jest.fn(async (sources, _target, onResult) =>
      sources.map((source) => {
        const result = { ...outcome(source), status: 'logged' as const };
        onResult(result);
        return result;
      }),
    ),
  };
  let n = 0;
  const jobs = new BulkJobs(
    messages,
    createExtensionStore(createMemoryStorageArea()),
    runners,
    () => `job-${++n}`,
  );
  return { jobs, runners, messages, seen };
}

describe('BulkJobs', () => {
  it('reads every page of the selection, runs the use case once, and reports per mail', async () => {
    const { jobs, runners, seen } = setup({ 2: 'already-in-crm', 3: 'failed' });
    const id = await jobs.start('create', { id: 'page2', messages: [header(1), header(2)] });
    const job = await jobs.settled(id);
    expect(runners.create).toHaveBeenCalledTimes(1);
    expect(seen.map((source) => source.summary.hostId)).toEqual(['1', '2', '3']);
    expect(job).toMatchObject({ kind: 'create', state: 'done', total: 3 });
    expect(job!.items.map((item) => [item.hostId, item.state])).toEqual([
      [1, 'created'],
      [2, 'existing'],
      [3, 'failed'],
    ]);
    expect(job!.items[2]!.message).toBe('The CRM did not accept this');
  });

  it('waits for a target before logging, then logs every mail there', async () => {
    const { jobs, runners } = setup({});
    const id = await jobs.start('log', { id: null, messages: [header(1), header(2)] });
    expect((await jobs.settled(id))!.state).toBe('choosing-target');
    expect(runners.log).not.toHaveBeenCalled();
    const target = { resModel: 'partner' as const, resId: 'p1', name: 'Bluefin Logistics' };
    await jobs.logTo(id, target);
    const job = await jobs.settled(id);
    expect(runners.log).toHaveBeenCalledWith(expect.any(Array), target, expect.any(Function));
    expect(job).toMatchObject({ state: 'done', target });
    expect(job!.items.every((item) => item.state === 'logged')).toBe(true);
  });

  it('reports a failure to read the selection on the job instead of losing it', async () => {
    const { jobs, messages } = setup({});
    messages.continueList.mockRejectedValueOnce(new Error('Invalid message list id'));
    const id = await jobs.start('create', { id: 'page2', messages: [header(1)] });
    expect(await jobs.settled(id)).toMatchObject({
      state: 'done',
      error: 'Invalid message list id',
    });
  });

  it('answers null for an unknown job', async () => {
    expect(await setup({}).jobs.get('nope')).toBeNull();
  });
});
