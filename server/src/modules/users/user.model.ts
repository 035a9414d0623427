import { model, Schema, type Types } from 'mongoose';
import type { AccessLevel } from '@inbox-crm/shared/schemas';

/** A person who signs in: salesperson, manager or admin (Odoo's `res.users`). */
export interface UserRecord {
  _id: Types.ObjectId;
  /** Unique, lower-case; for Entra users their `preferred_username` at first sign-in. */
  login: string;
  name: string;
  email?: string;
  /** Lower-cased, trimmed address for lookups (never a collation). */
  emailNormalized?: string;
  accessLevel: AccessLevel;
  isAdmin: boolean;
  /** Deactivated users cannot sign in; everything they own stays. */
  active: boolean;
  /** The partner that stands for the user in the chatter (created with the user when partners exist). */
  partnerId?: Types.ObjectId;
  /** PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`); absent for Entra-only users. */
  passwordHash?: string;
  /** Microsoft Entra ID identity: object id (`oid`) within tenant (`tid`), never the mutable username. */
  entraObjectId?: string;
  entraTenantId?: string;
  /** Seeded demo account: signs in with a password only while the server runs on the demo database. */
  isDemo: boolean;
  lang?: string;
  tz?: string;
  lastSignInAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserRecord>(
  {
    login: { type: String, required: true, trim: true, lowercase: true, maxlength: 120 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    email: { type: String, trim: true, maxlength: 320 },
    emailNormalized: { type: String },
    accessLevel: { type: String, enum: ['own', 'all', 'manager'], required: true, default: 'own' },
    isAdmin: { type: Boolean, required: true, default: false },
    active: { type: Boolean, required: true, default: true },
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner' },
    passwordHash: { type: String },
    entraObjectId: { type: String },
    entraTenantId: { type: String },
    isDemo: { type: Boolean, required: true, default: false },
    lang: { type: String },
    tz: { type: String },
    lastSignInAt: { type: Date },
  },
  { timestamps: true },
);

userSchema.index({ login: 1 }, { unique: true });
userSchema.index({ emailNormalized: 1 });
// Sparse: only users linked to Entra ID are indexed; one CRM user per Entra identity.
userSchema.index({ entraTenantId: 1, entraObjectId: 1 }, { unique: true, sparse: true });

export const UserModel = model<UserRecord>('User', userSchema);
