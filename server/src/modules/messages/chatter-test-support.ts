import mongoose, { Types } from 'mongoose';
import type { Actor } from '../../http/actor';
import { createPartner } from '../partners/partner.service';
import { UserModel } from '../users/user.model';

/** Test fixtures for the chatter features (records to hang chatter on). Tests only. */

const systemActor: Actor = {
  userId: new Types.ObjectId().toHexString(),
  login: 'fixture',
  name: 'Fixture',
  accessLevel: 'manager',
  isAdmin: true,
  teamIds: [],
  via: 'api-token',
};

export async function createTestPartner(name: string, email?: string): Promise<string> {
  const partner = await createPartner(systemActor, { name, email });
  return partner._id.toHexString();
}

/**
 * A lead as the `leads` collection holds it (the fields access rules and quotations read), for
 * tests that must not depend on the lead feature's write path.
 */
export async function insertTestLead(fields: {
  name: string;
  userId?: string | null;
  type?: 'lead' | 'opportunity';
  partnerId?: string;
  active?: boolean;
  teamId?: string;
  emailFrom?: string;
  contactName?: string;
  partnerName?: string;
}): Promise<string> {
  const _id = new Types.ObjectId();
  await mongoose.connection.collection('leads').insertOne({
    _id,
    name: fields.name,
    type: fields.type ?? 'opportunity',
    userId: fields.userId ? new Types.ObjectId(fields.userId) : null,
    partnerId: fields.partnerId ? new Types.ObjectId(fields.partnerId) : null,
    teamId: fields.teamId ? new Types.ObjectId(fields.teamId) : null,
    active: fields.active ?? true,
    emailFrom: fields.emailFrom ?? '',
    contactName: fields.contactName ?? '',
    partnerName: fields.partnerName ?? '',
    tagIds: [],
    nextActivity: null,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  return _id.toHexString();
}

/** Gives a test user the partner that stands for them (followers and authors are partners). */
export async function givePartnerToUser(userId: string, name: string): Promise<string> {
  const partnerId = await createTestPartner(name);
  await UserModel.updateOne(
    { _id: userId },
    { $set: { partnerId: new Types.ObjectId(partnerId) } },
  );
  return partnerId;
}
