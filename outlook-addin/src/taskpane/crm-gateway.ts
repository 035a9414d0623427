import type {
  MailActionProgress,
  MailActionResult,
  MailSource,
  MailSummary,
} from '@inbox-crm/shared/mail';
import type {
  MailContextResponse,
  MailRecordModel,
  Me,
  OpportunityDraft,
} from '@inbox-crm/shared/schemas';

export type { MailActionResult };

/** The editable draft as the form shows it (prefilled by shared's draft builder). */
export interface DraftForm {
  draft: OpportunityDraft;
  /** True when the draft was read from a mail forwarded inside the selected one. */
  fromForwardedMail: boolean;
}

export interface RecordHit {
  resModel: MailRecordModel;
  resId: string;
  name: string;
  detail: string | null;
}

export type BatchAction =
  | { kind: 'create-opportunities' }
  | { kind: 'log'; target: { resModel: MailRecordModel; resId: string } };

export interface OutlookContactSyncStatus {
  enabled: boolean;
  /** The mailbox folder the contacts go to ("CRM"). */
  folderName: string;
  /** Whose mailbox (the Microsoft account that gave consent), when known. */
  microsoftAccount: string | null;
  lastSyncAt: string | null;
  lastError: string | null;
  /** Contacts in the Outlook folder after the last run. */
  contactCount: number;
  /** A run is going on now (here or on another server). */
  running: boolean;
}

/**
 * Everything the task pane asks of the CRM, in the pane's words: shared's API client and mail use
 * cases behind one seam the views are written against.
 */
export interface CrmGateway {
  me(): Promise<Me>;
  mailContext(summary: MailSummary): Promise<MailContextResponse>;
  buildDraft(source: MailSource): Promise<DraftForm>;
  /** The user's edited draft; a mail already turned into a record comes back `already-in-crm`. */
  createOpportunity(source: MailSource, draft: OpportunityDraft): Promise<MailActionResult>;
  logMail(
    source: MailSource,
    target: { resModel: MailRecordModel; resId: string },
  ): Promise<MailActionResult>;
  addSenderAsContact(source: MailSource, options: { freeMail: boolean }): Promise<MailActionResult>;
  searchRecords(query: string): Promise<RecordHit[]>;
  /**
   * Several mails one after another (Outlook loads one selected item at a time): one opportunity
   * per mail, or every mail logged to one record. Duplicates come back `already-in-crm`.
   */
  processMails(
    sources: MailSource[],
    action: BatchAction,
    onProgress: (progress: MailActionProgress) => void,
  ): Promise<MailActionResult[]>;
  /** Null when the server has no Outlook contact sync. */
  outlookContactSyncStatus(): Promise<OutlookContactSyncStatus | null>;
  /** Turn the sync on with the user's Microsoft (Entra) access token for the CRM API. */
  enableOutlookContactSync(entraAccessToken: string): Promise<OutlookContactSyncStatus | null>;
  disableOutlookContactSync(): Promise<OutlookContactSyncStatus | null>;
  runOutlookContactSync(): Promise<OutlookContactSyncStatus | null>;
  /** Link to a record in the CRM console. */
  recordUrl(resModel: string, resId: string): string;
}
