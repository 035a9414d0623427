/**
 * THE one place for access rules (Odoo's sales groups, crm-model.md §3). Services build every lead
 * query from these filters, so a record outside the caller's scope is simply not found (404) and
 * never counted; configuration changes go through the assertions.
 *
 * Levels: `own` (leads assigned to me or unassigned; read also where I have an open activity),
 * `all` (every lead), `manager` (all + configuration), plus the separate `isAdmin` flag (users,
 * teams, tokens of others, settings; an admin also sees every lead).
 */
import mongoose, { Types } from 'mongoose';
import { ForbiddenError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';

/** A mongoose filter to combine with the caller's own conditions (`{ $and: [scope, query] }`). */
export type ScopeFilter = Record<string, unknown>;

function seesEveryLead(actor: Actor): boolean {
  return actor.isAdmin || actor.accessLevel === 'all' || actor.accessLevel === 'manager';
}

/** Leads the caller may read (lists, counts, kanban, summaries, single records). */
export async function leadReadFilter(actor: Actor): Promise<ScopeFilter> {
  if (seesEveryLead(actor)) return {};
  const me = new Types.ObjectId(actor.userId);
  const leadIdsWithMyActivity = await findLeadIdsWithOpenActivityFor(me);
  const alternatives: ScopeFilter[] = [{ userId: me }, { userId: null }];
  if (leadIdsWithMyActivity.length > 0) alternatives.push({ _id: { $in: leadIdsWithMyActivity } });
  return { $or: alternatives };
}

/** Leads the caller may change (an activity assigned to them grants reading only). */
export async function leadWriteFilter(actor: Actor): Promise<ScopeFilter> {
  if (seesEveryLead(actor)) return {};
  const me = new Types.ObjectId(actor.userId);
  return { $or: [{ userId: me }, { userId: null }] };
}

/**
 * Quotations follow their salesperson like leads do (Odoo's `sale.order` rule), without the
 * activity clause.
 */
export async function quotationReadFilter(actor: Actor): Promise<ScopeFilter> {
  return leadWriteFilter(actor);
}

/**
 * Contacts (partners): every salesperson reads and changes them (Odoo's partner ACL,
 * crm-model.md §3.3); this is the one place to narrow that.
 */
export async function contactReadFilter(_actor: Actor): Promise<ScopeFilter> {
  return {};
}

/**
 * Address-book sync conflicts are seen by whoever may read the contact. Resolving one overrides
 * somebody's edit: `all`, `manager` and admins decide any; an `own` salesperson decides those
 * raised by their own address book and those on contacts whose salesperson is them or nobody
 * (the own-documents rule of leads, applied to the contact's salesperson).
 */
export function canResolveContactConflict(
  actor: Actor,
  conflict: { userId: unknown },
  contact: { userId?: unknown },
): boolean {
  if (seesEveryLead(actor)) return true;
  if (String(conflict.userId) === actor.userId) return true;
  return (
    contact.userId === undefined ||
    contact.userId === null ||
    String(contact.userId) === actor.userId
  );
}

export function isManager(actor: Actor): boolean {
  return actor.isAdmin || actor.accessLevel === 'manager';
}

/** Configuration: stages, tags (delete), lost reasons, activity types, products, teams they lead. */
export function assertManager(actor: Actor): void {
  if (!isManager(actor))
    throw new ForbiddenError('Only sales managers can change the CRM configuration');
}

/** Users, tokens of others, settings, audit log. */
export function assertAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw new ForbiddenError('Only administrators can do this');
}

/** Deleting leads (losing = archiving is open to salespeople on their own leads). */
export function assertCanDeleteLeads(actor: Actor): void {
  if (!isManager(actor)) throw new ForbiddenError('Only sales managers can delete leads');
}

/** Admins manage every team; managers the teams they lead. */
export function canManageTeam(actor: Actor, team: { leaderId?: unknown }): boolean {
  if (actor.isAdmin) return true;
  if (actor.accessLevel !== 'manager') return false;
  return (
    team.leaderId !== undefined && team.leaderId !== null && String(team.leaderId) === actor.userId
  );
}

export function assertCanManageTeam(actor: Actor, team: { leaderId?: unknown }): void {
  if (!canManageTeam(actor, team))
    throw new ForbiddenError('Only the team leader or an administrator can change this team');
}

/**
 * Leads where the user is the assignee of an open activity. Read straight from the `activities`
 * collection (owned by the chatter feature) so access rules stay here and do not import it.
 */
async function findLeadIdsWithOpenActivityFor(userId: Types.ObjectId): Promise<unknown[]> {
  const activities = mongoose.connection.collection('activities');
  return activities.distinct('resId', { resModel: 'lead', userId, active: { $ne: false } });
}
