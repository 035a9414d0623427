import {
  createActivityBodySchema,
  createLeadBodySchema,
  createPartnerBodySchema,
  createProductBodySchema,
  createStageBodySchema,
  createTeamBodySchema,
  markLostBodySchema,
  type AccessLevel,
} from '@inbox-crm/shared/schemas';
import type { AppConfig } from '../config';
import type { Actor } from '../http/actor';
import type { Logger } from '../logger';
import type { AppDependencies } from '../modules/app-module';
import { scheduleActivity } from '../modules/activities/activity.service';
import { seedDefaultActivityTypes } from '../modules/activity-types/activity-type.service';
import { demoAccountsAllowed } from '../modules/auth/authentication';
import { createLead, markLost, markWon, moveStage } from '../modules/leads/lead.service';
import { createLostReason } from '../modules/lost-reasons/lost-reason.service';
import { createPartner } from '../modules/partners/partner.service';
import { createProduct } from '../modules/products/product.service';
import { createStage } from '../modules/stages/stage.service';
import { createTag } from '../modules/tags/tag.service';
import { createTeam } from '../modules/teams/team.service';
import { UserModel } from '../modules/users/user.model';
import { createUser } from '../modules/users/user.service';

export interface DemoCredential {
  login: string;
  password: string;
  role: string;
}

export interface SeedResult {
  seeded: boolean;
  /** Printed at start-up; empty when demo sign-in is not allowed on this database. */
  credentials: DemoCredential[];
}

/** One password for every demo account: printed at start-up, accepted only on the demo database. */
const demoPassword = 'inbox-crm-demo';

const demoUsers: Array<{
  login: string;
  name: string;
  email: string;
  accessLevel: AccessLevel;
  isAdmin: boolean;
  role: string;
  lang?: string;
}> = [
  {
    login: 'admin',
    name: 'Alex Admin',
    email: 'admin@inbox-crm.example',
    accessLevel: 'manager',
    isAdmin: true,
    role: 'admin + sales manager',
  },
  {
    login: 'mara',
    name: 'Mara Manager',
    email: 'mara@inbox-crm.example',
    accessLevel: 'manager',
    isAdmin: false,
    role: 'sales manager, leads both teams',
  },
  {
    login: 'sam',
    name: 'Sam Senior',
    email: 'sam@inbox-crm.example',
    accessLevel: 'all',
    isAdmin: false,
    role: 'salesperson, all leads',
  },
  {
    login: 'olivia',
    name: 'Olivia Own',
    email: 'olivia@inbox-crm.example',
    accessLevel: 'own',
    isAdmin: false,
    role: 'salesperson, own leads',
  },
  {
    login: 'ana',
    name: 'Ana Popescu',
    email: 'ana@inbox-crm.example',
    accessLevel: 'own',
    isAdmin: false,
    role: 'salesperson, own leads (ro)',
    lang: 'ro',
  },
  {
    login: 'li',
    name: '李娜 (Li Na)',
    email: 'li.na@inbox-crm.example',
    accessLevel: 'own',
    isAdmin: false,
    role: 'salesperson, own leads (zh-CN)',
    lang: 'zh-CN',
  },
];

/**
 * Seeds the demo company on an empty database: users of each access level, two teams with stages,
 * partners, leads and opportunities in several stages, activities. `SEED_DEMO=auto` seeds only the
 * embedded database, never a MONGODB_URI one.
 */
export async function seedDemoCompanyIfEmpty(options: {
  config: AppConfig;
  logger: Logger;
  databaseKind: NonNullable<AppDependencies['databaseKind']>;
}): Promise<SeedResult> {
  const { config, logger, databaseKind } = options;
  const allowed =
    config.SEED_DEMO === 'always' || (config.SEED_DEMO === 'auto' && databaseKind !== 'external');
  const demoSignIn = demoAccountsAllowed({ config, logger, databaseKind });
  const credentials = demoSignIn
    ? demoUsers.map((user) => ({ login: user.login, password: demoPassword, role: user.role }))
    : [];
  if (!allowed) return { seeded: false, credentials: [] };
  if (await UserModel.exists({})) return { seeded: false, credentials };
  await seedDemoCompany();
  logger.info('seeded the demo company');
  return { seeded: true, credentials };
}

