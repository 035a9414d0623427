import mongoose, { Types, type ClientSession } from 'mongoose';
import {
  syncTokenExpiredReason,
  updatePartnerBodySchema,
  type ContactConflict,
  type ContactSyncChange,
  type ContactSyncClientChange,
  type ContactSyncFeedResponse,
  type ContactSyncPushResponse,
  type ContactSyncResult,
  type ContactSyncScope,
  type ContactSyncSettings,
  type SyncContact,
  type SyncContactField,
  type SyncFieldChange,
  type SyncFieldValue,
  type UpdatePartnerBody,
  contactSyncPushBodySchema,
} from '@inbox-crm/shared/schemas';
import type { z } from 'zod';
import { AppError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { leadReadFilter } from '../access/access-policy';
import { postMessage } from '../messages/message.service';
import { runOnce } from '../mail/idempotency-claim';
import { PartnerModel, type PartnerRecord } from '../partners/partner.model';
import {
  archivePartner,
  createPartner,
  restorePartner,
  updatePartner,
} from '../partners/partner.service';
import {
  findLatestChange,
  findSnapshotAt,
  readCounter,
  readStableChanges,
  snapshotFromPartner,
} from './contact-change-log';
import type { ContactSnapshot } from './contact-change.model';
import {
  changedSince,
  mergeContactChange,
  type BaseValues,
  type FieldConflict,
} from './contact-merge';
import {
  ContactConflictModel,
  ContactSyncSettingsModel,
  type ContactConflictRecord,
} from './contact-sync.model';
import { decodeSyncToken, encodeSyncToken } from './sync-token';

type PushBody = z.output<typeof contactSyncPushBodySchema>;

// ---------------------------------------------------------------------------------------------
// Settings: which contacts a user's address book holds

export async function getSyncSettings(actor: Actor): Promise<ContactSyncSettings> {
  const stored = await ContactSyncSettingsModel.findOne({
    userId: new Types.ObjectId(actor.userId),
  }).lean();
  return { scope: stored?.scope ?? 'opportunities' };
}

/** Changing the scope invalidates the user's tokens (they carry it): the next sync is a full one. */
export async function updateSyncSettings(
  actor: Actor,
  settings: ContactSyncSettings,
): Promise<ContactSyncSettings> {
  await ContactSyncSettingsModel.updateOne(
    { userId: new Types.ObjectId(actor.userId) },
    { $set: { scope: settings.scope } },
    { upsert: true },
  );
  return settings;
}

// ---------------------------------------------------------------------------------------------
// The change feed

/** Log reads start at the page size and double while a sparse scope skips most entries. */
const maxReadAheadFactor = 8;

export async function readContactFeed(
  actor: Actor,
  query: { token?: string; limit: number },
): Promise<ContactSyncFeedResponse> {
  const { scope } = await getSyncSettings(actor);
  const counter = await readCounter();
  let cursor = 0;
  let chainHorizon = counter.horizonSeq;
  if (query.token !== undefined) {
    const payload = decodeSyncToken(query.token, counter.epoch);
    const tombstonesKept =
      payload !== undefined && Math.max(payload.seq, payload.h) >= counter.horizonSeq;
    if (
      !payload ||
      !tombstonesKept ||
      payload.userId !== actor.userId ||
      payload.scope !== scope ||
      payload.seq > counter.seq
    ) {
      throw new AppError('gone', 'This sync token has expired: start a full sync without a token', {
        reason: syncTokenExpiredReason,
      });
    }
    cursor = payload.seq;
    chainHorizon = payload.h;
  }
  // Built on the first entry that needs it: a sync with nothing new costs no lead queries.
  let scopeMatcher: ((partnerId: string, snapshot: ContactSnapshot) => boolean) | undefined;
  const inScope = async (partnerId: string, snapshot: ContactSnapshot): Promise<boolean> => {
    scopeMatcher ??= await buildScopeMatcher(actor, scope);
    return scopeMatcher(partnerId, snapshot);
  };
  // A first sync has nothing to delete: its first page skips tombstones; later pages carry them.
  const skipTombstones = query.token === undefined;
  const byPartner = new Map<string, ContactSyncChange>();
  let hasMore = false;
  // Nothing allocated since the token: answer from the counter alone (the common poll).
  let readAhead = 1;
  for (
    let caughtUp = cursor >= counter.seq;
    !caughtUp;
    readAhead = Math.min(readAhead * 2, maxReadAheadFactor)
  ) {
    const page = await readStableChanges(cursor, query.limit * readAhead);
    let pageFull = false;
    for (const entry of page.entries) {
      const id = String(entry.partnerId);
      if (!byPartner.has(id) && byPartner.size >= query.limit) {
        pageFull = true;
        break;
      }
      cursor = entry.seq;
      if (entry.deleted || !entry.snapshot) {
        if (!skipTombstones) byPartner.set(id, { id, version: entry.seq, deleted: true });
        else byPartner.delete(id);
      } else if (await inScope(id, entry.snapshot)) {
        byPartner.set(id, { id, version: entry.seq, contact: toSyncContact(entry.snapshot) });
      } else if (byPartner.has(id)) {
        // Left the user's set within this page: the address book drops it.
        byPartner.set(id, { id, version: entry.seq, deleted: true });
      }
    }
    if (pageFull) {
      hasMore = true;
      break;
    }
    cursor = Math.max(cursor, page.stableSeq);
    caughtUp = !page.hasMore;
  }
  return {
    changes: [...byPartner.values()],
    nextToken: encodeSyncToken(
      { v: 1, seq: cursor, h: chainHorizon, userId: actor.userId, scope },
      counter.epoch,
    ),
    hasMore,
  };
}

/**
 * The scope rule, always within what the access level may read: `own` = contacts the user is
 * salesperson of or created; `opportunities` adds customers of their own leads; `team` adds
 * contacts of their teams and customers of the team's leads they may read.
 */
async function buildScopeMatcher(
  actor: Actor,
  scope: ContactSyncScope,
): Promise<(partnerId: string, snapshot: ContactSnapshot) => boolean> {
  const me = actor.userId;
  const leadPartnerIds = new Set<string>();
  const leads = mongoose.connection.collection('leads');
  if (scope === 'opportunities' || scope === 'team') {
    const readable = await leadReadFilter(actor);
    const mine = { $and: [readable, { userId: new Types.ObjectId(me), partnerId: { $ne: null } }] };
    for (const id of await leads.distinct('partnerId', mine)) leadPartnerIds.add(String(id));
    if (scope === 'team' && actor.teamIds.length > 0) {
      const teamIds = actor.teamIds.map((teamId) => new Types.ObjectId(teamId));
      const ofTeams = { $and: [readable, { teamId: { $in: teamIds }, partnerId: { $ne: null } }] };
      for (const id of await leads.distinct('partnerId', ofTeams)) leadPartnerIds.add(String(id));
    }
  }
  const teams = new Set(scope === 'team' ? actor.teamIds : []);
  // The user's own card (their partner as a user) is not a contact of their book.
  return (partnerId, snapshot) =>
    partnerId !== actor.partnerId &&
    (snapshot.userId === me ||
      snapshot.createdBy === me ||
      (snapshot.teamId !== null && teams.has(snapshot.teamId)) ||
      leadPartnerIds.has(partnerId));
}

function toSyncContact(snapshot: ContactSnapshot): SyncContact {
  const { userId: _userId, teamId: _teamId, createdBy: _createdBy, ...contact } = snapshot;
  return contact;
}

// ---------------------------------------------------------------------------------------------
// Client changes

export async function applyClientChanges(
  actor: Actor,
  body: PushBody,
): Promise<ContactSyncPushResponse> {
  const results: ContactSyncResult[] = [];
  let replayed = 0;
  // One change after the other: a batch may create a contact and then edit it.
  for (const change of body.changes) {
    try {
      const outcome = await runOnce(`contact-sync:${actor.userId}:${change.changeId}`, (session) =>
        applyOneChange(actor, body, change, session),
      );
      if (outcome.replayed) replayed += 1;
      results.push(outcome.result);
    } catch (error) {
      // The change's transaction rolled back (nothing of it is kept) and its claim was released,
      // so a corrected resend can apply; the rest of the batch goes on.
      results.push(rejectedResult(change, error));
    }
  }
  return { results, replayed };
}

function rejectedResult(change: ContactSyncClientChange, error: unknown): ContactSyncResult {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
  const details = error.details as
    { issues?: Array<{ field: string; message: string }> } | undefined;
  const message = details?.issues?.length
    ? details.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')
    : error.message;
  return {
    changeId: change.changeId,
    localRef: change.localRef,
    status: 'rejected',
    id: change.id,
    error: { code: error.code, message },
  };
}

async function applyOneChange(
  actor: Actor,
  body: PushBody,
  change: ContactSyncClientChange,
  session: ClientSession,
): Promise<ContactSyncResult> {
  const base = { changeId: change.changeId, localRef: change.localRef };
  const fields = change.fields ?? {};
  if (change.op === 'create') {
    const created = await createPartner(
      actor,
      toPartnerInput(fields, undefined, true) as Parameters<typeof createPartner>[1],
      { session },
    );
    return { ...base, status: 'applied', ...(await currentState(created._id, session)) };
  }

  const id = change.id!;
  const partner = await PartnerModel.findById(id).session(session).lean<PartnerRecord>();
  if (!partner) throw new AppError('not_found', 'Contact not found');
  const latest = await findLatestChange(partner._id, session);
  const currentVersion = latest?.seq ?? 0;
  const current = snapshotFromPartner(partner);
  const unchangedSinceBase = change.baseVersion === currentVersion;
  const baseSnapshot = unchangedSinceBase
    ? current
    : (await findSnapshotAt(partner._id, change.baseVersion!))?.snapshot;

  if (change.op === 'delete') {
    if (!partner.active)
      return { ...base, status: 'applied', id, version: currentVersion, deleted: true };
    if (unchangedSinceBase || (baseSnapshot && !changedSince(baseSnapshot, current))) {
      await archivePartner(actor, id, { session });
      return { ...base, status: 'applied', ...(await currentState(partner._id, session)) };
    }
    // Deleting a contact someone edited since: keep it, tell both sides.
    const conflicts = await recordConflicts(
      actor,
      body,
      change,
      partner,
      'delete-vs-edit',
      [{ path: '*', server: null, client: null }],
      session,
    );
    return {
      ...base,
      status: 'conflict',
      conflicts,
      ...(await currentState(partner._id, session)),
    };
  }

  // update
  let resurrected = false;
  if (!partner.active) {
    // An edit against a server tombstone brings the contact back (nothing typed is lost).
    await restorePartner(actor, id, { session });
    resurrected = true;
  }
  const snapshotBase: BaseValues | undefined = baseSnapshot ? { ...baseSnapshot } : undefined;
  const merge = mergeContactChange(current, fields, snapshotBase);
  if (Object.keys(merge.patch).length > 0) {
    await updatePartner(
      actor,
      id,
      toPartnerInput(merge.patch, partner, false) as UpdatePartnerBody,
      { session },
    );
  }
  const conflictInputs: FieldConflict[] = [...merge.conflicts];
  const conflicts: ContactConflict[] = [];
  if (resurrected) {
    conflicts.push(
      ...(await recordConflicts(
        actor,
        body,
        change,
        partner,
        'edit-vs-delete',
        [{ path: '*' }],
        session,
      )),
    );
  }
  if (conflictInputs.length > 0) {
    conflicts.push(
      ...(await recordConflicts(actor, body, change, partner, 'field', conflictInputs, session)),
    );
  }
  const status = conflicts.length > 0 ? 'conflict' : unchangedSinceBase ? 'applied' : 'merged';
  return {
    ...base,
    status,
    ...(conflicts.length > 0 ? { conflicts } : {}),
    ...(await currentState(partner._id, session)),
  };
}

/** The contact's stored version and state (what a sync result and a resolution return). */
export async function currentState(
  partnerId: Types.ObjectId,
  session: ClientSession,
): Promise<Pick<ContactSyncResult, 'id' | 'version' | 'contact' | 'deleted'>> {
  const latest = await findLatestChange(partnerId, session);
  const id = String(partnerId);
  if (!latest || latest.deleted || !latest.snapshot)
    return { id, version: latest?.seq ?? 0, deleted: true };
  return { id, version: latest.seq, contact: toSyncContact(latest.snapshot) };
}

/** Sync fields → the partner service's input (validated by the same schema as the partner API). */
export function toPartnerInput(
  fields: Partial<Record<SyncContactField, SyncFieldChange>> | Partial<SyncContact>,
  existing: PartnerRecord | undefined,
  creating: boolean,
): Record<string, unknown> {
  const value = (field: string): SyncFieldValue | undefined => {
    const raw = (fields as Record<string, unknown>)[field];
    if (raw === undefined) return undefined;
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw)
      return (raw as SyncFieldChange).value;
    return raw as SyncFieldValue;
  };
  const input: Record<string, unknown> = {};
  for (const field of [
    'name',
    'companyName',
    'jobPosition',
    'phone',
    'mobile',
    'street',
    'street2',
    'zip',
    'city',
    'stateCode',
    'countryCode',
    'website',
    'lang',
    'notes',
    'email',
  ] as const) {
    const given = value(field);
    if (given === undefined) continue;
    input[field] = given === null ? '' : String(given);
  }
  const isCompany = value('isCompany');
  if (typeof isCompany === 'boolean') input.isCompany = isCompany;
  const extras = value('emails');
  if (Array.isArray(extras)) {
    const primary = (input.email as string | undefined) ?? existing?.email ?? '';
    const list = primary ? [{ email: primary, primary: true }] : [];
    for (const email of extras) {
      if (email.trim().toLowerCase() !== primary.trim().toLowerCase())
        list.push({ email: email.trim(), primary: false });
    }
    input.emails = list;
  }
  const parsed = updatePartnerBodySchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'Invalid contact', {
      issues: parsed.error.issues.map((issue) => ({
        field: `fields.${issue.path.join('.')}`,
        message: issue.message,
      })),
    });
  }
  if (creating && typeof input.name !== 'string') {
    throw new AppError('validation_failed', 'Invalid contact', {
      issues: [{ field: 'fields.name', message: 'is required' }],
    });
  }
  return parsed.data;
}

