import type { MailSource, MailSummary } from '@inbox-crm/shared/mail';
import { normalizeMessageId } from '@inbox-crm/shared/mail';
import { callOffice } from './office-async';
import {
  readRawMail,
  readThreadIds,
  toMailSummary,
  type ContentGap,
  type OutlookMessageItem,
} from './outlook-mail';
import type { HostCapabilities } from './requirement-sets';

/** The pane shows one of three things: one mail, none, or several. */
export type MailSelection =
  | { kind: 'one'; item: OutlookMessageItem; summary: MailSummary }
  | { kind: 'none' }
  | { kind: 'many'; summaries: MailSummary[] };

/** The members of `Office.context.mailbox` the adapter uses (the rest is never touched). */
export interface OutlookMailbox {
  item?: Office.MessageRead | null;
  addHandlerAsync: Office.Mailbox['addHandlerAsync'];
  getSelectedItemsAsync?: Office.Mailbox['getSelectedItemsAsync'];
  loadItemByIdAsync?: Office.Mailbox['loadItemByIdAsync'];
  userProfile?: Office.UserProfile;
}

/** A MailSource that also tells what the host could not give while reading it. */
export interface OutlookMailSource extends MailSource {
  gaps: Set<ContentGap>;
  /**
   * Adds In-Reply-To/References to `summary` (Outlook has no property for them; Mailbox 1.8 reads
   * the internet headers), so the CRM can tell when another mail of the thread is already filed.
   */
  completeSummary(): Promise<MailSummary>;
}

// Office.EventType only carries these names once a real host file loaded (outlook.md §9.7).
const itemChangedEvent = 'olkItemSelectedChanged' as unknown as Office.EventType;
const selectedItemsChangedEvent = 'olkSelectedItemsChanged' as unknown as Office.EventType;

function isMessage(item: Office.MessageRead | null | undefined): item is Office.MessageRead {
  return !!item && String(item.itemType ?? 'message').toLowerCase() === 'message';
}

async function listSelectedMails(mailbox: OutlookMailbox): Promise<MailSummary[]> {
  const getSelected = mailbox.getSelectedItemsAsync;
  if (typeof getSelected !== 'function') return [];
  const items = await callOffice<Office.SelectedItemDetails[]>(
    'Listing the selected mails',
    (callback) => getSelected.call(mailbox, callback),
  );
  return items
    .filter((item) => String(item.itemType).toLowerCase() === 'message')
    .map((item) => {
      const summary: MailSummary = { hostId: item.itemId, subject: String(item.subject ?? '') };
      // From Mailbox 1.14 the list carries the Message-ID too; used to report duplicates early.
      const messageId = normalizeMessageId(
        (item as { internetMessageId?: string }).internetMessageId,
      );
      if (messageId) summary.messageId = messageId;
      return summary;
    });
}

/** Reads the current selection: the multi-selection (Mailbox 1.13) or the open item. */
export async function readSelection(
  mailbox: OutlookMailbox,
  capabilities: HostCapabilities,
): Promise<MailSelection> {
  if (capabilities.multiSelect) {
    const summaries = await listSelectedMails(mailbox);
    if (summaries.length > 1) return { kind: 'many', summaries };
  }
  const item = mailbox.item;
  if (isMessage(item)) return { kind: 'one', item, summary: toMailSummary(item) };
  return { kind: 'none' };
}

/**
 * Calls `onChange` with the new selection whenever the user selects another mail (pinned pane,
 * Mailbox 1.5) or several mails (Mailbox 1.13). Handlers for events the host lacks are not added.
 */
export async function watchSelection(
  mailbox: OutlookMailbox,
  capabilities: HostCapabilities,
  onChange: (selection: MailSelection) => void,
  onError: (error: unknown) => void,
): Promise<void> {
  let latest = 0;
  const refresh = (): void => {
    const request = ++latest;
    readSelection(mailbox, capabilities).then((selection) => {
      // A slower read of an older selection must not overwrite a newer one.
      if (request === latest) onChange(selection);
    }, onError);
  };
  await callOffice<void>('Following the selected mail', (callback) =>
    mailbox.addHandlerAsync(itemChangedEvent, refresh, callback),
  );
  if (capabilities.multiSelect) {
    await callOffice<void>('Following the selected mails', (callback) =>
      mailbox.addHandlerAsync(selectedItemsChangedEvent, refresh, callback),
    );
  }
}

/** The open message as a MailSource for shared's use cases. */
export function currentMailSource(
  item: OutlookMessageItem,
  capabilities: HostCapabilities,
): OutlookMailSource {
  const gaps = new Set<ContentGap>();
  // The draft and the upload both need the bytes: read the mail from Outlook once.
  let raw: Promise<Uint8Array> | null = null;
  const source: OutlookMailSource = {
    summary: toMailSummary(item),
    gaps,
    completeSummary: async () => {
      if (capabilities.attachmentContent)
        source.summary = { ...source.summary, ...(await readThreadIds(item)) };
      return source.summary;
    },
    getRaw: () => {
      raw ??= readRawMail(item, capabilities, gaps).catch((error: unknown) => {
        raw = null;
        throw error;
      });
      return raw;
    },
  };
  return source;
}

export class MultiSelectUnsupportedError extends Error {
  constructor() {
    super('This Outlook cannot read a selected mail that is not open (needs Mailbox 1.15)');
    this.name = 'MultiSelectUnsupportedError';
  }
}

/**
 * One mail of a multi-selection as a MailSource: `getRaw` opens it with `loadItemByIdAsync`
 * (Mailbox 1.15), reads it and unloads it. Outlook allows one loaded item at a time, so the use
 * case must call `getRaw` of one source after another, never in parallel.
 */
export function selectedMailSource(
  mailbox: OutlookMailbox,
  summary: MailSummary,
  capabilities: HostCapabilities,
): OutlookMailSource {
  const gaps = new Set<ContentGap>();
  const source: OutlookMailSource = {
    summary,
    gaps,
    // The loaded item completes the summary in getRaw; the use case reads the thread from the .eml.
    completeSummary: async () => source.summary,
    async getRaw() {
      const loadItem = mailbox.loadItemByIdAsync;
      if (!capabilities.loadItemById || typeof loadItem !== 'function')
        throw new MultiSelectUnsupportedError();
      const loaded = (await callOffice<Office.LoadedMessageRead | Office.LoadedMessageCompose>(
        'Opening a selected mail',
        (callback) => loadItem.call(mailbox, summary.hostId, callback),
      )) as Office.LoadedMessageRead;
      const item = loaded as unknown as OutlookMessageItem;
      try {
        // The loaded item knows more than the selection list (sender, date, Message-ID).
        source.summary = { ...toMailSummary(item), hostId: summary.hostId };
        return await readRawMail(item, capabilities, gaps);
      } finally {
        // One item at a time: a failed unload must surface, or every later mail would fail.
        await callOffice<void>('Closing a selected mail', (callback) =>
          loaded.unloadAsync(callback),
        );
      }
    },
  };
  return source;
}
