import { Types, type ClientSession, type QueryFilter } from 'mongoose';
import {
  syncContactScalarFields,
  type ContactConflict,
  type ContactConflictAlreadyResolvedDetails,
  type ContactConflictListItem,
  type ContactConflictPage,
  type ContactConflictResolution,
  type ContactConflictResolveResponse,
  type SyncFieldValue,
  type UpdatePartnerBody,
} from '@inbox-crm/shared/schemas';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { canResolveContactConflict, contactReadFilter } from '../access/access-policy';
import { postMessage } from '../messages/message.service';
import { PartnerModel, type PartnerRecord } from '../partners/partner.model';
import { archivePartner, restorePartner, updatePartner } from '../partners/partner.service';
import { runInTransaction } from '../partners/run-in-transaction';
import { snapshotFromPartner } from './contact-change-log';
import { ContactConflictModel, type ContactConflictRecord } from './contact-sync.model';
import { currentState, toPartnerInput } from './contact-sync.service';

/**
 * Resolving address-book sync conflicts (`sync-and-mail.md` §9.3): `keep-crm` leaves the CRM's
 * side; `use-device` applies the address book's side as an ordinary CRM edit, so it gets a new
 * version and reaches every address book through the change feed. The claim on the conflict is
 * one conditional update inside the transaction that applies it: of two concurrent resolves,
 * one wins and the other answers 409.
 */

const scalarFields = new Set<string>(syncContactScalarFields);
const emailPathPattern = /^emails\[(.+)\]$/;

export function toConflictDto(record: ContactConflictRecord): ContactConflict {
  return {
    id: String(record._id),
    contactId: String(record.contactId),
    kind: record.kind,
    path: record.path,
    ...(record.base !== undefined ? { base: record.base as SyncFieldValue } : {}),
    ...(record.server !== undefined ? { server: record.server as SyncFieldValue } : {}),
    ...(record.client !== undefined ? { client: record.client as SyncFieldValue } : {}),
    changeId: record.changeId,
    source: {
      clientId: record.source.clientId,
      host: record.source.host,
      ...(record.source.device ? { device: record.source.device } : {}),
    },
    detectedAt: record.detectedAt.toISOString(),
  };
}

/** Open conflicts on contacts the actor may read, newest first. */
export async function listContactConflicts(
  actor: Actor,
  query: { limit: number; offset: number; contactId?: string },
): Promise<ContactConflictPage> {
  const conditions: QueryFilter<ContactConflictRecord>[] = [{ resolvedAt: null }];
  if (query.contactId) conditions.push({ contactId: new Types.ObjectId(query.contactId) });
  const readable = await contactReadFilter(actor);
  if (Object.keys(readable).length > 0) {
    const contactIds = await PartnerModel.distinct('_id', readable);
    conditions.push({ contactId: { $in: contactIds } });
  }
  const filter: QueryFilter<ContactConflictRecord> = { $and: conditions };
  const [records, total] = await Promise.all([
    ContactConflictModel.find(filter)
      .sort({ detectedAt: -1, _id: -1 })
      .skip(query.offset)
      .limit(query.limit)
      .lean<ContactConflictRecord[]>(),
    ContactConflictModel.countDocuments(filter),
  ]);
  const contactIds = [...new Set(records.map((record) => String(record.contactId)))];
  const contacts = await PartnerModel.find({ _id: { $in: contactIds } }).lean<PartnerRecord[]>();
  const contactById = new Map(contacts.map((contact) => [String(contact._id), contact]));
  const items: ContactConflictListItem[] = records.map((record) => {
    const contact = contactById.get(String(record.contactId));
    const current = contact ? currentValue(record, contact) : undefined;
    return {
      ...toConflictDto(record),
      contactName: contact?.name ?? '',
      ...(current !== undefined ? { current } : {}),
      canResolve: contact !== undefined && canResolveContactConflict(actor, record, contact),
    };
  });
  return { items, total, limit: query.limit, offset: query.offset };
}

