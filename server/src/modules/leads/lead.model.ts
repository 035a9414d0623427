import mongoose, { Schema, type Types } from 'mongoose';
import type { LeadPriority, LeadType, WonStatus } from '@inbox-crm/shared/schemas';

/** A lead or an opportunity (Odoo `crm.lead`, crm-model.md §1.2): one collection, `type` tells. */
export interface LeadRecord {
  _id: Types.ObjectId;
  type: LeadType;
  name: string;
  /** Derived: accent-free lower-case name for prefix search. */
  nameNormalized: string;
  /** false = lost (archived). */
  active: boolean;
  partnerId: Types.ObjectId | null;
  /** Derived from the partner: duplicate and access queries. */
  commercialPartnerId: Types.ObjectId | null;
  partnerName: string;
  /** Derived: search key of `partnerName`. */
  partnerNameNormalized: string;
  contactName: string;
  jobPosition: string;
  emailFrom: string;
  /** Derived from `emailFrom`. */
  emailNormalized: string | null;
  /** Derived: `@domain`, or the whole address for free-mail providers (§2.5). */
  emailDomainCriterion: string | null;
  emailCc: string;
  phone: string;
  mobile: string;
  /** Derived: E.164 of the mobile, else of the phone. */
  phoneSanitized: string | null;
  website: string;
  lang: string;
  street: string;
  street2: string;
  zip: string;
  city: string;
  stateCode: string;
  countryCode: string;
  userId: Types.ObjectId | null;
  teamId: Types.ObjectId | null;
  stageId: Types.ObjectId | null;
  probability: number;
  /** Derived: the stage-driven value (won stage 100, lost 0); "automatic" while equal to `probability`. */
  automatedProbability: number;
  expectedRevenue: number;
  /** Derived: expectedRevenue × probability / 100. */
  proratedRevenue: number;
  /** `YYYY-MM-DD`: expected closing. */
  dateDeadline: string | null;
  priority: LeadPriority;
  tagIds: Types.ObjectId[];
  /** Sanitized HTML. */
  description: string;
  referred: string;
  color: number;
  lostReasonId: Types.ObjectId | null;
  /** Derived: won / lost / pending. */
  wonStatus: WonStatus;
  dateOpen: Date | null;
  dateClosed: Date | null;
  dateConversion: Date | null;
  dateLastStageUpdate: Date;
  utm: { campaign?: string; medium?: string; source?: string };
  createdBy: Types.ObjectId | null;
  updatedBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const text = { type: String, default: '' };

const leadSchema = new Schema<LeadRecord>(
  {
    type: { type: String, enum: ['lead', 'opportunity'], required: true },
    name: { type: String, required: true, trim: true, maxlength: 500 },
    nameNormalized: { type: String, required: true },
    active: { type: Boolean, required: true, default: true },
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', default: null },
    commercialPartnerId: { type: Schema.Types.ObjectId, ref: 'Partner', default: null },
    partnerName: text,
    partnerNameNormalized: text,
    contactName: text,
    jobPosition: text,
    emailFrom: text,
    emailNormalized: { type: String, default: null },
    emailDomainCriterion: { type: String, default: null },
    emailCc: text,
    phone: text,
    mobile: text,
    phoneSanitized: { type: String, default: null },
    website: text,
    lang: text,
    street: text,
    street2: text,
    zip: text,
    city: text,
    stateCode: text,
    countryCode: text,
    userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    teamId: { type: Schema.Types.ObjectId, ref: 'Team', default: null },
    stageId: { type: Schema.Types.ObjectId, ref: 'Stage', default: null },
    probability: { type: Number, required: true, min: 0, max: 100, default: 0 },
    automatedProbability: { type: Number, required: true, min: 0, max: 100, default: 0 },
    expectedRevenue: { type: Number, required: true, min: 0, default: 0 },
    proratedRevenue: { type: Number, required: true, default: 0 },
    dateDeadline: { type: String, default: null, match: /^\d{4}-\d{2}-\d{2}$/ },
    priority: { type: String, enum: ['0', '1', '2', '3'], required: true, default: '0' },
    tagIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Tag' }], default: [] },
    description: text,
    referred: text,
    color: { type: Number, min: 0, max: 11, default: 0 },
    lostReasonId: { type: Schema.Types.ObjectId, ref: 'LostReason', default: null },
    wonStatus: {
      type: String,
      enum: ['won', 'lost', 'pending'],
      required: true,
      default: 'pending',
    },
    dateOpen: { type: Date, default: null },
    dateClosed: { type: Date, default: null },
    dateConversion: { type: Date, default: null },
    dateLastStageUpdate: { type: Date, required: true },
    utm: { type: { campaign: String, medium: String, source: String }, _id: false, default: {} },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
);

// crm-model.md §8.
leadSchema.index({ teamId: 1, active: 1, type: 1, stageId: 1, priority: -1, _id: -1 });
leadSchema.index({ userId: 1, active: 1, type: 1 });
leadSchema.index({ partnerId: 1 });
leadSchema.index({ commercialPartnerId: 1 });
leadSchema.index({ emailNormalized: 1 });
leadSchema.index(
  { emailDomainCriterion: 1 },
  { partialFilterExpression: { emailDomainCriterion: { $type: 'string' } } },
);
leadSchema.index(
  { phoneSanitized: 1 },
  { partialFilterExpression: { phoneSanitized: { $type: 'string' } } },
);
leadSchema.index({ dateLastStageUpdate: -1 });
leadSchema.index({ stageId: 1 });
leadSchema.index({ lostReasonId: 1 });
leadSchema.index({ nameNormalized: 1 });
leadSchema.index({ wonStatus: 1, dateClosed: -1 });

export const LeadModel = mongoose.model<LeadRecord>('Lead', leadSchema, 'leads');
