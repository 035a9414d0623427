import { ApiError } from '@inbox-crm/shared/api';
import { ContactSyncEngine, type ContactSyncTransport } from '@inbox-crm/shared/contacts';
import {
  contactSyncPushBodySchema,
  outlookSyncFolderName,
  type OutlookSyncRunSummary,
  type OutlookSyncStatus,
} from '@inbox-crm/shared/schemas';
import { Types } from 'mongoose';
import { AppError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import type { Logger } from '../../logger';
import { buildActor } from '../auth/actor-factory';
import { applyClientChanges, readContactFeed } from '../contact-sync/contact-sync.service';
import { UserModel } from '../users/user.model';
import { GraphClient, GraphError } from './graph-client';
import { GraphContactHost, MongoKeyValueStorage } from './graph-contact-host';
import {
  OutlookContactMirrorModel,
  OutlookSyncAccountModel,
  type OutlookSyncAccountRecord,
} from './graph-contact-sync.model';
import type { GraphTokenSource } from './graph-token-source';
import { isLeaseHeld, withLease } from './run-lease';

export interface OutlookContactSyncOptions {
  /** Undefined when Microsoft Entra ID is not configured: every call answers 503. */
  tokenSource: GraphTokenSource | undefined;
  graphBaseUrl?: string;
  graphTimeoutMs?: number;
  deltaPageSize?: number;
  /** Lifetime of a run's lease (renewed every third of it while the run lasts); default 2 min. */
  leaseTtlMs?: number;
  logger?: Logger;
}

const engineStorageKey = 'outlook-graph';
const defaultLeaseTtlMs = 2 * 60_000;

/** The lease that keeps two server instances (or the timer and "Sync now") off one mailbox. */
export function outlookSyncLeaseKey(userId: string): string {
  return `outlook-sync:${userId}`;
}

/**
 * Server-side Outlook contact sync (issue #6): the shared ContactSyncEngine, unchanged, between
 * the user's "CRM" contact folder (Graph host adapter) and the CRM's own sync protocol, called
 * in-process with the user as actor, so the same merge and conflict rules apply.
 */
export class OutlookContactSyncService {
  /** One run per user at a time (Graph allows 4 concurrent requests per mailbox). */
  readonly #running = new Map<string, Promise<OutlookSyncStatus>>();

  constructor(private readonly options: OutlookContactSyncOptions) {}

  async status(actor: Actor): Promise<OutlookSyncStatus> {
    const account = await OutlookSyncAccountModel.findOne({ userId: userKey(actor) }).lean();
    return this.#statusFrom(actor.userId, account);
  }

  /** Enable the sync: exchange the user's token (OBO), make sure the folder exists. */
  async consent(actor: Actor, accessToken: string): Promise<OutlookSyncStatus> {
    const tokenSource = this.#tokenSource();
    const mailbox = claimsOf(accessToken);
    // A CRM user linked to a Microsoft account syncs with that account's mailbox only (a user
    // signed in with a personal token could otherwise pick up another account's token in Outlook).
    const user = await UserModel.findById(actor.userId).select({ entraObjectId: 1 }).lean();
    if (user?.entraObjectId && mailbox.oid && user.entraObjectId !== mailbox.oid) {
      throw new AppError(
        'forbidden',
        `This Microsoft account (${mailbox.username ?? mailbox.oid}) is not the one linked to your CRM user: sign in to Outlook with your own account`,
        { reason: 'other_microsoft_account' },
      );
    }
    await tokenSource.exchange(actor.userId, accessToken);
    const graph = this.#graph(actor.userId, tokenSource);
    const account = await OutlookSyncAccountModel.findOne({ userId: userKey(actor) }).lean();
    let folderId: string;
    try {
      folderId = await this.#ensureFolder(graph, actor.userId, account?.folderId ?? undefined);
    } catch (error) {
      const failure = asAppError(error);
      throw failure.code === 'internal' ? error : failure;
    }
    // Another mailbox than the one synced so far (the user consented with another Microsoft
    // account): its delta link, mirror and the engine's links belong to the old one. Start over
    // as a first sync (links by CRM id and e-mail; nothing is deleted in the CRM).
    const otherMailbox =
      account !== null &&
      (folderId !== account.folderId ||
        (account.entraObjectId && mailbox.oid && account.entraObjectId !== mailbox.oid));
    if (otherMailbox) {
      await OutlookContactMirrorModel.deleteMany({ userId: userKey(actor) });
      await new MongoKeyValueStorage(actor.userId).clear();
    }
    const updated = await OutlookSyncAccountModel.findOneAndUpdate(
      { userId: userKey(actor) },
      {
        $set: {
          enabled: true,
          consentedAt: new Date(),
          folderId,
          ...(otherMailbox ? { deltaLink: null, contactCount: 0, lastSummary: null } : {}),
          // Entra accepted the token in the exchange above: its claims can be believed now.
          entraObjectId: mailbox.oid ?? null,
          microsoftAccount: mailbox.username ?? null,
        },
      },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    return this.#statusFrom(actor.userId, updated);
  }

  /** Stop syncing and forget the Graph tokens (the folder and the engine's links stay). */
  async disable(actor: Actor): Promise<OutlookSyncStatus> {
    const updated = await OutlookSyncAccountModel.findOneAndUpdate(
      { userId: userKey(actor) },
      { $set: { enabled: false, tokenCache: null } },
      { returnDocument: 'after' },
    ).lean();
    return this.#statusFrom(actor.userId, updated);
  }

  /** Run a sync now (joins the running one, if any). */
  run(actor: Actor): Promise<OutlookSyncStatus> {
    const running = this.#running.get(actor.userId);
    if (running) return running;
    const next = this.#runOnce(actor).finally(() => this.#running.delete(actor.userId));
    this.#running.set(actor.userId, next);
    return next;
  }

  /**
   * Background pass: every enabled account whose last run is older than `intervalMs`, one after
   * the other (failures are recorded on the account and do not stop the pass). Returns how many
   * ran, failed, and were skipped because another instance was syncing them.
   */
  async runDue(
    intervalMs: number,
    now = new Date(),
  ): Promise<{ ran: number; failed: number; skipped: number }> {
    if (!this.options.tokenSource) return { ran: 0, failed: 0, skipped: 0 };
    const due = await OutlookSyncAccountModel.find({
      enabled: true,
      $or: [{ lastRunAt: null }, { lastRunAt: { $lte: new Date(now.getTime() - intervalMs) } }],
    })
      .select({ userId: 1 })
      .lean();
    let ran = 0;
    let failed = 0;
    let skipped = 0;
    for (const { userId } of due) {
      const user = await UserModel.findById(userId).lean();
      if (!user?.active) continue; // a deactivated user's book is left alone
      try {
        await this.run(await buildActor(user, 'entra'));
        ran += 1;
      } catch (error) {
        // Another instance holds the lease: its run covers this account.
        if (error instanceof AppError && reasonOf(error) === 'sync_running') skipped += 1;
        else {
          ran += 1;
          failed += 1; // recorded as the account's lastError by the run
        }
      }
    }
    return { ran, failed, skipped };
  }

  /** One run, under the user's lease: another instance's run makes this one answer 409. */
  async #runOnce(actor: Actor): Promise<OutlookSyncStatus> {
    const tokenSource = this.#tokenSource();
    const { logger } = this.options;
    const leased = await withLease(
      outlookSyncLeaseKey(actor.userId),
      {
        ttlMs: this.options.leaseTtlMs ?? defaultLeaseTtlMs,
        onLost: () => logger?.warn({ userId: actor.userId }, 'outlook sync lease lost mid-run'),
        onRenewError: (error) =>
          logger?.warn({ userId: actor.userId, err: error }, 'outlook sync lease renewal failed'),
      },
      () => this.#runLeased(actor, tokenSource),
    );
    if (!leased.ran) {
      throw new AppError(
        'conflict',
        'Your Outlook contacts are being synced right now (by another server or the background sync): try again in a minute',
        { reason: 'sync_running' },
      );
    }
    return leased.value;
  }

  async #runLeased(actor: Actor, tokenSource: GraphTokenSource): Promise<OutlookSyncStatus> {
    const userId = userKey(actor);
    const account = await OutlookSyncAccountModel.findOne({ userId }).lean();
    if (!account?.enabled) {
      throw new AppError('conflict', 'Outlook contact sync is not enabled: give consent first', {
        reason: 'not_enabled',
      });
    }
    const startedAt = new Date();
    await OutlookSyncAccountModel.updateOne({ userId }, { $set: { lastRunAt: startedAt } });
    try {
      const summary = await this.#sync(actor, tokenSource, account);
      const contactCount = await OutlookContactMirrorModel.countDocuments({ userId });
      const updated = await OutlookSyncAccountModel.findOneAndUpdate(
        { userId },
        {
          $set: { lastSuccessAt: new Date(), lastError: null, lastSummary: summary, contactCount },
        },
        { returnDocument: 'after' },
      ).lean();
      return await this.#statusFrom(actor.userId, updated, true);
    } catch (error) {
      const failure = asAppError(error);
      await OutlookSyncAccountModel.updateOne(
        { userId },
        { $set: { lastError: { code: failure.code, message: failure.message, at: new Date() } } },
      );
      this.options.logger?.warn(
        { userId: actor.userId, code: failure.code, status: (error as GraphError).status },
        'outlook contact sync failed',
      );
      // Unexpected errors go on as they are: the error middleware logs them in full.
      throw failure.code === 'internal' ? error : failure;
    }
  }

  async #sync(
    actor: Actor,
    tokenSource: GraphTokenSource,
    account: OutlookSyncAccountRecord,
  ): Promise<OutlookSyncRunSummary> {
    const graph = this.#graph(actor.userId, tokenSource);
    const storage = new MongoKeyValueStorage(actor.userId);
    let deltaLink = account.deltaLink ?? undefined;
    const folderId = await this.#ensureFolder(graph, actor.userId, account.folderId ?? undefined);
    if (folderId !== account.folderId) {
      // The folder was deleted in Outlook: start over as a first sync (links by CRM id and
      // e-mail, never deletes in the CRM because the folder disappeared).
      deltaLink = undefined;
      await OutlookContactMirrorModel.deleteMany({ userId: userKey(actor) });
      await storage.clear();
    }
    const host = new GraphContactHost(graph, actor.userId, folderId);
    const refreshed = await host.refresh(deltaLink);
    // Stored before the engine runs: the mirror holds this round; our writes land in the next.
    await OutlookSyncAccountModel.updateOne(
      { userId: userKey(actor) },
      { $set: { folderId, deltaLink: refreshed.deltaLink } },
    );
    const engine = new ContactSyncEngine({
      host,
      transport: crmTransport(actor),
      storage,
      storageKey: engineStorageKey,
      hostKind: 'outlook',
      device: 'Outlook (Microsoft Graph)',
    });
    const summary = await engine.sync();
    return {
      pushed: summary.pushed,
      pulled: summary.pulled,
      outlookCreated: summary.hostCreated,
      outlookUpdated: summary.hostUpdated,
      outlookDeleted: summary.hostDeleted,
      conflicts: summary.conflicts.length,
      rejected: summary.rejected.length,
      fullResync: summary.fullResync,
      graphResync: refreshed.fullResync && deltaLink !== undefined,
    };
  }

  async #ensureFolder(
    graph: GraphClient,
    userId: string,
    known: string | undefined,
  ): Promise<string> {
    if (known) {
      if (await graph.getFolder(known)) return known;
    }
    const existing = await graph.findFolder(outlookSyncFolderName);
    if (existing) return existing.id;
    const created = await graph.createFolder(outlookSyncFolderName);
    this.options.logger?.info({ userId }, 'outlook contact folder created');
    return created.id;
  }

  #graph(userId: string, tokenSource: GraphTokenSource): GraphClient {
    let token: Promise<string> | undefined;
    return new GraphClient({
      baseUrl: this.options.graphBaseUrl,
      timeoutMs: this.options.graphTimeoutMs,
      deltaPageSize: this.options.deltaPageSize,
      // One token per run (an hour's lifetime outlasts it); a failed fetch is not kept.
      accessToken: () => {
        token ??= tokenSource.accessToken(userId).catch((error: unknown) => {
          token = undefined;
          throw error;
        });
        return token;
      },
    });
  }

  #tokenSource(): GraphTokenSource {
    if (!this.options.tokenSource) {
      throw new AppError(
        'service_unavailable',
        'Outlook contact sync is not available: this server has no Microsoft Entra ID configured',
        { reason: 'entra_not_configured' },
      );
    }
    return this.options.tokenSource;
  }

  /** `finishedRun`: the status answering a run that just ended (its lease is not yet released). */
  async #statusFrom(
    userId: string,
    account: OutlookSyncAccountRecord | null,
    finishedRun = false,
  ): Promise<OutlookSyncStatus> {
    const running =
      !finishedRun &&
      (this.#running.has(userId) || (await isLeaseHeld(outlookSyncLeaseKey(userId))));
    return {
      available: this.options.tokenSource !== undefined,
      enabled: account?.enabled ?? false,
      folderName: outlookSyncFolderName,
      microsoftAccount: account?.microsoftAccount ?? null,
      consentedAt: iso(account?.consentedAt),
      lastRunAt: iso(account?.lastRunAt),
      lastSuccessAt: iso(account?.lastSuccessAt),
      lastError: account?.lastError
        ? {
            code: account.lastError.code,
            message: account.lastError.message,
            at: account.lastError.at.toISOString(),
          }
        : null,
      lastSummary: account?.lastSummary ?? null,
      contactCount: account?.contactCount ?? 0,
      running,
    };
  }
}

