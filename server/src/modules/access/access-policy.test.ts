import mongoose, { Types } from 'mongoose';
import type { AccessLevel } from '@inbox-crm/shared/schemas';
import { useTestDatabase } from '../../db/test-database';
import type { Actor } from '../../http/actor';
import {
  assertAdmin,
  assertCanDeleteLeads,
  assertManager,
  canManageTeam,
  leadReadFilter,
  leadWriteFilter,
} from './access-policy';

useTestDatabase();

function actorOf(userId: Types.ObjectId, accessLevel: AccessLevel, isAdmin = false): Actor {
  return {
    userId: userId.toString(),
    login: 'x',
    name: 'X',
    accessLevel,
    isAdmin,
    teamIds: [],
    via: 'api-token',
  };
}

const me = new Types.ObjectId();
const colleague = new Types.ObjectId();
const leadIds = {
  mine: new Types.ObjectId(),
  unassigned: new Types.ObjectId(),
  colleagues: new Types.ObjectId(),
  colleaguesWithMyActivity: new Types.ObjectId(),
  colleaguesWithMyDoneActivity: new Types.ObjectId(),
};
type LeadName = keyof typeof leadIds;
const allLeads = Object.keys(leadIds) as LeadName[];

beforeAll(async () => {
  const leads = mongoose.connection.collection('leads');
  await leads.insertMany([
    { _id: leadIds.mine, name: 'mine', userId: me },
    { _id: leadIds.unassigned, name: 'unassigned' },
    { _id: leadIds.colleagues, name: 'colleagues', userId: colleague },
    { _id: leadIds.colleaguesWithMyActivity, name: 'activity', userId: colleague },
    { _id: leadIds.colleaguesWithMyDoneActivity, name: 'done activity', userId: colleague },
  ]);
  await mongoose.connection.collection('activities').insertMany([
    { resModel: 'lead', resId: leadIds.colleaguesWithMyActivity, userId: me, active: true },
    { resModel: 'lead', resId: leadIds.colleaguesWithMyDoneActivity, userId: me, active: false },
    { resModel: 'partner', resId: leadIds.colleagues, userId: me, active: true },
  ]);
});

async function visible(filter: Record<string, unknown>): Promise<LeadName[]> {
  const found = await mongoose.connection.collection('leads').find(filter).toArray();
  const byId = new Map(
    Object.entries(leadIds).map(([name, id]) => [id.toString(), name as LeadName]),
  );
  return found
    .map((lead) => byId.get(String(lead._id)))
    .filter((name): name is LeadName => name !== undefined)
    .sort();
}

describe('lead scope filters (one table: level × read/write)', () => {
  const table: Array<[string, Actor, LeadName[], LeadName[]]> = [
    [
      'own',
      actorOf(me, 'own'),
      ['colleaguesWithMyActivity', 'mine', 'unassigned'],
      ['mine', 'unassigned'],
    ],
    ['all', actorOf(me, 'all'), allLeads, allLeads],
    ['manager', actorOf(me, 'manager'), allLeads, allLeads],
    ['own + admin', actorOf(me, 'own', true), allLeads, allLeads],
  ];

  it.each(table)('%s', async (_level, actor, readable, writable) => {
    expect(await visible(await leadReadFilter(actor))).toEqual([...readable].sort());
    expect(await visible(await leadWriteFilter(actor))).toEqual([...writable].sort());
  });

  it('combines with the caller’s own conditions without widening the scope', async () => {
    const scope = await leadReadFilter(actorOf(me, 'own'));
    expect(await visible({ $and: [scope, { name: 'colleagues' }] })).toEqual([]);
    expect(
      await visible({ $and: [scope, { $or: [{ name: 'colleagues' }, { name: 'mine' }] }] }),
    ).toEqual(['mine']);
  });
});

describe('configuration and administration rights', () => {
  const leader = new Types.ObjectId();
  const cases: Array<
    [
      string,
      Actor,
      {
        manager: boolean;
        admin: boolean;
        deleteLeads: boolean;
        ledTeam: boolean;
        otherTeam: boolean;
      },
    ]
  > = [
    [
      'own',
      actorOf(leader, 'own'),
      { manager: false, admin: false, deleteLeads: false, ledTeam: false, otherTeam: false },
    ],
    [
      'all',
      actorOf(leader, 'all'),
      { manager: false, admin: false, deleteLeads: false, ledTeam: false, otherTeam: false },
    ],
    [
      'manager',
      actorOf(leader, 'manager'),
      { manager: true, admin: false, deleteLeads: true, ledTeam: true, otherTeam: false },
    ],
    [
      'admin',
      actorOf(leader, 'own', true),
      { manager: true, admin: true, deleteLeads: true, ledTeam: true, otherTeam: true },
    ],
  ];
  const passes = (check: () => void): boolean => {
    try {
      check();
      return true;
    } catch {
      return false;
    }
  };

  it.each(cases)('%s', (_level, actor, expected) => {
    expect({
      manager: passes(() => assertManager(actor)),
      admin: passes(() => assertAdmin(actor)),
      deleteLeads: passes(() => assertCanDeleteLeads(actor)),
      ledTeam: canManageTeam(actor, { leaderId: leader }),
      otherTeam: canManageTeam(actor, { leaderId: new Types.ObjectId() }),
    }).toEqual(expected);
  });
});