/** The CRM's value of a field conflict's path now (it may have changed since the conflict). */
function currentValue(
  record: ContactConflictRecord,
  contact: PartnerRecord,
): SyncFieldValue | undefined {
  if (record.kind !== 'field') return undefined;
  const snapshot = snapshotFromPartner(contact);
  if (scalarFields.has(record.path) || record.path === 'emails')
    return (snapshot as unknown as Record<string, SyncFieldValue>)[record.path] ?? null;
  const emailPath = emailPathPattern.exec(record.path);
  if (!emailPath) return undefined;
  const key = emailPath[1]!.trim().toLowerCase();
  const addresses = [snapshot.email, ...snapshot.emails].filter(
    (email): email is string => email !== null,
  );
  return addresses.find((email) => email.toLowerCase() === key) ?? null;
}

export async function resolveContactConflict(
  actor: Actor,
  conflictId: string,
  resolution: ContactConflictResolution,
): Promise<ContactConflictResolveResponse> {
  return runInTransaction(undefined, async (session) => {
    const record = await ContactConflictModel.findById(new Types.ObjectId(conflictId))
      .session(session)
      .lean<ContactConflictRecord>();
    if (!record) throw new NotFoundError('Conflict');
    const contact = await PartnerModel.findOne({
      $and: [{ _id: record.contactId }, await contactReadFilter(actor)],
    })
      .session(session)
      .lean<PartnerRecord>();
    if (!contact) throw new NotFoundError('Conflict');
    if (!canResolveContactConflict(actor, record, contact)) {
      throw new ForbiddenError(
        'Only the contact’s salesperson, the user whose address book raised this conflict, or a user with access to all leads can resolve it',
      );
    }
    if (record.resolvedAt) throw alreadyResolved(record);

    const resolvedAt = new Date();
    const claimed = await ContactConflictModel.findOneAndUpdate(
      { _id: record._id, resolvedAt: null },
      {
        $set: { resolvedAt, resolution, resolvedBy: new Types.ObjectId(actor.userId) },
      },
      { returnDocument: 'after', session },
    ).lean<ContactConflictRecord>();
    if (!claimed) {
      const current = await ContactConflictModel.findById(record._id)
        .session(session)
        .lean<ContactConflictRecord>();
      throw alreadyResolved(current ?? record);
    }

    await applyResolution(actor, record, contact, resolution, session);
    await postMessage(
      {
        resModel: 'partner',
        resId: contact._id,
        kind: 'note',
        authorUserId: actor.userId,
        ...(actor.partnerId ? { authorPartnerId: actor.partnerId } : {}),
        subject: 'Address-book sync conflict resolved',
        bodyHtml: describeResolution(actor, record, resolution),
      },
      { session },
    );
    return {
      conflict: {
        ...toConflictDto(record),
        resolvedAt: resolvedAt.toISOString(),
        resolution,
        resolvedBy: actor.userId,
      },
      ...(await currentState(contact._id, session)),
    };
  });
}

function alreadyResolved(record: ContactConflictRecord): ConflictError {
  const details: ContactConflictAlreadyResolvedDetails = {
    resolution: record.resolution ?? null,
    resolvedAt: record.resolvedAt ? record.resolvedAt.toISOString() : null,
    resolvedBy: record.resolvedBy ? String(record.resolvedBy) : null,
  };
  return new ConflictError('This conflict is already resolved', details);
}

/**
 * Writes the chosen side. Record kinds: `delete-vs-edit` (the device deleted, the CRM kept the
 * edited contact) and `edit-vs-delete` (the device edited a contact the CRM had archived; it was
 * restored with the edit) — each side's outcome is "archived" or "kept".
 */
