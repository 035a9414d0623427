import type { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { OfflineQueue } from '../offline/offline-queue';
import type {
  MailContextResponse,
  MailDescriptor,
  MailRecordRef,
  OpportunityDraft,
} from '../schemas/mail.schemas';
import { mailIdempotencyKey } from './mail-identity';
import type { MailMessage, MailSource } from './mail-message';
import {
  buildOpportunityDraft,
  type DraftOptions,
  type OpportunityDraftProposal,
} from './opportunity-draft';
import { parseRawMail } from './parse-raw-mail';

export type MailActionStatus =
  'created' | 'logged' | 'already-in-crm' | 'queued-offline' | 'failed';

/** The outcome for one selected mail. */
export interface MailActionResult {
  hostId: string;
  subject: string;
  status: MailActionStatus;
  record?: MailRecordRef;
  /** For `failed` (and `queued-offline`): a sentence for the user. */
  reason?: string;
  error?: unknown;
}

export interface MailActionProgress {
  done: number;
  total: number;
  current?: MailActionResult;
}

export interface MailActionsDependencies {
  api: Pick<
    ApiClient,
    'mailContext' | 'createOpportunityFromMail' | 'logMail' | 'createContactFromMail'
  >;
  /** Without a queue, offline failures are reported as `failed`. */
  offlineQueue?: OfflineQueue;
  host: 'outlook' | 'thunderbird' | 'other';
  draftOptions?: DraftOptions;
  /** Raw mails above this are sent without the .eml (the server's default cap is 25 MB). */
  maxEmlBytes?: number;
}

/** A selected mail read once: raw bytes, parsed mail, draft, idempotency key. */
export interface PreparedMail {
  source: MailSource;
  raw: Uint8Array;
  mail: MailMessage;
  draft: OpportunityDraftProposal;
  key: string;
  descriptor: MailDescriptor;
}

export class MailActionError extends Error {
  override readonly name = 'MailActionError';
}

/** Download and parse a selected mail, build its draft. */
export async function prepareMail(
  source: MailSource,
  deps: Pick<MailActionsDependencies, 'host' | 'draftOptions'>,
): Promise<PreparedMail> {
  const raw = await source.getRaw();
  const mail = await parseRawMail(raw);
  const merged: MailMessage = {
    ...mail,
    messageId: mail.messageId ?? source.summary.messageId,
    subject: mail.subject || source.summary.subject,
  };
  return {
    source,
    raw,
    mail: merged,
    draft: buildOpportunityDraft(merged, deps.draftOptions),
    key: await mailIdempotencyKey(merged),
    descriptor: toMailDescriptor(merged, deps.host),
  };
}

/** The mail as the API's `mail` descriptor (headers and text; attachments travel in the .eml). */
export function toMailDescriptor(
  mail: MailMessage,
  host: MailActionsDependencies['host'],
): MailDescriptor {
  if (!mail.from?.address) {
    throw new MailActionError('This mail has no sender address, so the CRM cannot file it.');
  }
  return {
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references.slice(-200),
    subject: mail.subject.slice(0, 998),
    from: { name: mail.from.name || undefined, address: mail.from.address },
    to: mail.to
      .filter((entry) => entry.address)
      .map((entry) => ({ name: entry.name || undefined, address: entry.address })),
    cc: mail.cc
      .filter((entry) => entry.address)
      .map((entry) => ({ name: entry.name || undefined, address: entry.address })),
    date: mail.date,
    bodyText: mail.text.slice(0, 2_000_000),
    bodyHtml: mail.rawHtml?.slice(0, 5_000_000),
    host,
  };
}

/** The API body for the user's (possibly edited) draft. */
export function toOpportunityDraftBody(draft: OpportunityDraftProposal): OpportunityDraft {
  return {
    name: draft.name.slice(0, 512),
    contact: draft.contact
      ? {
          name: draft.contact.name,
          email: draft.contact.email,
          phone: draft.contact.phone,
          mobile: draft.contact.mobile,
          jobPosition: draft.contact.jobTitle,
        }
      : undefined,
    companyName: draft.company ? draft.company.name : null,
    description: draft.description,
  };
}

export type MailProposal =
  | { action: 'create' }
  | { action: 'already-in-crm'; records: MailRecordRef[] }
  | { action: 'log-to-thread'; target: MailRecordRef };

/** What to offer for a mail given the server's context: open the record, log to the thread, or create. */
export function proposeMailAction(
  context: Pick<MailContextResponse, 'alreadyLoggedOn' | 'threadOn'>,
): MailProposal {
  if (context.alreadyLoggedOn.length)
    return { action: 'already-in-crm', records: context.alreadyLoggedOn };
  const thread =
    context.threadOn.find((record) => record.resModel === 'lead') ?? context.threadOn[0];
  return thread ? { action: 'log-to-thread', target: thread } : { action: 'create' };
}

export interface CreateOpportunitiesOptions {
  /** Let the UI change a draft before it is sent (name, revenue …). */
  editDraft?: (
    draft: OpportunityDraftProposal,
    prepared: PreparedMail,
  ) => OpportunityDraft | Promise<OpportunityDraft>;
  /** A mail of a conversation already on an opportunity is logged there instead (default true). */
  logWhenThreadKnown?: boolean;
  onProgress?: (progress: MailActionProgress) => void;
  signal?: AbortSignal;
}

/** "Create opportunity" for one or many selected mails, one result per mail, in order. */
export async function createOpportunitiesFromMails(
  sources: readonly MailSource[],
  deps: MailActionsDependencies,
  options: CreateOpportunitiesOptions = {},
): Promise<MailActionResult[]> {
  return forEachMail(sources, options, async (source) => {
    const prepared = await prepareMail(source, deps);
    const eml = emlFor(prepared, deps);
    if (options.logWhenThreadKnown ?? true) {
      const target = await threadTarget(prepared, deps);
      if (target && target.resModel !== 'quotation') {
        return logPrepared(prepared, { resModel: target.resModel, resId: target.resId }, deps, eml);
      }
    }
    const draft = options.editDraft
      ? await options.editDraft(prepared.draft, prepared)
      : toOpportunityDraftBody(prepared.draft);
    const body = { mail: prepared.descriptor, draft };
    try {
      const result = await deps.api.createOpportunityFromMail(body, eml ? { eml } : undefined);
      return resultOf(
        source,
        result.status === 'created' ? 'created' : 'already-in-crm',
        result.record,
      );
    } catch (error) {
      return queueIfOffline(error, source, deps, () =>
        deps.offlineQueue!.enqueue({
          kind: 'create-opportunity',
          mailKey: prepared.key,
          label: draft.name,
          body,
          eml,
        }),
      );
    }
  });
}

/** "Log to existing record" for one or many mails. */
export async function logMailsToRecord(
  sources: readonly MailSource[],
  target: { resModel: 'lead' | 'partner'; resId: string },
  deps: MailActionsDependencies,
  options: Pick<CreateOpportunitiesOptions, 'onProgress' | 'signal'> = {},
): Promise<MailActionResult[]> {
  return forEachMail(sources, options, async (source) => {
    const prepared = await prepareMail(source, deps);
    return logPrepared(prepared, target, deps, emlFor(prepared, deps));
  });
}

/** "Add sender as contact": matches an existing partner by e-mail on the server first. */
export async function addSenderAsContact(
  source: MailSource | PreparedMail,
  deps: MailActionsDependencies,
  overrides: {
    name?: string;
    companyName?: string | null;
    jobPosition?: string;
    phone?: string;
    mobile?: string;
  } = {},
): Promise<MailActionResult & { partnerId?: string }> {
  try {
    const prepared = 'draft' in source ? source : await prepareMail(source, deps);
    const { contact, company } = prepared.draft;
    if (!contact) throw new MailActionError('This mail has no sender address to add as a contact.');
    const response = await deps.api.createContactFromMail({
      email: contact.email,
      name: overrides.name ?? contact.name,
      companyName:
        overrides.companyName !== undefined ? overrides.companyName : (company?.name ?? null),
      jobPosition: overrides.jobPosition ?? contact.jobTitle,
      phone: overrides.phone ?? contact.phone,
      mobile: overrides.mobile ?? contact.mobile,
    });
    return {
      ...resultOf(prepared.source, response.status === 'created' ? 'created' : 'already-in-crm', {
        resModel: 'partner',
        resId: response.partner.id,
        name: response.partner.name,
      }),
      partnerId: response.partner.id,
    };
  } catch (error) {
    const hostId = 'draft' in source ? source.source.summary.hostId : source.summary.hostId;
    const subject = 'draft' in source ? source.mail.subject : source.summary.subject;
    return { hostId, subject, status: 'failed', reason: reasonOf(error), error };
  }
}

async function logPrepared(
  prepared: PreparedMail,
  target: { resModel: 'lead' | 'partner'; resId: string },
  deps: MailActionsDependencies,
  eml: Uint8Array | undefined,
): Promise<MailActionResult> {
  const body = { mail: prepared.descriptor, target };
  try {
    const result = await deps.api.logMail(body, eml ? { eml } : undefined);
    return resultOf(
      prepared.source,
      result.status === 'logged' ? 'logged' : 'already-in-crm',
      result.record,
    );
  } catch (error) {
    return queueIfOffline(error, prepared.source, deps, () =>
      deps.offlineQueue!.enqueue({
        kind: 'log-mail',
        mailKey: prepared.key,
        label: prepared.mail.subject,
        body,
        eml,
      }),
    );
  }
}

async function threadTarget(
  prepared: PreparedMail,
  deps: MailActionsDependencies,
): Promise<MailRecordRef | undefined> {
  const { mail } = prepared;
  if (!mail.inReplyTo && mail.references.length === 0) return undefined;
  try {
    const context = await deps.api.mailContext({
      from: prepared.descriptor.from.address,
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references.slice(-50),
    });
    const proposal = proposeMailAction(context);
    return proposal.action === 'log-to-thread' ? proposal.target : undefined;
  } catch (error) {
    if (error instanceof ApiError && error.isOffline) return undefined; // creation below queues it
    throw error;
  }
}

async function queueIfOffline(
  error: unknown,
  source: MailSource,
  deps: MailActionsDependencies,
  enqueue: () => Promise<unknown>,
): Promise<MailActionResult> {
  if (error instanceof ApiError && error.isOffline && deps.offlineQueue) {
    try {
      await enqueue();
      return {
        ...resultOf(source, 'queued-offline'),
        reason: 'The CRM is not reachable; this will be sent as soon as it is.',
      };
    } catch (queueError) {
      return { ...resultOf(source, 'failed'), reason: reasonOf(queueError), error: queueError };
    }
  }
  return { ...resultOf(source, 'failed'), reason: reasonOf(error), error };
}

async function forEachMail(
  sources: readonly MailSource[],
  options: Pick<CreateOpportunitiesOptions, 'onProgress' | 'signal'>,
  run: (source: MailSource) => Promise<MailActionResult>,
): Promise<MailActionResult[]> {
  const results: MailActionResult[] = [];
  options.onProgress?.({ done: 0, total: sources.length });
  for (const source of sources) {
    let result: MailActionResult;
    if (options.signal?.aborted) {
      result = { ...resultOf(source, 'failed'), reason: 'Cancelled before this mail was sent.' };
    } else {
      try {
        result = await run(source);
      } catch (error) {
        result = { ...resultOf(source, 'failed'), reason: reasonOf(error), error };
      }
    }
    results.push(result);
    options.onProgress?.({ done: results.length, total: sources.length, current: result });
  }
  return results;
}

function emlFor(prepared: PreparedMail, deps: MailActionsDependencies): Uint8Array | undefined {
  const limit = deps.maxEmlBytes ?? 25 * 1024 * 1024;
  return prepared.raw.byteLength <= limit ? prepared.raw : undefined;
}

function resultOf(
  source: MailSource,
  status: MailActionStatus,
  record?: MailRecordRef,
): MailActionResult {
  return { hostId: source.summary.hostId, subject: source.summary.subject, status, record };
}

function reasonOf(error: unknown): string {
  if (error instanceof ApiError) return error.userMessage;
  if (error instanceof Error && error.name !== 'Error') return error.message;
  return `Something went wrong: ${error instanceof Error ? error.message : String(error)}`;
}