function daysFromToday(days: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The demo company itself; exported for benchmarks and tests that want realistic data. */
export async function seedDemoCompany(): Promise<Record<string, string>> {
  const users: Record<string, string> = {};
  for (const user of demoUsers) {
    const record = await createUser({ ...user, password: demoPassword, isDemo: true });
    users[user.login] = record._id.toHexString();
  }
  const admin: Actor = {
    userId: users.admin as string,
    login: 'admin',
    name: 'Alex Admin',
    accessLevel: 'manager',
    isAdmin: true,
    teamIds: [],
    via: 'session',
  };

  await seedDefaultActivityTypes();
  const shared = [
    { name: 'New', sequence: 1, probability: 10 },
    { name: 'Qualified', sequence: 2, probability: 30 },
    { name: 'Proposition', sequence: 3, probability: 60 },
    { name: 'Won', sequence: 70, probability: 100, isWon: true },
  ];
  const stages: Record<string, string> = {};
  for (const stage of shared) {
    const created = await createStage(
      admin,
      createStageBodySchema.parse({ ...stage, autoProbability: true }),
    );
    stages[stage.name] = created._id.toHexString();
  }

  const europe = await createTeam(
    admin,
    createTeamBodySchema.parse({
      name: 'Sales Europe',
      leaderId: users.mara,
      members: [{ userId: users.sam }, { userId: users.olivia }, { userId: users.ana }],
      alias: { name: 'sales-eu', domain: 'inbox-crm.example' },
      invoicedTarget: 60000,
    }),
  );
  const asia = await createTeam(
    admin,
    createTeamBodySchema.parse({
      name: 'Sales Asia',
      leaderId: users.mara,
      members: [{ userId: users.li }, { userId: users.sam }],
      alias: { name: 'sales-asia', domain: 'inbox-crm.example' },
      invoicedTarget: 40000,
      useLeads: true,
    }),
  );
  const negotiation = await createStage(
    admin,
    createStageBodySchema.parse({
      name: 'Negotiation',
      sequence: 4,
      probability: 80,
      autoProbability: true,
      teamIds: [asia._id.toHexString()],
    }),
  );
  stages.Negotiation = negotiation._id.toHexString();

  const tags: Record<string, string> = {};
  for (const name of ['Hot', 'Product', 'Services', 'Training']) {
    tags[name] = (await createTag(admin, { kind: 'lead', name }))._id.toHexString();
  }
  const lostReasons: string[] = [];
  for (const name of ['Too expensive', "We don't have people/skills", 'Not enough stock']) {
    lostReasons.push((await createLostReason(admin, { name })).id);
  }
  for (const product of [
    { name: 'Office chair Ergo 300', defaultCode: 'CH-300', listPrice: 249 },
    { name: 'Standing desk 160', defaultCode: 'DK-160', listPrice: 690 },
    { name: 'Workplace consulting (day)', defaultCode: 'SRV-DAY', listPrice: 950, type: 'service' },
  ]) {
    await createProduct(admin, createProductBodySchema.parse(product));
  }

  const company = async (
    name: string,
    email: string,
    website: string,
    city: string,
    countryCode: string,
  ) =>
    (
      await createPartner(
        admin,
        createPartnerBodySchema.parse({ name, isCompany: true, email, website, city, countryCode }),
      )
    )._id.toHexString();
  const person = async (name: string, email: string, parentId: string, func: string) =>
    (
      await createPartner(
        admin,
        createPartnerBodySchema.parse({ name, email, parentId, jobPosition: func }),
      )
    )._id.toHexString();

  const contoso = await company(
    'Contoso Ltd',
    'info@contoso.example',
    'https://contoso.example',
    'London',
    'GB',
  );
  const fabrikam = await company(
    'Fabrikam GmbH',
    'office@fabrikam.example',
    'https://fabrikam.example',
    'Berlin',
    'DE',
  );
  const tailspin = await company(
    'Tailspin Toys SRL',
    'contact@tailspin.example',
    'https://tailspin.example',
    'Cluj-Napoca',
    'RO',
  );
  const northwind = await company(
    '北风贸易 Northwind Trading',
    'sales@northwind.example',
    'https://northwind.example',
    '上海',
    'CN',
  );
  const people = {
    jane: await person('Jane Cooper', 'jane.cooper@contoso.example', contoso, 'Purchasing manager'),
    max: await person('Max Müller', 'max.mueller@fabrikam.example', fabrikam, 'Facility manager'),
    ioana: await person(
      'Ioana Ionescu',
      'ioana.ionescu@tailspin.example',
      tailspin,
      'Director achiziții',
    ),
    wang: await person('王伟 Wang Wei', 'wang.wei@northwind.example', northwind, '采购经理'),
  };

  const eu = europe._id.toHexString();
  const as = asia._id.toHexString();
  const opportunities = [
    {
      name: 'Contoso: 120 office chairs',
      partnerId: people.jane,
      userId: users.olivia,
      teamId: eu,
      stage: 'Proposition',
      revenue: 29880,
      priority: '2',
      tags: ['Hot', 'Product'],
      deadline: 20,
    },
    {
      name: 'Contoso: meeting room refit',
      partnerId: contoso,
      userId: users.sam,
      teamId: eu,
      stage: 'Qualified',
      revenue: 18000,
      priority: '1',
      tags: ['Services'],
      deadline: 45,
    },
    {
      name: 'Fabrikam: standing desks Berlin office',
      partnerId: people.max,
      userId: users.ana,
      teamId: eu,
      stage: 'New',
      revenue: 41400,
      priority: '1',
      tags: ['Product'],
      deadline: 60,
    },
    {
      name: 'Fabrikam: ergonomics training',
      partnerId: fabrikam,
      userId: users.olivia,
      teamId: eu,
      stage: 'New',
      revenue: 4750,
      priority: '0',
      tags: ['Training'],
      deadline: 30,
    },
    {
      name: 'Tailspin: mobilier birou Cluj',
      partnerId: people.ioana,
      userId: users.ana,
      teamId: eu,
      stage: 'Qualified',
      revenue: 15600,
      priority: '2',
      tags: ['Product'],
      deadline: 25,
    },
    {
      name: 'Unassigned: chairs for a school',
      partnerId: null,
      userId: null,
      teamId: eu,
      stage: 'New',
      revenue: 7200,
      priority: '0',
      tags: [],
      deadline: null,
    },
    {
      name: '北风贸易：上海办公室家具',
      partnerId: people.wang,
      userId: users.li,
      teamId: as,
      stage: 'Negotiation',
      revenue: 52000,
      priority: '3',
      tags: ['Hot', 'Product'],
      deadline: 15,
    },
    {
      name: 'Northwind: consulting days',
      partnerId: northwind,
      userId: users.sam,
      teamId: as,
      stage: 'Proposition',
      revenue: 9500,
      priority: '1',
      tags: ['Services'],
      deadline: 40,
    },
  ] as const;
  const created: Record<string, string> = {};
  for (const opportunity of opportunities) {
    const lead = await createLead(
      admin,
      createLeadBodySchema.parse({
        type: 'opportunity',
        name: opportunity.name,
        partnerId: opportunity.partnerId,
        userId: opportunity.userId,
        teamId: opportunity.teamId,
        stageId: stages[opportunity.stage],
        expectedRevenue: opportunity.revenue,
        priority: opportunity.priority,
        tagIds: opportunity.tags.map((name) => tags[name]),
        dateDeadline: opportunity.deadline === null ? null : daysFromToday(opportunity.deadline),
        utm: { medium: 'email', source: 'demo' },
      }),
    );
    created[opportunity.name] = lead.id;
  }

  // A few leads still to qualify (Sales Asia works with leads), one won and one lost deal.
  for (const lead of [
    {
      name: 'Inquiry: 40 chairs for a call centre',
      contactName: 'Chen Jing',
      emailFrom: 'chen.jing@freemail.example',
      userId: null,
    },
    {
      name: 'Website form: desks for a start-up',
      contactName: 'Liu Yang',
      emailFrom: 'liu.yang@startup.example',
      userId: users.li,
    },
  ]) {
    await createLead(admin, createLeadBodySchema.parse({ type: 'lead', teamId: as, ...lead }));
  }
  const won = await createLead(
    admin,
    createLeadBodySchema.parse({
      type: 'opportunity',
      name: 'Contoso: reception desk',
      partnerId: people.jane,
      userId: users.olivia,
      teamId: eu,
      expectedRevenue: 5400,
      stageId: stages.Proposition,
    }),
  );
  await markWon(admin, won.id);
  const lost = await createLead(
    admin,
    createLeadBodySchema.parse({
      type: 'opportunity',
      name: 'Fabrikam: lounge furniture',
      partnerId: people.max,
      userId: users.sam,
      teamId: eu,
      expectedRevenue: 12000,
      stageId: stages.Qualified,
    }),
  );
  await markLost(
    admin,
    lost.id,
    markLostBodySchema.parse({
      lostReasonId: lostReasons[0],
      closingNote: 'Chose a cheaper supplier.',
    }),
  );
  await moveStage(admin, created['Contoso: meeting room refit'] as string, {
    stageId: stages.Proposition as string,
  });

  const activities = [
    {
      lead: 'Contoso: 120 office chairs',
      userId: users.olivia,
      summary: 'Call Jane about delivery dates',
      days: -2,
    },
    {
      lead: 'Fabrikam: standing desks Berlin office',
      userId: users.ana,
      summary: 'Send the quotation',
      days: 0,
    },
    {
      lead: 'Tailspin: mobilier birou Cluj',
      userId: users.ana,
      summary: 'Întâlnire la sediul clientului',
      days: 5,
    },
    { lead: '北风贸易：上海办公室家具', userId: users.li, summary: '与王伟确认价格', days: 2 },
    {
      lead: 'Northwind: consulting days',
      userId: users.sam,
      summary: 'Prepare workshop agenda',
      days: 9,
    },
  ];
  for (const activity of activities) {
    await scheduleActivity(
      admin,
      createActivityBodySchema.parse({
        resModel: 'lead',
        resId: created[activity.lead],
        userId: activity.userId,
        summary: activity.summary,
        dateDeadline: daysFromToday(activity.days),
      }),
    );
  }
  return { ...users, europe: eu, asia: as };
}
