import { model, Schema, type Types } from 'mongoose';

/** A personal API token. Only its SHA-256 is stored; the secret is shown once, at creation. */
export interface ApiTokenRecord {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  name: string;
  /** base64url(SHA-256(token)); looked up directly, so no salt (identity.md §8). */
  tokenHash: string;
  /** First characters of the token, for recognising it in lists. */
  prefix: string;
  expiresAt?: Date;
  lastUsedAt?: Date;
  /** Revoked tokens stay for the audit trail and never authenticate again. */
  revokedAt?: Date;
  createdByUserId?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const apiTokenSchema = new Schema<ApiTokenRecord>(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    tokenHash: { type: String, required: true },
    prefix: { type: String, required: true },
    expiresAt: { type: Date },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
    createdByUserId: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);

apiTokenSchema.index({ tokenHash: 1 }, { unique: true });
apiTokenSchema.index({ userId: 1, createdAt: -1 });

export const ApiTokenModel = model<ApiTokenRecord>('ApiToken', apiTokenSchema);
