import type { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { MailLogBody, MailRecordRef, MailToOpportunityBody } from '../schemas/mail.schemas';
import { SerialStorage, type KeyValueStorage } from './key-value-storage';

export type QueuedActionState = 'queued' | 'sending' | 'sent' | 'failed';

interface QueuedActionBase {
  /** Idempotency key: the mail's key (Message-ID or content hash) + the target. */
  id: string;
  state: QueuedActionState;
  /** Shown in the queue view ("Create opportunity: Request for quotation …"). */
  label: string;
  /** The raw .eml, base64, archived with the record when it is delivered. */
  emlBase64?: string;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  /** For `failed`: a sentence for the user, and the API's code. */
  error?: { code: string; message: string };
  /** For `sent`: where it went. */
  record?: MailRecordRef;
  /** For `sent`: the server already had it (delivered before, or by another device). */
  alreadyInCrm?: boolean;
}

export type QueuedAction =
  | (QueuedActionBase & { kind: 'create-opportunity'; body: MailToOpportunityBody })
  | (QueuedActionBase & { kind: 'log-mail'; body: MailLogBody });

export type QueuedActionInput =
  | {
      kind: 'create-opportunity';
      mailKey: string;
      label: string;
      body: MailToOpportunityBody;
      eml?: Uint8Array;
    }
  | { kind: 'log-mail'; mailKey: string; label: string; body: MailLogBody; eml?: Uint8Array };

export interface OfflineQueueOptions {
  storage: KeyValueStorage;
  api: Pick<ApiClient, 'createOpportunityFromMail' | 'logMail'>;
  /** Storage key; one queue per user and CRM. */
  storageKey?: string;
  /** Raw mails larger than this are not kept offline (the action fails with a clear reason). */
  maxEmlBytes?: number;
  now?: () => Date;
}

export type OfflineQueue = ReturnType<typeof createOfflineQueue>;

export class OfflineQueueError extends Error {
  override readonly name = 'OfflineQueueError';
}

/** The idempotency key of an action: the same mail to the same target is one action. */
export function queuedActionId(
  input: Pick<QueuedActionInput, 'kind' | 'mailKey'> & { body: unknown },
): string {
  if (input.kind === 'create-opportunity') return `create-opportunity|${input.mailKey}`;
  const target = (input.body as MailLogBody).target;
  return `log-mail|${target.resModel}:${target.resId}|${input.mailKey}`;
}

/**
 * Actions taken while the CRM was unreachable, kept through a host storage adapter and delivered
 * later exactly once: one entry per (mail, target), the server deduplicates by Message-ID too, and
 * an entry left in `sending` by a crash is resent (the server answers "existing").
 */
export function createOfflineQueue(options: OfflineQueueOptions) {
  const storageKey = options.storageKey ?? 'inbox-crm.offline-queue';
  const maxEmlBytes = options.maxEmlBytes ?? 10 * 1024 * 1024;
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const serial = new SerialStorage(options.storage);
  const listeners = new Set<(actions: QueuedAction[]) => void>();
  let flushing: Promise<QueuedAction[]> | undefined;

  const read = async (storage: KeyValueStorage) =>
    (await storage.get<QueuedAction[]>(storageKey)) ?? [];
  const write = async (storage: KeyValueStorage, actions: QueuedAction[]) => {
    await storage.set(storageKey, actions);
    for (const listener of listeners) listener(actions.map((action) => ({ ...action })));
  };
  const mutate = <Result>(change: (actions: QueuedAction[]) => Result) =>
    serial.run(async (storage) => {
      const actions = await read(storage);
      const result = change(actions);
      await write(storage, actions);
      return result;
    });

  async function enqueue(input: QueuedActionInput): Promise<QueuedAction> {
    if (input.eml && input.eml.byteLength > maxEmlBytes) {
      throw new OfflineQueueError(
        `This mail is too large to keep while offline (${Math.round(input.eml.byteLength / 1024 / 1024)} MB). Try again when the CRM is reachable.`,
      );
    }
    const id = queuedActionId(input);
    return mutate((actions) => {
      const existing = actions.find((action) => action.id === id);
      if (existing && existing.state !== 'failed') return { ...existing };
      const action = {
        id,
        kind: input.kind,
        body: input.body,
        label: input.label,
        emlBase64: input.eml ? bytesToBase64(input.eml) : undefined,
        state: 'queued',
        attempts: 0,
        createdAt: existing?.createdAt ?? now(),
        updatedAt: now(),
      } as QueuedAction;
      if (existing) actions.splice(actions.indexOf(existing), 1, action);
      else actions.push(action);
      return { ...action };
    });
  }

  async function deliver(action: QueuedAction): Promise<Partial<QueuedAction>> {
    const upload = action.emlBase64 ? { eml: base64ToBytes(action.emlBase64) } : undefined;
    try {
      if (action.kind === 'create-opportunity') {
        const result = await options.api.createOpportunityFromMail(action.body, upload);
        return {
          state: 'sent',
          record: result.record,
          alreadyInCrm: result.status === 'existing',
          error: undefined,
        };
      }
      const result = await options.api.logMail(action.body, upload);
      return {
        state: 'sent',
        record: result.record,
        alreadyInCrm: result.status === 'existing',
        error: undefined,
      };
    } catch (error) {
      const apiError = error instanceof ApiError ? error : undefined;
      if (apiError?.isTransient) {
        return { state: 'queued', error: { code: apiError.code, message: apiError.userMessage } };
      }
      return {
        state: 'failed',
        error: {
          code: apiError?.code ?? 'client_error',
          message: apiError?.userMessage ?? String((error as Error).message),
        },
      };
    }
  }

  /** Send everything queued (and anything a crash left in `sending`), in order, one at a time. */
  function flush(): Promise<QueuedAction[]> {
    flushing ??= (async () => {
      try {
        for (;;) {
          const next = await mutate((actions) => {
            const action = actions.find(
              (candidate) => candidate.state === 'queued' || candidate.state === 'sending',
            );
            if (!action) return undefined;
            Object.assign(action, {
              state: 'sending',
              attempts: action.attempts + 1,
              updatedAt: now(),
            });
            return { ...action };
          });
          if (!next) break;
          const outcome = await deliver(next);
          await mutate((actions) => {
            const action = actions.find((candidate) => candidate.id === next.id);
            if (action)
              Object.assign(
                action,
                outcome,
                { updatedAt: now() },
                outcome.state === 'sent' ? { emlBase64: undefined } : {},
              );
          });
          if (outcome.state === 'queued') break; // still offline: try again later
        }
        return list();
      } finally {
        flushing = undefined;
      }
    })();
    return flushing;
  }

  const list = () =>
    serial.run(async (storage) => (await read(storage)).map((action) => ({ ...action })));

  return {
    enqueue,
    flush,
    list,
    /** Put a failed action back in the queue (after the user fixed the cause). */
    retry: (id: string) =>
      mutate((actions) => {
        const action = actions.find(
          (candidate) => candidate.id === id && candidate.state === 'failed',
        );
        if (action) Object.assign(action, { state: 'queued', error: undefined, updatedAt: now() });
        return action !== undefined;
      }),
    remove: (id: string) =>
      mutate((actions) => {
        const index = actions.findIndex((candidate) => candidate.id === id);
        if (index >= 0) actions.splice(index, 1);
        return index >= 0;
      }),
    /** Forget delivered actions (keep the list short). */
    clearSent: () =>
      mutate((actions) => {
        const kept = actions.filter((action) => action.state !== 'sent');
        const removed = actions.length - kept.length;
        actions.splice(0, actions.length, ...kept);
        return removed;
      }),
    subscribe(listener: (actions: QueuedAction[]) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
