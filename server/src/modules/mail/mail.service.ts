import { Types, type ClientSession } from 'mongoose';
import type {
  MailActivitySummary,
  MailContactResponse,
  MailContextResponse,
  MailLogResponse,
  MailOpportunitySummary,
  MailPartnerSummary,
  MailRecordRef,
  MailToOpportunityBatchResponse,
  MailToOpportunityResponse,
  mailContactBodySchema,
  mailContextQuerySchema,
  mailLogBodySchema,
  mailToOpportunityBodySchema,
} from '@inbox-crm/shared/schemas';
import type { z } from 'zod';
import { AppError, NotFoundError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { leadReadFilter } from '../access/access-policy';
import { ActivityModel } from '../activities/activity.model';
import { ActivityTypeModel } from '../activity-types/activity-type.model';
import { storeAttachment } from '../attachments/attachment.service';
import { recordContactChange } from '../contact-sync/contact-change-log';
import { LeadModel, type LeadRecord } from '../leads/lead.model';
import { createLead } from '../leads/lead.service';
import { findRecordsByMessageIds, postMessage } from '../messages/message.service';
import { assertRecordAccess } from '../messages/record-access';
import {
  domainOfNormalizedEmail,
  isFreeMailDomain,
  normalizeEmail,
} from '../partners/contact-normalization';
import { PartnerModel, type PartnerRecord } from '../partners/partner.model';
import {
  createPartner,
  findOrCreateCompanyForDomain,
  findPartnerByEmail,
} from '../partners/partner.service';
import { StageModel } from '../stages/stage.model';
import { IdempotencyClaimModel, runOnce } from './idempotency-claim';
import {
  buildMailContent,
  emlFileName,
  formatAddress,
  textToHtml,
  type MailContent,
} from './mail-content';

type ContextQuery = z.output<typeof mailContextQuerySchema>;
type OpportunityBody = z.output<typeof mailToOpportunityBodySchema>;
type LogBody = z.output<typeof mailLogBodySchema>;
type ContactBody = z.output<typeof mailContactBodySchema>;

/** The created record is answered 201, a record found for the same mail 200. */
export interface MailOutcome<Result> {
  created: boolean;
  result: Result;
}

// ---------------------------------------------------------------------------------------------
// Context beside a mail

const contextListLimit = 20;

export async function getMailContext(
  actor: Actor,
  query: ContextQuery,
): Promise<MailContextResponse> {
  const senderPartner = await findPartnerByEmail(query.from);
  const company = senderPartner?.parentId
    ? await PartnerModel.findById(senderPartner.parentId).lean()
    : null;
  const recipientEmails = [
    ...new Set([...query.to, ...query.cc].map((email) => email.trim())),
  ].slice(0, 50);
  const recipients = await Promise.all(
    recipientEmails.map(async (email) => ({ email, partner: await findPartnerByEmail(email) })),
  );
  const partners = [
    senderPartner,
    company,
    ...recipients.map((recipient) => recipient.partner),
  ].filter((partner): partner is PartnerRecord => partner !== null);
  const names = await parentNames(partners);

  const partnerIds = partners.map((partner) => partner._id);
  const commercialIds = partners.map((partner) => partner.commercialPartnerId);
  const readable = await leadReadFilter(actor);
  const openLeads =
    partnerIds.length === 0
      ? []
      : await LeadModel.find({
          $and: [
            readable,
            { active: true, wonStatus: { $ne: 'won' } },
            {
              $or: [
                { partnerId: { $in: partnerIds } },
                { commercialPartnerId: { $in: commercialIds } },
              ],
            },
          ],
        })
          .sort({ updatedAt: -1, _id: -1 })
          .limit(contextListLimit)
          .lean<LeadRecord[]>();

  const [alreadyLoggedOn, threadOn] = await Promise.all([
    query.messageId ? readableRecordsHolding(actor, [query.messageId]) : Promise.resolve([]),
    readableRecordsHolding(actor, [
      ...(query.inReplyTo ? [query.inReplyTo] : []),
      ...query.references,
    ]),
  ]);
  const loggedKeys = new Set(alreadyLoggedOn.map((record) => `${record.resModel}:${record.resId}`));
  const domain = domainOfNormalizedEmail(normalizeEmail(query.from));

  return {
    sender: {
      email: query.from,
      partner: senderPartner ? toPartnerSummary(senderPartner, names) : null,
      company: company ? toPartnerSummary(company, names) : null,
      freeMailDomain: domain !== null && isFreeMailDomain(domain),
    },
    recipients: recipients.map((recipient) => ({
      email: recipient.email,
      partner: recipient.partner ? toPartnerSummary(recipient.partner, names) : null,
    })),
    openOpportunities: await toOpportunitySummaries(openLeads),
    recentActivities: await recentActivities(
      openLeads.map((lead) => lead._id),
      partnerIds,
    ),
    alreadyLoggedOn,
    threadOn: threadOn.filter((record) => !loggedKeys.has(`${record.resModel}:${record.resId}`)),
  };
}

/** Records holding one of these Message-IDs that the caller may read, with their names. */
async function readableRecordsHolding(
  actor: Actor,
  messageIds: string[],
): Promise<MailRecordRef[]> {
  if (messageIds.length === 0) return [];
  const hits = await findRecordsByMessageIds(messageIds);
  const leadIds = [
    ...new Set(hits.filter((hit) => hit.resModel === 'lead').map((hit) => hit.resId)),
  ];
  const partnerIds = [
    ...new Set(hits.filter((hit) => hit.resModel === 'partner').map((hit) => hit.resId)),
  ];
  const [leads, partners] = await Promise.all([
    leadIds.length === 0
      ? []
      : LeadModel.find({
          $and: [
            { _id: { $in: leadIds.map((id) => new Types.ObjectId(id)) } },
            await leadReadFilter(actor),
          ],
        })
          .select({ name: 1, type: 1 })
          .lean(),
    partnerIds.length === 0
      ? []
      : PartnerModel.find({ _id: { $in: partnerIds.map((id) => new Types.ObjectId(id)) } })
          .select({ name: 1 })
          .lean(),
  ]);
  const refs: MailRecordRef[] = [
    ...leads.map((lead) => ({
      resModel: 'lead' as const,
      resId: String(lead._id),
      name: lead.name,
      type: lead.type,
    })),
    ...partners.map((partner) => ({
      resModel: 'partner' as const,
      resId: String(partner._id),
      name: partner.name,
    })),
  ];
  return refs;
}

async function parentNames(partners: PartnerRecord[]): Promise<Map<string, string>> {
  const ids = [
    ...new Set(partners.flatMap((partner) => (partner.parentId ? [String(partner.parentId)] : []))),
  ];
  const parents =
    ids.length === 0
      ? []
      : await PartnerModel.find({ _id: { $in: ids } })
          .select({ name: 1 })
          .lean();
  return new Map(parents.map((parent) => [String(parent._id), parent.name]));
}

function toPartnerSummary(
  partner: PartnerRecord,
  parentNamesById: Map<string, string>,
): MailPartnerSummary {
  const companyName = partner.parentId
    ? (parentNamesById.get(String(partner.parentId)) ?? null)
    : partner.companyName || null;
  return {
    id: String(partner._id),
    name: partner.name,
    isCompany: partner.isCompany,
    email: partner.email || null,
    phone: partner.phone || null,
    mobile: partner.mobile || null,
    jobPosition: partner.jobPosition || null,
    companyId: partner.parentId ? String(partner.parentId) : null,
    companyName,
  };
}

async function toOpportunitySummaries(leads: LeadRecord[]): Promise<MailOpportunitySummary[]> {
  const stageIds = [
    ...new Set(leads.flatMap((lead) => (lead.stageId ? [String(lead.stageId)] : []))),
  ];
  const stages =
    stageIds.length === 0
      ? []
      : await StageModel.find({ _id: { $in: stageIds } })
          .select({ name: 1 })
          .lean();
  const stageNames = new Map(stages.map((stage) => [String(stage._id), stage.name]));
  return leads.map((lead) => ({
    id: String(lead._id),
    name: lead.name,
    type: lead.type,
    stageId: lead.stageId ? String(lead.stageId) : null,
    stageName: lead.stageId ? (stageNames.get(String(lead.stageId)) ?? null) : null,
    expectedRevenue: lead.expectedRevenue,
    probability: lead.probability,
    userId: lead.userId ? String(lead.userId) : null,
    dateDeadline: lead.dateDeadline,
  }));
}

/** Open activities on the mail's opportunities (already access-filtered) and partners. */
async function recentActivities(
  leadIds: Types.ObjectId[],
  partnerIds: Types.ObjectId[],
): Promise<MailActivitySummary[]> {
  if (leadIds.length === 0 && partnerIds.length === 0) return [];
  const activities = await ActivityModel.find({
    active: true,
    $or: [
      { resModel: 'lead', resId: { $in: leadIds } },
      { resModel: 'partner', resId: { $in: partnerIds } },
    ],
  })
    .sort({ dateDeadline: 1, _id: 1 })
    .limit(contextListLimit)
    .lean();
  const typeIds = [
    ...new Set(
      activities.flatMap((activity) =>
        activity.activityTypeId ? [String(activity.activityTypeId)] : [],
      ),
    ),
  ];
  const types =
    typeIds.length === 0
      ? []
      : await ActivityTypeModel.find({ _id: { $in: typeIds } })
          .select({ name: 1 })
          .lean();
  const typeNames = new Map(types.map((type) => [String(type._id), type.name]));
  return activities.map((activity) => ({
    id: String(activity._id),
    resModel: activity.resModel,
    resId: String(activity.resId),
    summary: activity.summary ?? null,
    activityTypeName: activity.activityTypeId
      ? (typeNames.get(String(activity.activityTypeId)) ?? null)
      : null,
    dateDeadline: activity.dateDeadline,
    userId: String(activity.userId),
    done: !activity.active,
  }));
}

// ---------------------------------------------------------------------------------------------
// Mail → opportunity

/**
 * Creates a lead or an opportunity from a mail and the user's edits to the draft: the customer
 * is found by e-mail or created (with their company unless it is free mail), the mail goes into
 * the record's chatter with its attachments and archived .eml. Once per Message-ID, whoever asks
 * and however often: later calls answer the record made by the first.
 */
export async function createOpportunityFromMail(
  actor: Actor,
  body: OpportunityBody,
  eml?: Buffer,
): Promise<MailOutcome<MailToOpportunityResponse>> {
  const mail = await buildMailContent(body.mail, eml);
  const existing = await findLeadHoldingMail(mail.messageId);
  if (existing) return { created: false, result: existingResult(existing, mail.messageId) };

  const outcome = await runOnce(`mail-opportunity:${mail.messageId}`, async (session) => {
    const partner = await resolveCustomer(actor, body, mail, session);
    const lead = await createLead(
      actor,
      {
        name: body.draft.name,
        ...(body.draft.type ? { type: body.draft.type } : {}),
        partnerId: partner ? String(partner._id) : null,
        emailFrom: body.draft.contact
          ? formatAddress({ name: body.draft.contact.name, address: body.draft.contact.email })
          : formatAddress(mail.from),
        ...(mail.cc.length > 0
          ? { emailCc: mail.cc.map(formatAddress).join(', ').slice(0, 2000) }
          : {}),
        ...(body.draft.companyName ? { partnerName: body.draft.companyName } : {}),
        ...(body.draft.contact?.phone ? { phone: body.draft.contact.phone } : {}),
        ...(body.draft.contact?.mobile ? { mobile: body.draft.contact.mobile } : {}),
        ...(body.draft.contact?.jobPosition ? { jobPosition: body.draft.contact.jobPosition } : {}),
        ...teamFor(actor, body),
        ...(body.draft.stageId ? { stageId: body.draft.stageId } : {}),
        ...(body.draft.userId ? { userId: body.draft.userId } : {}),
        ...(body.draft.expectedRevenue !== undefined
          ? { expectedRevenue: body.draft.expectedRevenue }
          : {}),
        ...(body.draft.probability !== undefined ? { probability: body.draft.probability } : {}),
        ...(body.draft.dateDeadline ? { dateDeadline: body.draft.dateDeadline } : {}),
        ...(body.draft.priority ? { priority: body.draft.priority } : {}),
        ...(body.draft.tagIds ? { tagIds: body.draft.tagIds } : {}),
        description: (body.draft.description ?? mail.bodyText ?? '').slice(0, 200_000),
        utm: { medium: 'email', source: mail.host },
      },
      { session },
    );
    // The customer now sits on this salesperson's opportunity: give it a new place in the change
    // feed so it reaches their synced address book ("opportunities" scope) without another edit.
    if (partner) await recordContactChange({ partnerId: partner._id }, { session });
    const posted = await postMailToRecord(actor, 'lead', lead.id, mail, partner, session);
    const result: MailToOpportunityResponse = {
      status: 'created',
      record: { resModel: 'lead', resId: lead.id, name: lead.name, type: lead.type },
      chatterMessageId: posted.chatterMessageId,
      ...(partner ? { partnerId: String(partner._id) } : {}),
      attachmentIds: posted.attachmentIds,
      idempotencyKey: mail.messageId,
    };
    return result;
  });
  if (outcome.replayed)
    return { created: false, result: { ...outcome.result, status: 'existing' } };
  return { created: true, result: outcome.result };
}

/** Several selected mails: one result per mail, a failure in one does not stop the others. */
export async function createOpportunitiesFromMails(
  actor: Actor,
  items: OpportunityBody[],
): Promise<MailToOpportunityBatchResponse> {
  const results: MailToOpportunityBatchResponse['results'] = [];
  for (const [index, item] of items.entries()) {
    try {
      const outcome = await createOpportunityFromMail(actor, item);
      results.push({
        index,
        messageId: outcome.result.idempotencyKey,
        status: outcome.created ? 'created' : 'existing',
        result: outcome.result,
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.push({
        index,
        ...(item.mail.messageId ? { messageId: item.mail.messageId } : {}),
        status: 'failed',
        error: {
          code: error.code,
          message: error.message,
          ...(error.details !== undefined ? { details: error.details } : {}),
        },
      });
    }
  }
  return { results };
}

async function findLeadHoldingMail(messageId: string): Promise<LeadRecord | null> {
  const hits = (await findRecordsByMessageIds([messageId])).filter(
    (hit) => hit.resModel === 'lead',
  );
  if (hits.length === 0) return null;
  return LeadModel.findById(hits[0]!.resId).lean<LeadRecord>();
}

function existingResult(lead: LeadRecord, messageId: string): MailToOpportunityResponse {
  return {
    status: 'existing',
    record: { resModel: 'lead', resId: String(lead._id), name: lead.name, type: lead.type },
    ...(lead.partnerId ? { partnerId: String(lead.partnerId) } : {}),
    attachmentIds: [],
    idempotencyKey: messageId,
  };
}

/** Team per the draft, else the user's first team (its use-leads setting picks lead/opportunity). */
function teamFor(actor: Actor, body: OpportunityBody): { teamId?: string } {
  const teamId = body.draft.teamId ?? actor.teamIds[0];
  return teamId ? { teamId } : {};
}

/** The draft's contact: an explicit partner, else the one with this address, else a new one. */
async function resolveCustomer(
  actor: Actor,
  body: OpportunityBody,
  mail: MailContent,
  session: ClientSession,
): Promise<PartnerRecord | null> {
  if (body.draft.partnerId) {
    const partner = await PartnerModel.findById(body.draft.partnerId).session(session).lean();
    if (!partner)
      throw new AppError('validation_failed', 'Invalid draft', {
        issues: [{ field: 'body.draft.partnerId', message: 'no such contact' }],
      });
    return partner;
  }
  const contact = body.draft.contact ?? {
    name: mail.from.name || mail.from.address,
    email: mail.from.address,
  };
  return findOrCreateContact(actor, { ...contact, companyName: body.draft.companyName }, session);
}

interface ContactInput {
  name?: string;
  email: string;
  companyName?: string | null;
  jobPosition?: string;
  phone?: string;
  mobile?: string;
}

/** Matches by normalized e-mail first; creates the person (and their company) otherwise. */
async function findOrCreateContact(
  actor: Actor,
  input: ContactInput,
  session: ClientSession,
): Promise<PartnerRecord> {
  const existing = await findPartnerByEmail(input.email, { session });
  if (existing) return existing;
  const company =
    input.companyName === null
      ? null
      : await findOrCreateCompanyForDomain(actor, input.email, {
          session,
          ...(input.companyName ? { name: input.companyName } : {}),
        });
  return createPartner(
    actor,
    {
      name: input.name?.trim() || input.email,
      email: input.email,
      ...(company
        ? { parentId: String(company._id) }
        : input.companyName
          ? { companyName: input.companyName }
          : {}),
      ...(input.jobPosition ? { jobPosition: input.jobPosition } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
      ...(input.mobile ? { mobile: input.mobile } : {}),
    },
    { session },
  );
}

/** The mail as a chatter entry of kind email, with its files and the archived .eml. */
async function postMailToRecord(
  actor: Actor,
  resModel: 'lead' | 'partner',
  resId: string,
  mail: MailContent,
  author: PartnerRecord | null,
  session: ClientSession,
): Promise<{ chatterMessageId: string; attachmentIds: string[] }> {
  const attachmentIds: string[] = [];
  for (const attachment of mail.attachments) {
    const stored = await storeAttachment({ resModel, resId, ...attachment }, { session });
    attachmentIds.push(stored.id);
  }
  if (mail.eml) {
    const archived = await storeAttachment(
      {
        resModel,
        resId,
        fileName: emlFileName(mail.subject),
        contentType: 'message/rfc822',
        content: mail.eml,
      },
      { session },
    );
    attachmentIds.push(archived.id);
  }
  const posted = await postMessage(
    {
      resModel,
      resId,
      kind: 'email',
      authorUserId: actor.userId,
      ...(author ? { authorPartnerId: author._id } : {}),
      authorName: mail.from.name || mail.from.address,
      subject: mail.subject,
      bodyHtml: mail.bodyHtml ?? textToHtml(mail.bodyText ?? ''),
      messageId: mail.messageId,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      references: mail.references,
      emailFrom: formatAddress(mail.from),
      emailTo: mail.to.map(formatAddress),
      emailCc: mail.cc.map(formatAddress),
      ...(mail.date ? { date: mail.date } : {}),
      attachmentIds,
    },
    { session },
  );
  return { chatterMessageId: posted.id, attachmentIds: posted.attachmentIds ?? attachmentIds };
}

// ---------------------------------------------------------------------------------------------
// Log a mail to a record, add the sender as a contact

export async function logMailToRecord(
  actor: Actor,
  body: LogBody,
  eml?: Buffer,
): Promise<MailOutcome<MailLogResponse>> {
  const { resModel, resId } = body.target;
  const record = await assertRecordAccess(actor, resModel, resId, 'write');
  const mail = await buildMailContent(body.mail, eml);
  const outcome = await runOnce(
    `mail-log:${mail.messageId}:${resModel}:${resId}`,
    async (session) => {
      const author = await findPartnerByEmail(mail.from.address, { session });
      const posted = await postMailToRecord(actor, resModel, resId, mail, author, session);
      const result: MailLogResponse = {
        status: 'logged',
        record: { resModel, resId, ...(record.name ? { name: record.name } : {}) },
        chatterMessageId: posted.chatterMessageId,
        attachmentIds: posted.attachmentIds,
        idempotencyKey: mail.messageId,
      };
      return result;
    },
  );
  if (outcome.replayed)
    return { created: false, result: { ...outcome.result, status: 'existing' } };
  return { created: true, result: outcome.result };
}

export async function createContactFromMail(
  actor: Actor,
  body: ContactBody,
): Promise<MailOutcome<MailContactResponse>> {
  const normalized = normalizeEmail(body.email);
  if (!normalized) {
    throw new AppError('validation_failed', 'Invalid contact', {
      issues: [{ field: 'body.email', message: 'is not a valid e-mail address' }],
    });
  }
  const key = `mail-contact:${normalized}`;
  const addOnce = () =>
    runOnce(key, async (session) => {
      const existing = await findPartnerByEmail(body.email, { session });
      const partner = existing ?? (await findOrCreateContact(actor, body, session));
      return { created: !existing, partnerId: String(partner._id) };
    });
  let outcome = await addOnce();
  let partner = await PartnerModel.findById(outcome.result.partnerId).lean();
  if (outcome.replayed && !partner?.active) {
    // The contact made for this address has been archived since: the claim is spent.
    await IdempotencyClaimModel.deleteOne({ _id: key, state: 'done' });
    outcome = await addOnce();
    partner = await PartnerModel.findById(outcome.result.partnerId).lean();
  }
  if (!partner) throw new NotFoundError('Contact');
  const names = await parentNames([partner]);
  const created = outcome.result.created && !outcome.replayed;
  return {
    created,
    result: { status: created ? 'created' : 'existing', partner: toPartnerSummary(partner, names) },
  };
}
