import type { ClientSession, QueryFilter } from 'mongoose';
import type { LeadDuplicates } from '@inbox-crm/shared/schemas';
import { NotFoundError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { leadReadFilter, leadWriteFilter } from '../access/access-policy';
import { toLeadDtos } from './lead-dto';
import { LeadModel, type LeadRecord } from './lead.model';
import { toLeadObjectId } from './lead-write';

/** A criterion matching this many leads says nothing (Odoo ignores e-mail domain and phone then). */
const notDiscriminatingAt = 21;

/**
 * Potential duplicates of a lead (crm-model.md §2.5), each criterion apart so the UI can say why:
 * same e-mail domain criterion, same commercial entity, same sanitized phone. Archived leads count.
 */
export async function findDuplicates(actor: Actor, id: string): Promise<LeadDuplicates> {
  const scope = await leadReadFilter(actor);
  const lead = await LeadModel.findOne({ $and: [{ _id: toLeadObjectId(id) }, scope] }).lean();
  if (!lead) throw new NotFoundError('Lead');
  const others = { _id: { $ne: lead._id } };
  const query = async (
    criterion: QueryFilter<LeadRecord> | null,
    capped: boolean,
  ): Promise<LeadRecord[]> => {
    if (!criterion) return [];
    const found = await LeadModel.find({ $and: [criterion, others, scope] })
      .sort({ _id: 1 })
      .limit(capped ? notDiscriminatingAt : 100)
      .lean();
    return capped && found.length >= notDiscriminatingAt - 1 ? [] : found;
  };
  const [byEmailDomain, byCommercialPartner, byPhone] = await Promise.all([
    query(
      lead.emailDomainCriterion ? { emailDomainCriterion: lead.emailDomainCriterion } : null,
      true,
    ),
    query(
      lead.commercialPartnerId ? { commercialPartnerId: lead.commercialPartnerId } : null,
      false,
    ),
    query(lead.phoneSanitized ? { phoneSanitized: lead.phoneSanitized } : null, true),
  ]);
  return {
    byEmailDomain: await toLeadDtos(byEmailDomain),
    byCommercialPartner: await toLeadDtos(byCommercialPartner),
    byPhone: await toLeadDtos(byPhone),
  };
}

/**
 * Odoo's `_get_lead_duplicates(partner, email, include_lost=True)`: same normalized e-mail or same
 * partner, among opportunities or active records, won ones excluded (they cannot merge).
 */
export async function findConversionDuplicates(
  actor: Actor,
  lead: LeadRecord,
  session: ClientSession,
): Promise<LeadRecord[]> {
  const criteria: QueryFilter<LeadRecord>[] = [];
  if (lead.emailNormalized) criteria.push({ emailNormalized: lead.emailNormalized });
  if (lead.partnerId) criteria.push({ partnerId: lead.partnerId });
  if (criteria.length === 0) return [];
  return LeadModel.find({
    $and: [
      { _id: { $ne: lead._id } },
      { $or: criteria },
      { $or: [{ type: 'opportunity' }, { active: true }] },
      { wonStatus: { $ne: 'won' } },
      await leadWriteFilter(actor),
    ],
  })
    .sort({ _id: 1 })
    .limit(4)
    .session(session)
    .lean();
}
