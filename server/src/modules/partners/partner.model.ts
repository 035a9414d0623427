import mongoose, { Schema, type Types } from 'mongoose';

/** A company or a person (Odoo's `res.partner` as the CRM uses it, crm-model.md §1.1). */
export interface PartnerEmail {
  email: string;
  normalized: string;
  primary: boolean;
}

export interface PartnerPhone {
  number: string;
  sanitized: string | null;
  kind: 'work' | 'mobile' | 'home' | 'fax' | 'other';
  primary: boolean;
}

/** The same contact in an address book (Outlook/Graph id, vCard UID): the sync's identity. */
export interface PartnerExternalRef {
  provider: string;
  uid: string;
  etag: string | null;
  syncedAt: Date | null;
}

export interface PartnerRecord {
  _id: Types.ObjectId;
  name: string;
  /** Derived: accent-free lower-case name for prefix search. */
  nameNormalized: string;
  isCompany: boolean;
  parentId: Types.ObjectId | null;
  /** Derived: self for companies and parentless persons, else the parent's commercial partner. */
  commercialPartnerId: Types.ObjectId;
  companyName: string;
  addressType: 'contact' | 'invoice' | 'delivery' | 'other';
  email: string;
  /** Derived from `email`. */
  emailNormalized: string | null;
  /** All addresses, the primary one mirrored into `email`; `normalized` derived. */
  emails: PartnerEmail[];
  phone: string;
  mobile: string;
  /** Derived: E.164 of the mobile, else of the phone. */
  phoneSanitized: string | null;
  phones: PartnerPhone[];
  street: string;
  street2: string;
  zip: string;
  city: string;
  stateCode: string;
  countryCode: string;
  jobPosition: string;
  website: string;
  /** Derived, companies only: the company's own mail/web domain (free-mail domains excluded). */
  domain: string | null;
  tagIds: Types.ObjectId[];
  userId: Types.ObjectId | null;
  teamId: Types.ObjectId | null;
  active: boolean;
  lang: string;
  notes: string;
  vat: string;
  ref: string;
  externalRefs: PartnerExternalRef[];
  createdBy: Types.ObjectId | null;
  updatedBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const text = { type: String, default: '' };

const partnerSchema = new Schema<PartnerRecord>(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    nameNormalized: { type: String, required: true },
    isCompany: { type: Boolean, required: true, default: false },
    parentId: { type: Schema.Types.ObjectId, ref: 'Partner', default: null },
    commercialPartnerId: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    companyName: text,
    addressType: {
      type: String,
      enum: ['contact', 'invoice', 'delivery', 'other'],
      default: 'contact',
    },
    email: text,
    emailNormalized: { type: String, default: null },
    emails: {
      type: [
        new Schema<PartnerEmail>(
          {
            email: { type: String, required: true },
            normalized: { type: String, required: true },
            primary: { type: Boolean, default: false },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    phone: text,
    mobile: text,
    phoneSanitized: { type: String, default: null },
    phones: {
      type: [
        new Schema<PartnerPhone>(
          {
            number: { type: String, required: true },
            sanitized: { type: String, default: null },
            kind: {
              type: String,
              enum: ['work', 'mobile', 'home', 'fax', 'other'],
              default: 'work',
            },
            primary: { type: Boolean, default: false },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    street: text,
    street2: text,
    zip: text,
    city: text,
    stateCode: text,
    countryCode: text,
    jobPosition: text,
    website: text,
    domain: { type: String, default: null },
    tagIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Tag' }], default: [] },
    userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    teamId: { type: Schema.Types.ObjectId, ref: 'Team', default: null },
    active: { type: Boolean, required: true, default: true },
    lang: text,
    notes: text,
    vat: text,
    ref: text,
    externalRefs: {
      type: [
        new Schema<PartnerExternalRef>(
          {
            provider: { type: String, required: true },
            uid: { type: String, required: true },
            etag: { type: String, default: null },
            syncedAt: { type: Date, default: null },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
);

// crm-model.md §8: sender lookup, company tree, search, address-book sync identity.
partnerSchema.index({ emailNormalized: 1 });
partnerSchema.index({ 'emails.normalized': 1 });
partnerSchema.index(
  { phoneSanitized: 1 },
  { partialFilterExpression: { phoneSanitized: { $type: 'string' } } },
);
partnerSchema.index({ parentId: 1 });
partnerSchema.index({ commercialPartnerId: 1 });
partnerSchema.index({ nameNormalized: 1, active: 1 });
partnerSchema.index({ domain: 1 }, { partialFilterExpression: { domain: { $type: 'string' } } });
partnerSchema.index(
  { 'externalRefs.provider': 1, 'externalRefs.uid': 1 },
  { unique: true, partialFilterExpression: { 'externalRefs.uid': { $exists: true } } },
);

export const PartnerModel = mongoose.model<PartnerRecord>('Partner', partnerSchema, 'partners');
