import { Types, type ClientSession } from 'mongoose';
import type {
  CreateQuotationFromLeadBody,
  ListQuotationsQuery,
  ListResponse,
  QuotationDto,
  QuotationLineInput,
  QuotationState,
  UpdateQuotationBody,
} from '@inbox-crm/shared/schemas';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type FieldIssue,
} from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { quotationReadFilter } from '../access/access-policy';
import { findMatchingPartner } from '../leads/lead-conversion';
import { LeadModel, type LeadRecord } from '../leads/lead.model';
import { updateLead } from '../leads/lead.service';
import { postMessage } from '../messages/message.service';
import { assertRecordAccess } from '../messages/record-access';
import { createPartner } from '../partners/partner.service';
import { PartnerModel } from '../partners/partner.model';
import { runInTransaction } from '../partners/run-in-transaction';
import { ProductModel } from '../products/product.model';
import { roundMoney } from '../products/product.service';
import { computeLineAmounts, computeOrderAmounts } from './quotation-amounts';
import {
  CounterModel,
  QuotationModel,
  type Quotation,
  type QuotationLineRecord,
} from './quotation.model';

type StoredQuotation = Quotation & { _id: Types.ObjectId };

const stateLabels: Record<QuotationState, string> = {
  draft: 'Quotation',
  sent: 'Quotation Sent',
  sale: 'Sales Order',
  cancel: 'Cancelled',
};

/** Allowed state moves (Odoo: send, confirm, cancel, set back to quotation). */
const nextStates: Record<QuotationState, QuotationState[]> = {
  draft: ['sent', 'sale', 'cancel'],
  sent: ['draft', 'sale', 'cancel'],
  sale: ['cancel'],
  cancel: ['draft'],
};

/**
 * "New Quotation" on an opportunity (crm-model §2.7). The opportunity must be open or won (not a
 * lead, not lost) and the caller must be allowed to change it. The customer is the opportunity's
 * partner; without one, the caller names one (`partnerId`, linked to the opportunity) or asks for one
 * to be created from the opportunity's contact data (`customer: 'create'`). The quotation copies
 * partner, salesperson, team, tags, UTM and `origin` = the opportunity's name.
 */
export async function createQuotationFromLead(
  actor: Actor,
  leadId: string,
  input: CreateQuotationFromLeadBody,
): Promise<QuotationDto> {
  await assertRecordAccess(actor, 'lead', leadId, 'write');
  const lines = await buildLines(input.lines ?? []);
  const name = await nextQuotationName();
  return runInTransaction(undefined, async (session) => {
    const lead = await LeadModel.findById(leadId).session(session).lean();
    if (!lead) throw new NotFoundError('Lead');
    if (lead.type !== 'opportunity')
      throw new ConflictError('Convert the lead to an opportunity before quoting');
    if (!lead.active) throw new ConflictError('Restore the lost opportunity before quoting');
    const partnerId = await resolveCustomer(actor, lead, input, session);
    const me = new Types.ObjectId(actor.userId);
    const [created] = await QuotationModel.create(
      [
        {
          name,
          state: 'draft',
          partnerId,
          opportunityId: lead._id,
          teamId: lead.teamId ?? undefined,
          userId: lead.userId ?? me,
          dateOrder: new Date(),
          validityDate: input.validityDate,
          origin: lead.name,
          clientOrderRef: input.clientOrderRef,
          note: input.note,
          tagIds: lead.tagIds ?? [],
          utm: lead.utm ?? {},
          lines,
          ...computeOrderAmounts(lines),
          createdBy: me,
          updatedBy: me,
        },
      ],
      { session },
    );
    const quotation = created!.toObject();
    await postMessage(
      {
        resModel: 'lead',
        resId: lead._id,
        kind: 'notification',
        authorUserId: actor.userId,
        authorPartnerId: actor.partnerId,
        authorName: actor.name,
        bodyHtml: `<p>Quotation ${quotation.name} created</p>`,
      },
      { session },
    );
    return toQuotationDto(quotation);
  });
}

