import mongoose, { Schema, type Types } from 'mongoose';
import type { NameTranslations } from '@inbox-crm/shared/schemas';

/** A sales team (Odoo `crm.team` + `crm.team.member` + its `mail.alias`). */
export interface TeamMember {
  userId: Types.ObjectId;
  active: boolean;
  createdAt: Date;
}

export interface TeamAlias {
  /** Local part, lower-case. */
  name: string;
  /** Lower-case; empty = the server's mail domain. */
  domain: string;
  contact: 'everyone' | 'partners' | 'followers';
}

export interface TeamRecord {
  _id: Types.ObjectId;
  name: string;
  nameI18n?: NameTranslations;
  sequence: number;
  active: boolean;
  color: number;
  leaderId: Types.ObjectId | null;
  members: TeamMember[];
  useLeads: boolean;
  useOpportunities: boolean;
  alias: TeamAlias | null;
  /** Monthly invoicing target, company currency. */
  invoicedTarget: number;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const teamSchema = new Schema<TeamRecord>(
  {
    name: { type: String, required: true, trim: true, maxlength: 100 },
    nameI18n: { type: { 'zh-CN': String, ro: String }, _id: false, default: undefined },
    sequence: { type: Number, required: true, default: 10 },
    active: { type: Boolean, required: true, default: true },
    color: { type: Number, min: 0, max: 11, default: 0 },
    leaderId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    members: {
      type: [
        new Schema<TeamMember>(
          {
            userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
            active: { type: Boolean, required: true, default: true },
            createdAt: { type: Date, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    useLeads: { type: Boolean, required: true, default: false },
    useOpportunities: { type: Boolean, required: true, default: true },
    alias: {
      type: new Schema<TeamAlias>(
        {
          name: { type: String, required: true, lowercase: true, trim: true },
          domain: { type: String, default: '', lowercase: true, trim: true },
          contact: {
            type: String,
            enum: ['everyone', 'partners', 'followers'],
            default: 'everyone',
          },
        },
        { _id: false },
      ),
      default: null,
    },
    invoicedTarget: { type: Number, min: 0, default: 0 },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
);

// crm-model.md §8: one alias address per team; membership lookups for actor.teamIds.
teamSchema.index(
  { 'alias.name': 1, 'alias.domain': 1 },
  { unique: true, partialFilterExpression: { 'alias.name': { $exists: true } } },
);
teamSchema.index({ 'members.userId': 1 });
teamSchema.index({ leaderId: 1 });
teamSchema.index({ active: 1, sequence: 1 });

export const TeamModel = mongoose.model<TeamRecord>('Team', teamSchema, 'teams');