async function applyResolution(
  actor: Actor,
  record: ContactConflictRecord,
  contact: PartnerRecord,
  resolution: ContactConflictResolution,
  session: ClientSession,
): Promise<void> {
  const id = String(contact._id);
  if (record.kind === 'delete-vs-edit' || record.kind === 'edit-vs-delete') {
    const chosenSideDeletes = (record.kind === 'delete-vs-edit') === (resolution === 'use-device');
    if (chosenSideDeletes && contact.active) await archivePartner(actor, id, { session });
    if (!chosenSideDeletes && !contact.active) await restorePartner(actor, id, { session });
    return;
  }
  if (resolution === 'keep-crm') return;
  const input = deviceValueAsPartnerInput(record, contact);
  await updatePartner(actor, id, input, { session });
}

function deviceValueAsPartnerInput(
  record: ContactConflictRecord,
  contact: PartnerRecord,
): UpdatePartnerBody {
  const client = (record.client ?? null) as SyncFieldValue;
  const emailPath = emailPathPattern.exec(record.path);
  let fields: Record<string, SyncFieldValue>;
  if (scalarFields.has(record.path)) {
    fields = { [record.path]: client };
  } else if (record.path === 'emails' && Array.isArray(client)) {
    fields = { emails: client };
  } else if (emailPath) {
    fields = emailSetWith(contact, emailPath[1]!, isPresent(client));
  } else {
    throw new ValidationError([
      {
        field: 'resolution',
        message: `the device value of “${record.path}” cannot be applied; keep the CRM value instead`,
      },
    ]);
  }
  try {
    return toPartnerInput(fields, contact, false) as UpdatePartnerBody;
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
    // The device's value was never valid for the CRM (the merge keeps it as sent).
    const issues = (error.details as { issues?: Array<{ message: string }> } | undefined)?.issues;
    const reason = issues?.map((issue) => issue.message).join('; ') || error.message;
    throw new ValidationError([
      {
        field: 'resolution',
        message: `the device value of “${record.path}” is not valid: ${reason}`,
      },
    ]);
  }
}

/** For an `emails[<address>]` path: the address added (device has it) or removed (device dropped it). */
function emailSetWith(
  contact: PartnerRecord,
  address: string,
  present: boolean,
): Record<string, SyncFieldValue> {
  const key = address.trim().toLowerCase();
  const snapshot = snapshotFromPartner(contact);
  const primary = snapshot.email;
  const extras = snapshot.emails;
  if (present) {
    const known =
      primary?.toLowerCase() === key || extras.some((email) => email.toLowerCase() === key);
    return { emails: known ? extras : [...extras, address.trim()] };
  }
  const remaining = extras.filter((email) => email.toLowerCase() !== key);
  if (primary?.toLowerCase() !== key) return { emails: remaining };
  // The primary address goes: the first further address takes its place.
  const [next, ...rest] = remaining;
  return { email: next ?? null, emails: rest };
}

function isPresent(value: SyncFieldValue): boolean {
  if (value === null || value === false) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function describeResolution(
  actor: Actor,
  record: ContactConflictRecord,
  resolution: ContactConflictResolution,
): string {
  const who = escapeHtml(actor.name);
  const where = escapeHtml(
    record.source.device ? `${record.source.host} (${record.source.device})` : record.source.host,
  );
  if (record.kind === 'delete-vs-edit') {
    return resolution === 'use-device'
      ? `<p>${who} resolved the sync conflict: the contact was archived, as ${where} had deleted it.</p>`
      : `<p>${who} resolved the sync conflict: the contact stays, although ${where} had deleted it.</p>`;
  }
  if (record.kind === 'edit-vs-delete') {
    return resolution === 'use-device'
      ? `<p>${who} resolved the sync conflict: the contact stays restored with the edit from ${where}.</p>`
      : `<p>${who} resolved the sync conflict: the contact was archived again, as in the CRM.</p>`;
  }
  const path = escapeHtml(record.path);
  return resolution === 'use-device'
    ? `<p>${who} resolved the sync conflict on ${path}: used the value from ${where}, “${escapeHtml(show(record.client))}”.</p>`
    : `<p>${who} resolved the sync conflict on ${path}: kept the CRM value, “${escapeHtml(show(record.server))}”.</p>`;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '(empty)';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