export async function listQuotations(
  actor: Actor,
  query: ListQuotationsQuery,
): Promise<ListResponse<QuotationDto>> {
  const conditions: Record<string, unknown>[] = [await quotationReadFilter(actor)];
  if (query.opportunityId)
    conditions.push({ opportunityId: new Types.ObjectId(query.opportunityId) });
  if (query.partnerId) conditions.push({ partnerId: new Types.ObjectId(query.partnerId) });
  if (query.state) conditions.push({ state: query.state });
  if (query.mine) conditions.push({ userId: new Types.ObjectId(actor.userId) });
  const filter = { $and: conditions };
  const [items, total] = await Promise.all([
    QuotationModel.find(filter).sort({ _id: -1 }).skip(query.offset).limit(query.limit).lean(),
    QuotationModel.countDocuments(filter),
  ]);
  return { items: items.map(toQuotationDto), total, limit: query.limit, offset: query.offset };
}

export async function getQuotation(actor: Actor, id: string): Promise<QuotationDto> {
  return toQuotationDto(await loadVisibleQuotation(actor, id));
}

/**
 * Changes a quotation: lines and customer while it is a quotation (draft/sent), state along the
 * allowed moves; a state change is logged with its tracking in the quotation's chatter.
 */
export async function updateQuotation(
  actor: Actor,
  id: string,
  patch: UpdateQuotationBody,
): Promise<QuotationDto> {
  const current = await loadVisibleQuotation(actor, id);
  const editable = current.state === 'draft' || current.state === 'sent';
  if ((patch.lines !== undefined || patch.partnerId !== undefined) && !editable) {
    throw new ConflictError(
      `A ${stateLabels[current.state].toLowerCase()} can no longer change its lines or customer`,
    );
  }
  if (
    patch.state &&
    patch.state !== current.state &&
    !nextStates[current.state].includes(patch.state)
  ) {
    throw new ConflictError(
      `A ${stateLabels[current.state].toLowerCase()} cannot become "${stateLabels[patch.state]}"`,
    );
  }
  if (patch.partnerId && !(await PartnerModel.exists({ _id: patch.partnerId }))) {
    throw new ValidationError([{ field: 'body.partnerId', message: 'is not a partner' }]);
  }
  const set: Partial<Quotation> = { updatedBy: new Types.ObjectId(actor.userId) };
  const unset: Record<string, 1> = {};
  if (patch.lines !== undefined) {
    const lines = await buildLines(patch.lines);
    Object.assign(set, { lines }, computeOrderAmounts(lines));
  }
  if (patch.state !== undefined) set.state = patch.state;
  if (patch.partnerId !== undefined) set.partnerId = new Types.ObjectId(patch.partnerId);
  if (patch.clientOrderRef !== undefined) set.clientOrderRef = patch.clientOrderRef;
  if (patch.note !== undefined) set.note = patch.note;
  if (patch.validityDate === null) unset.validityDate = 1;
  else if (patch.validityDate !== undefined) set.validityDate = patch.validityDate;

  return runInTransaction(undefined, async (session) => {
    const updated = await QuotationModel.findOneAndUpdate(
      { _id: current._id, updatedAt: current.updatedAt },
      { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
      { returnDocument: 'after', session },
    ).lean();
    if (!updated)
      throw new ConflictError('The quotation was changed meanwhile: reload it and try again');
    if (patch.state && patch.state !== current.state) {
      await postMessage(
        {
          resModel: 'quotation',
          resId: updated._id,
          kind: 'notification',
          authorUserId: actor.userId,
          authorPartnerId: actor.partnerId,
          authorName: actor.name,
          tracking: [
            {
              field: 'state',
              fieldLabel: 'Status',
              oldValue: stateLabels[current.state],
              newValue: stateLabels[patch.state],
            },
          ],
        },
        { session },
      );
    }
    return toQuotationDto(updated);
  });
}

async function loadVisibleQuotation(actor: Actor, id: string): Promise<StoredQuotation> {
  const quotation = await QuotationModel.findOne({
    $and: [{ _id: id }, await quotationReadFilter(actor)],
  }).lean();
  if (!quotation) throw new NotFoundError('Quotation');
  return quotation;
}

async function resolveCustomer(
  actor: Actor,
  lead: LeadRecord,
  input: CreateQuotationFromLeadBody,
  session: ClientSession,
): Promise<Types.ObjectId> {
  if (input.partnerId) {
    if (!(await PartnerModel.exists({ _id: input.partnerId }).session(session))) {
      throw new ValidationError([{ field: 'body.partnerId', message: 'is not a partner' }]);
    }
    if (!lead.partnerId)
      await updateLead(actor, String(lead._id), { partnerId: input.partnerId }, { session });
    return new Types.ObjectId(input.partnerId);
  }
  if (lead.partnerId) return lead.partnerId;
  if (input.customer === 'exist') {
    const match = await findMatchingPartner(lead, session);
    if (!match) {
      throw new ValidationError([
        { field: 'body.partnerId', message: 'is required: no partner matches this opportunity' },
      ]);
    }
    await updateLead(
      actor,
      String(lead._id),
      { partnerId: String(match.partner._id) },
      { session },
    );
    return match.partner._id;
  }
  if (input.customer === 'create') {
    const partner = await createPartner(
      actor,
      {
        name: lead.contactName.trim() || lead.partnerName.trim() || lead.name,
        email: lead.emailFrom || undefined,
        phone: lead.phone || undefined,
      },
      { session },
    );
    await updateLead(actor, String(lead._id), { partnerId: String(partner._id) }, { session });
    return partner._id;
  }
  throw new ValidationError([
    {
      field: 'body.partnerId',
      message:
        "is required: the opportunity has no customer (or send customer: 'exist' or 'create')",
    },
  ]);
}

/** Fills product defaults and computes each line's amounts (money rounded to 2 decimals). */
async function buildLines(inputs: QuotationLineInput[]): Promise<QuotationLineRecord[]> {
  const productIds = [...new Set(inputs.map((line) => line.productId).filter(Boolean))] as string[];
  const products = new Map(
    (await ProductModel.find({ _id: { $in: productIds }, active: true }).lean()).map((product) => [
      product._id.toHexString(),
      product,
    ]),
  );
  const issues: FieldIssue[] = [];
  const lines = inputs.map((input, index): QuotationLineRecord => {
    const product = input.productId ? products.get(input.productId) : undefined;
    if (input.productId && !product) {
      issues.push({ field: `body.lines.${index}.productId`, message: 'is not an active product' });
    }
    const priced = {
      displayType: input.displayType ?? undefined,
      quantity: input.displayType ? 0 : (input.quantity ?? 1),
      priceUnit: input.displayType ? 0 : roundMoney(input.priceUnit ?? product?.listPrice ?? 0),
      discount: input.displayType ? 0 : (input.discount ?? 0),
      taxes: input.displayType ? [] : (input.taxes ?? product?.taxes ?? []),
    };
    return {
      sequence: (index + 1) * 10,
      ...priced,
      productId: product?._id,
      name: input.name ?? product?.descriptionSale ?? product?.name ?? '',
      uom: input.uom ?? product?.uom,
      ...computeLineAmounts(priced),
    };
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return lines;
}

async function nextQuotationName(): Promise<string> {
  const counter = await CounterModel.findOneAndUpdate(
    { _id: 'quotation' },
    { $inc: { value: 1 } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  return `S${String(counter!.value).padStart(5, '0')}`;
}

export function toQuotationDto(quotation: StoredQuotation): QuotationDto {
  return {
    id: quotation._id.toHexString(),
    name: quotation.name,
    state: quotation.state,
    partnerId: quotation.partnerId.toHexString(),
    opportunityId: quotation.opportunityId?.toHexString(),
    teamId: quotation.teamId?.toHexString(),
    userId: quotation.userId?.toHexString(),
    dateOrder: quotation.dateOrder.toISOString(),
    validityDate: quotation.validityDate ?? undefined,
    origin: quotation.origin ?? undefined,
    clientOrderRef: quotation.clientOrderRef ?? undefined,
    note: quotation.note ?? undefined,
    tagIds: (quotation.tagIds ?? []).map((id) => id.toHexString()),
    currency: quotation.currency,
    lines: (quotation.lines ?? []).map((line) => ({
      sequence: line.sequence,
      displayType: line.displayType ?? undefined,
      productId: line.productId?.toHexString(),
      name: line.name,
      quantity: line.quantity,
      uom: line.uom ?? undefined,
      priceUnit: line.priceUnit,
      discount: line.discount,
      taxes: (line.taxes ?? []).map((tax) => ({ name: tax.name, rate: tax.rate })),
      priceSubtotal: line.priceSubtotal,
      priceTax: line.priceTax,
      priceTotal: line.priceTotal,
    })),
    amountUntaxed: quotation.amountUntaxed,
    amountTax: quotation.amountTax,
    amountTotal: quotation.amountTotal,
    createdAt: quotation.createdAt.toISOString(),
    updatedAt: quotation.updatedAt.toISOString(),
  };
}
