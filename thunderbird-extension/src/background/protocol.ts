import type {
  MailContextResponse,
  MailRecordRef,
  OpportunityDraft,
} from '@inbox-crm/shared/schemas';

// Messages between the extension pages (popup, options, bulk window) and the background, which
// owns the server connection, the offline queue and the sync. One union, one handler.

export interface MailView {
  hostId: number;
  subject: string;
  fromName: string;
  fromAddress: string;
  date?: string;
}

export interface QueueView {
  pending: Array<{ id: string; label: string; attempts: number; lastError?: string }>;
}

export interface SyncStatusView {
  state: 'idle' | 'running' | 'error' | 'off';
  progress?: { done: number; total?: number };
  lastSyncAt?: string;
  lastError?: string;
  conflicts: number;
}

/** One open sync conflict of this device: `null` values are empty (or deleted, per `kind`). */
export interface ConflictView {
  id: string;
  contactId: string;
  contactName: string;
  field: string;
  kind: 'field' | 'delete-vs-edit' | 'edit-vs-delete';
  crmValue: string | null;
  deviceValue: string | null;
  canResolve: boolean;
}

export interface StatusView {
  configured: boolean;
  serverUrl?: string;
  signedInAs?: string;
  queue: QueueView;
  sync: SyncStatusView;
}

export type ActionOutcome =
  | {
      kind: 'done';
      status: 'created' | 'existing' | 'logged';
      record: MailRecordRef;
      recordUrl?: string;
    }
  | { kind: 'queued'; message: string }
  | { kind: 'failed'; message: string };

/** What the "Create opportunity" form offers; `error` when the CRM could not be asked. */
export interface DraftChoices {
  teams: Array<{ id: string; name: string; stages: Array<{ id: string; name: string }> }>;
  /** The pipeline when the CRM has no sales teams. */
  sharedStages: Array<{ id: string; name: string }>;
  tags: Array<{ id: string; name: string }>;
  defaultTeamId?: string;
  error?: string;
}

export interface PopupData {
  status: StatusView;
  mail?: MailView;
  context?: MailContextResponse;
  contextError?: string;
  draft?: OpportunityDraft;
}

export interface BulkItemView {
  hostId: number;
  subject: string;
  state: 'waiting' | 'running' | 'created' | 'existing' | 'logged' | 'failed' | 'queued';
  message?: string;
  record?: MailRecordRef;
}

export interface BulkJobView {
  id: string;
  kind: 'create' | 'log';
  state: 'collecting' | 'choosing-target' | 'running' | 'done';
  total: number;
  items: BulkItemView[];
  target?: MailRecordRef;
  error?: string;
}

export interface ConnectionCheck {
  ok: boolean;
  message: string;
  user?: string;
}

export type BackgroundRequest =
  | { type: 'status' }
  | { type: 'popup/load'; tabId: number }
  | { type: 'popup/create-opportunity'; hostId: number; draft: OpportunityDraft }
  | { type: 'popup/log'; hostId: number; target: MailRecordRef }
  | { type: 'popup/add-contact'; hostId: number }
  | { type: 'records/search'; query: string }
  | { type: 'draft/choices' }
  | { type: 'open-record'; record: MailRecordRef }
  | { type: 'bulk/get'; jobId: string }
  | { type: 'bulk/log-to'; jobId: string; target: MailRecordRef }
  | { type: 'options/save-server'; serverUrl: string }
  | { type: 'options/use-api-token'; token: string }
  | { type: 'options/auth-methods' }
  | { type: 'options/sign-in-entra' }
  | { type: 'options/sign-out' }
  | { type: 'options/test-connection' }
  | {
      type: 'options/save-sync';
      enabled: boolean;
      intervalMinutes: number;
      scope: 'own' | 'opportunities' | 'team';
    }
  | { type: 'sync/run-now' }
  | { type: 'conflicts/list' }
  | { type: 'conflicts/resolve'; conflictId: string; resolution: 'keep-crm' | 'use-device' }
  | { type: 'queue/retry' };

export interface BackgroundResponses {
  status: StatusView;
  'popup/load': PopupData;
  'popup/create-opportunity': ActionOutcome;
  'popup/log': ActionOutcome;
  'popup/add-contact': ActionOutcome;
  'records/search': { records: MailRecordRef[]; error?: string };
  'draft/choices': DraftChoices;
  'open-record': { ok: boolean; message?: string };
  'bulk/get': BulkJobView | null;
  'bulk/log-to': BulkJobView | null;
  'options/save-server': { ok: boolean; message: string; originPattern?: string };
  'options/use-api-token': ConnectionCheck;
  'options/auth-methods': {
    entra: { available: boolean; authorityOrigin?: string };
    /** What to register as redirect URI in the Entra app registration. */
    redirectUri: string;
    error?: string;
  };
  'options/sign-in-entra': ConnectionCheck;
  'options/sign-out': StatusView;
  'options/test-connection': ConnectionCheck;
  'options/save-sync': StatusView;
  'sync/run-now': SyncStatusView;
  'conflicts/list': { conflicts: ConflictView[]; error?: string };
  'conflicts/resolve': { ok: boolean; message?: string; conflicts: ConflictView[] };
  'queue/retry': QueueView;
}

/** Typed sender for the pages; the background answers every request it receives. */
export type SendToBackground = <T extends BackgroundRequest>(
  request: T,
) => Promise<BackgroundResponses[T['type']]>;

/** Pages wrap answers so an error in the background reaches the UI as a message, not a hang. */
export type BackgroundAnswer<T> = { ok: true; value: T } | { ok: false; message: string };

export function createBackgroundSender(
  sendMessage: (message: unknown) => Promise<unknown>,
): SendToBackground {
  return async (request) => {
    const answer = (await sendMessage({ inboxCrm: request })) as
      BackgroundAnswer<never> | undefined;
    if (!answer) throw new Error('The inbox-crm background did not answer.');
    if (!answer.ok) throw new Error(answer.message);
    return answer.value;
  };
}