async function recordConflicts(
  actor: Actor,
  body: PushBody,
  change: ContactSyncClientChange,
  partner: PartnerRecord,
  kind: ContactConflictRecord['kind'],
  conflicts: FieldConflict[],
  session: ClientSession,
): Promise<ContactConflict[]> {
  const detectedAt = new Date();
  const source = {
    clientId: body.clientId,
    host: body.host,
    ...(body.device ? { device: body.device } : {}),
  };
  const documents = conflicts.map((conflict) => ({
    _id: new Types.ObjectId(),
    contactId: partner._id,
    kind,
    path: conflict.path,
    base: conflict.base,
    server: conflict.server,
    client: conflict.client,
    changeId: change.changeId,
    userId: new Types.ObjectId(actor.userId),
    source,
    detectedAt,
  }));
  await ContactConflictModel.create(documents, { session, ordered: true });
  await postMessage(
    {
      resModel: 'partner',
      resId: partner._id,
      kind: 'note',
      authorUserId: actor.userId,
      ...(actor.partnerId ? { authorPartnerId: actor.partnerId } : {}),
      subject: 'Address-book sync conflict',
      bodyHtml: describeConflicts(kind, conflicts, source),
    },
    { session },
  );
  return documents.map((document) => ({
    id: String(document._id),
    contactId: String(partner._id),
    kind,
    path: document.path,
    ...(document.base !== undefined ? { base: document.base } : {}),
    ...(document.server !== undefined ? { server: document.server } : {}),
    ...(document.client !== undefined ? { client: document.client } : {}),
    changeId: document.changeId,
    source,
    detectedAt: detectedAt.toISOString(),
  }));
}

function describeConflicts(
  kind: ContactConflictRecord['kind'],
  conflicts: FieldConflict[],
  source: { host: string; device?: string },
): string {
  const where = escapeHtml(source.device ? `${source.host} (${source.device})` : source.host);
  if (kind === 'delete-vs-edit')
    return `<p>${where} deleted this contact after it was changed in the CRM; the contact was kept.</p>`;
  if (kind === 'edit-vs-delete')
    return `<p>${where} edited this contact after it was archived in the CRM; it was restored with the edit.</p>`;
  const rows = conflicts
    .map(
      (conflict) =>
        `<li>${escapeHtml(conflict.path)}: kept CRM value “${escapeHtml(show(conflict.server))}”; ${where} had “${escapeHtml(show(conflict.client))}”</li>`,
    )
    .join('');
  return `<p>A field was changed both in the CRM and in an address book.</p><ul>${rows}</ul>`;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '(empty)';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
