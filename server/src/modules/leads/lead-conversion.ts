import { Types, type ClientSession } from 'mongoose';
import type { ConvertLeadBody, Lead } from '@inbox-crm/shared/schemas';
import { ConflictError, ValidationError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import {
  displayNameFromEmail,
  extractEmailAddress,
  normalizeName,
} from '../partners/contact-normalization';
import { PartnerModel, type PartnerRecord } from '../partners/partner.model';
import {
  createPartner,
  findOrCreateCompanyForDomain,
  findPartnerByEmail,
} from '../partners/partner.service';
import { runInTransaction } from '../partners/run-in-transaction';
import { findDefaultStage, stageBelongsToTeam } from '../stages/stage.service';
import { StageModel } from '../stages/stage.model';
import { toLeadDtoWithActivity } from './lead-dto';
import type { LeadRecord } from './lead.model';
import { findConversionDuplicates } from './lead-duplicates';
import { mergeLeadRecords } from './lead-merge';
import { loadWritableLead, writeLead, type LeadPatch } from './lead-write';

export interface PartnerMatch {
  partner: PartnerRecord;
  matchedBy: 'lead' | 'email' | 'company-name';
}

/**
 * Lead → opportunity (Odoo's `crm.lead2opportunity.partner`, crm-model.md §2.4), in one
 * transaction: optionally merge with duplicates first, find or create the customer (matched by
 * normalized e-mail, then exact company name, else a new company and contact), then convert:
 * type, conversion date, partner, stage if missing, salesperson and team.
 */
export async function convertLead(
  actor: Actor,
  id: string,
  input: ConvertLeadBody = {},
  options: { session?: ClientSession } = {},
): Promise<Lead> {
  const forceAssignment = input.forceAssignment ?? true;
  return runInTransaction(options.session, async (session) => {
    let lead = await loadWritableLead(actor, id, session);
    if (lead.probability >= 100 || lead.wonStatus === 'won')
      throw new ConflictError('Closed (won) leads cannot be converted');
    if (!lead.active) throw new ConflictError('Restore the lost lead before converting it');
    if (lead.type === 'opportunity' && input.action !== 'merge')
      throw new ConflictError('This record is already an opportunity');

    if (input.action === 'merge') {
      const others =
        input.mergeWith ??
        (await findConversionDuplicates(actor, lead, session)).map((duplicate) =>
          String(duplicate._id),
        );
      if (others.length > 0)
        lead = await mergeLeadRecords(actor, [String(lead._id), ...others], { session });
    }

    const partner = await resolveCustomer(actor, lead, input, session);
    const patch: LeadPatch = {};
    if (lead.type !== 'opportunity') {
      patch.type = 'opportunity';
      patch.dateConversion = new Date();
    }
    if (partner && String(partner._id) !== String(lead.partnerId)) patch.partnerId = partner._id;
    if (input.userId !== undefined && (forceAssignment || !lead.userId))
      patch.userId = input.userId ? new Types.ObjectId(input.userId) : null;
    if (input.teamId !== undefined && (forceAssignment || !lead.teamId))
      patch.teamId = input.teamId ? new Types.ObjectId(input.teamId) : null;
    // Stage only when missing or not one of the (new) team's.
    const stage = lead.stageId
      ? await StageModel.findById(lead.stageId).session(session).lean()
      : null;
    const teamId = patch.teamId !== undefined ? patch.teamId : lead.teamId;
    if (!stage || !stageBelongsToTeam(stage, teamId))
      patch.stageId = (await findDefaultStage(teamId, session))?._id ?? null;

    const saved = await writeLead(actor, lead, patch, {
      session,
      event: 'converted',
      explicitTeam: patch.teamId !== undefined && patch.teamId !== null,
    });
    return toLeadDtoWithActivity(saved, session);
  });
}

/** Odoo's `_find_matching_partner`, made strict: the lead's partner, normalized e-mail, exact company name. */
export async function findMatchingPartner(
  lead: LeadRecord,
  session: ClientSession,
): Promise<PartnerMatch | null> {
  if (lead.partnerId) {
    const partner = await PartnerModel.findById(lead.partnerId).session(session).lean();
    if (partner) return { partner, matchedBy: 'lead' };
  }
  if (lead.emailFrom) {
    const partner = await findPartnerByEmail(lead.emailFrom, { session });
    if (partner) return { partner, matchedBy: 'email' };
  }
  if (lead.partnerName.trim()) {
    const company = await PartnerModel.findOne({
      isCompany: true,
      active: true,
      nameNormalized: normalizeName(lead.partnerName),
    })
      .sort({ _id: 1 })
      .session(session)
      .lean();
    if (company) return { partner: company, matchedBy: 'company-name' };
  }
  return null;
}

async function resolveCustomer(
  actor: Actor,
  lead: LeadRecord,
  input: ConvertLeadBody,
  session: ClientSession,
): Promise<PartnerRecord | null> {
  switch (input.customer) {
    case 'nothing':
      return null;
    case 'exist': {
      if (input.partnerId) {
        const partner = await PartnerModel.findById(input.partnerId).session(session).lean();
        if (!partner)
          throw new ValidationError([
            { field: 'body.partnerId', message: 'is not an existing partner' },
          ]);
        return partner;
      }
      const match = await findMatchingPartner(lead, session);
      if (!match)
        throw new ValidationError([
          { field: 'body.partnerId', message: 'is required: no partner matches this lead' },
        ]);
      return match.partner;
    }
    case 'create':
      return createCustomer(actor, lead, null, session);
    case undefined: {
      if (input.partnerId) {
        const partner = await PartnerModel.findById(input.partnerId).session(session).lean();
        if (!partner)
          throw new ValidationError([
            { field: 'body.partnerId', message: 'is not an existing partner' },
          ]);
        return partner;
      }
      const match = await findMatchingPartner(lead, session);
      // A company found by its name: the contact of the lead becomes a person of that company.
      if (match?.matchedBy === 'company-name')
        return createCustomer(actor, lead, match.partner, session);
      if (match) return match.partner;
      if (lead.contactName || lead.partnerName || lead.emailFrom)
        return createCustomer(actor, lead, null, session);
      return null;
    }
  }
}

/**
 * Odoo's `_create_customer`: a company from the company name (or the existing company), then the
 * contact as its person; without a contact name, the company itself; without either, a person
 * named after the lead. Contact details, address and salesperson are copied.
 */
async function createCustomer(
  actor: Actor,
  lead: LeadRecord,
  knownCompany: PartnerRecord | null,
  session: ClientSession,
): Promise<PartnerRecord> {
  const contactName = lead.contactName.trim() || displayNameFromEmail(lead.emailFrom);
  const shared = {
    userId: lead.userId ? String(lead.userId) : null,
    teamId: lead.teamId ? String(lead.teamId) : null,
    ...(lead.countryCode ? { countryCode: lead.countryCode } : {}),
    street: lead.street,
    street2: lead.street2,
    zip: lead.zip,
    city: lead.city,
    stateCode: lead.stateCode,
    ...(lead.lang ? { lang: lead.lang } : {}),
  };
  let company = knownCompany;
  if (!company && lead.partnerName.trim()) {
    company = await createPartner(
      actor,
      {
        name: lead.partnerName.trim(),
        isCompany: true,
        ...shared,
        ...(lead.website ? { website: lead.website } : {}),
        ...(lead.phone && !contactName ? { phone: lead.phone } : {}),
      },
      { session },
    );
  }
  if (!company && lead.partnerId) {
    const existing = await PartnerModel.findById(lead.partnerId).session(session).lean();
    if (existing?.isCompany) company = existing;
  }
  if (!company && lead.emailFrom) {
    const address = extractEmailAddress(lead.emailFrom);
    if (address)
      company = await findOrCreateCompanyForDomain(actor, address, { session, create: false });
  }
  if (!contactName && company) return company;
  const email = extractEmailAddress(lead.emailFrom) ?? '';
  return createPartner(
    actor,
    {
      name: contactName || lead.name,
      isCompany: false,
      parentId: company ? String(company._id) : null,
      ...(email ? { email: lead.emailFrom } : {}),
      ...(lead.phone ? { phone: lead.phone } : {}),
      ...(lead.mobile ? { mobile: lead.mobile } : {}),
      ...(lead.jobPosition ? { jobPosition: lead.jobPosition } : {}),
      ...(lead.description ? { notes: lead.description } : {}),
      ...(!company && lead.website ? { website: lead.website } : {}),
      ...shared,
    },
    { session },
  );
}
