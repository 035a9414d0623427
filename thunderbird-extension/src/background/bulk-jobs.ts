import type { MailActionResult, MailSource } from '@inbox-crm/shared/mail';
import type { MailRecordRef } from '@inbox-crm/shared/schemas';
import type { KeyValueStore } from '../host/extension-storage';
import { collectMessageList, toMailSource } from '../host/mail-source';
import type { MessageHeader, MessageList, MessagesApi } from '../host/thunderbird-api';
import type { BulkItemView, BulkJobView } from './protocol';

// "Create opportunities from N selected mails" / "Log N mails to…": a job per menu click. The
// job's state lives in storage (the bulk window polls it, and an event page restart does not
// lose what was already reported); the selection is read fully with continueList first.

export interface BulkRunners {
  create(
    sources: MailSource[],
    onResult: (result: MailActionResult) => void,
  ): Promise<MailActionResult[]>;
  log(
    sources: MailSource[],
    target: MailRecordRef,
    onResult: (result: MailActionResult) => void,
  ): Promise<MailActionResult[]>;
}

const jobsKey = 'bulkJobs';
const keptJobs = 10;

export function itemStateOf(result: MailActionResult): BulkItemView['state'] {
  switch (result.status) {
    case 'created':
      return 'created';
    case 'logged':
      return 'logged';
    case 'already-in-crm':
      return 'existing';
    case 'queued-offline':
      return 'queued';
    case 'failed':
      return 'failed';
  }
}

export class BulkJobs {
  /** Mails of jobs waiting for a log target (kept in memory only between click and choice). */
  private readonly pendingSelections = new Map<string, MessageHeader[]>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly messages: Pick<MessagesApi, 'continueList' | 'getRaw'>,
    private readonly store: KeyValueStore,
    private readonly runners: BulkRunners,
    private readonly newId: () => string = () => crypto.randomUUID(),
  ) {}

  /** Starts a job for a menu click; returns its id at once (the window opens while it collects). */
  async start(kind: 'create' | 'log', selection: MessageList): Promise<string> {
    const id = this.newId();
    await this.save({ id, kind, state: 'collecting', total: selection.messages.length, items: [] });
    const work = this.collectAndRun(id, kind, selection).catch((error: Error) =>
      this.change(id, (job) => ({ ...job, state: 'done', error: error.message })),
    );
    this.running.set(
      id,
      work.then(() => undefined).finally(() => this.running.delete(id)),
    );
    return id;
  }

  async get(id: string): Promise<BulkJobView | null> {
    const jobs = (await this.store.get<BulkJobView[]>(jobsKey)) ?? [];
    return jobs.find((job) => job.id === id) ?? null;
  }

  /** Resolves when the job has finished (tests, benchmark). */
  async settled(id: string): Promise<BulkJobView | null> {
    await this.running.get(id);
    return this.get(id);
  }

  async logTo(id: string, target: MailRecordRef): Promise<BulkJobView | null> {
    const headers = this.pendingSelections.get(id);
    const job = await this.get(id);
    if (!job || job.state !== 'choosing-target') return job;
    if (!headers) {
      return this.change(id, (current) => ({
        ...current,
        state: 'done',
        error: 'The selection was lost; select the mails again.',
      }));
    }
    this.pendingSelections.delete(id);
    await this.change(id, (current) => ({ ...current, state: 'running', target }));
    const work = this.run(id, headers, (sources, onResult) =>
      this.runners.log(sources, target, onResult),
    );
    this.running.set(
      id,
      work.finally(() => this.running.delete(id)),
    );
    return this.get(id);
  }

  private async collectAndRun(
    id: string,
    kind: 'create' | 'log',
    selection: MessageList,
  ): Promise<void> {
    const headers = await collectMessageList(
      this.messages,
      selection,
      (count) => void this.change(id, (job) => ({ ...job, total: Math.max(job.total, count) })),
    );
    await this.change(id, (job) => ({
      ...job,
      total: headers.length,
      state: kind === 'create' ? 'running' : 'choosing-target',
      items: headers.map((header) => ({
        hostId: header.id,
        subject: header.subject,
        state: 'waiting' as const,
      })),
    }));
    if (kind === 'log') {
      this.pendingSelections.set(id, headers);
      return;
    }
    await this.run(id, headers, (sources, onResult) => this.runners.create(sources, onResult));
  }

  private async run(
    id: string,
    headers: MessageHeader[],
    runner: (
      sources: MailSource[],
      onResult: (result: MailActionResult) => void,
    ) => Promise<MailActionResult[]>,
  ): Promise<void> {
    const sources = headers.map((header) => toMailSource(this.messages, header));
    const updates: Promise<unknown>[] = [];
    await runner(sources, (result) => {
      updates.push(
        this.change(id, (job) => ({
          ...job,
          items: job.items.map((item) =>
            String(item.hostId) === result.hostId
              ? {
                  ...item,
                  state: itemStateOf(result),
                  record: result.record,
                  message: result.reason,
                }
              : item,
          ),
        })),
      );
    });
    await Promise.all(updates);
    await this.change(id, (job) => ({ ...job, state: 'done' }));
  }

  private async save(job: BulkJobView): Promise<void> {
    await this.store.update<BulkJobView[]>(jobsKey, (jobs = []) =>
      [...jobs.filter((j) => j.id !== job.id), job].slice(-keptJobs),
    );
  }

  private async change(
    id: string,
    apply: (job: BulkJobView) => BulkJobView,
  ): Promise<BulkJobView | null> {
    let changed: BulkJobView | null = null;
    await this.store.update<BulkJobView[]>(jobsKey, (jobs = []) =>
      jobs.map((job) => (job.id === id ? (changed = apply(job)) : job)),
    );
    return changed;
  }
}
