import mongoose, { Types } from 'mongoose';
import type { ResModel } from '@inbox-crm/shared/schemas';
import { ForbiddenError, NotFoundError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { leadReadFilter, leadWriteFilter, quotationReadFilter } from '../access/access-policy';
import { PartnerModel } from '../partners/partner.model';
import { QuotationModel } from '../quotations/quotation.model';

export type RecordAccessMode = 'read' | 'write';

export interface AccessibleRecord {
  resModel: ResModel;
  resId: Types.ObjectId;
  /** Display name of the record (activity `resName`, notifications). */
  name?: string;
}

const notFoundNames: Record<ResModel, string> = {
  lead: 'Lead',
  partner: 'Partner',
  quotation: 'Quotation',
};

/**
 * THE check for everything hanging off a record (chatter, followers, attachments, activities):
 * the caller may read it only when they may read the record, and post/change only when they may
 * write it (Odoo `_mail_post_access = 'write'`). A record they may not read is a 404, exactly as
 * if it did not exist; one they may read but not change is a 403.
 *
 * Leads and quotations follow the access policy's filters; partners are open to everyone signed in.
 */
export async function assertRecordAccess(
  actor: Actor,
  resModel: ResModel,
  resId: string | Types.ObjectId,
  mode: RecordAccessMode,
): Promise<AccessibleRecord> {
  const id = typeof resId === 'string' ? toObjectIdOrNull(resId) : resId;
  if (!id) throw new NotFoundError(notFoundNames[resModel]);
  switch (resModel) {
    case 'lead': {
      // Read through the collection, as the access policy does, so chatter does not import the lead
      // feature (which imports chatter to post its notifications).
      const leads = mongoose.connection.collection('leads');
      const lead = await leads.findOne(
        { $and: [{ _id: id }, await leadReadFilter(actor)] },
        { projection: { name: 1 } },
      );
      if (!lead) throw new NotFoundError('Lead');
      if (mode === 'write') {
        const writable = await leads.countDocuments(
          { $and: [{ _id: id }, await leadWriteFilter(actor)] },
          { limit: 1 },
        );
        if (writable === 0) throw new ForbiddenError('You may read this lead but not change it');
      }
      return { resModel, resId: id, name: typeof lead.name === 'string' ? lead.name : undefined };
    }
    case 'partner': {
      const partner = await PartnerModel.findById(id).select({ name: 1 }).lean();
      if (!partner) throw new NotFoundError('Partner');
      return { resModel, resId: id, name: partner.name };
    }
    case 'quotation': {
      const quotation = await QuotationModel.findOne({
        $and: [{ _id: id }, await quotationReadFilter(actor)],
      })
        .select({ name: 1 })
        .lean();
      if (!quotation) throw new NotFoundError('Quotation');
      return { resModel, resId: id, name: quotation.name };
    }
  }
}

function toObjectIdOrNull(value: string): Types.ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(value) ? new Types.ObjectId(value) : null;
}