/** The CRM side: the sync protocol's service calls, as the user (410 as the engine expects it). */
function crmTransport(actor: Actor): ContactSyncTransport {
  return {
    async pullContacts(query) {
      try {
        return await readContactFeed(actor, {
          token: query.token,
          limit: Number(query.limit ?? 500),
        });
      } catch (error) {
        if (error instanceof AppError && error.code === 'gone') {
          throw new ApiError({
            status: 410,
            code: 'gone',
            message: error.message,
            details: error.details,
          });
        }
        throw error;
      }
    },
    pushContacts: (body) => applyClientChanges(actor, contactSyncPushBodySchema.parse(body)),
  };
}

function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof GraphError) {
    if (error.status === 401 || error.status === 403) {
      return new AppError(
        'conflict',
        'Microsoft Graph refused access to your contacts: give consent again',
        {
          reason: 'consent_required',
          graphError: error.code,
        },
      );
    }
    return new AppError('service_unavailable', `Microsoft Graph: ${error.message}`, {
      graphStatus: error.status,
      graphError: error.code,
    });
  }
  return new AppError('internal', 'Outlook contact sync failed unexpectedly');
}

/**
 * The user and account a consent token stands for, read without verifying: before the exchange
 * only to compare with the CRM user's own link; stored only after Entra accepted the token.
 */
function claimsOf(token: string): { oid?: string; username?: string } {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as {
      oid?: unknown;
      preferred_username?: unknown;
      upn?: unknown;
    };
    const username = payload.preferred_username ?? payload.upn;
    return {
      oid: typeof payload.oid === 'string' ? payload.oid.toLowerCase() : undefined,
      username: typeof username === 'string' ? username : undefined,
    };
  } catch {
    return {}; // not a JWT: Entra's exchange decides
  }
}

function reasonOf(error: AppError): unknown {
  return (error.details as { reason?: unknown } | undefined)?.reason;
}

function userKey(actor: Actor): Types.ObjectId {
  return new Types.ObjectId(actor.userId);
}

function iso(date: Date | null | undefined): string | null {
  return date ? new Date(date).toISOString() : null;
}
