import { Types, type QueryFilter } from 'mongoose';
import type {
  Pipeline,
  PipelineCard,
  PipelineQuery,
  PipelineSummary,
  PipelineSummaryQuery,
} from '@inbox-crm/shared/schemas';
import type { Actor } from '../../http/actor';
import { leadReadFilter } from '../access/access-policy';
import { findNextActivities } from '../leads/lead-dto';
import { LeadModel, type LeadRecord } from '../leads/lead.model';
import { escapeRegex, normalizeName } from '../partners/contact-normalization';
import { PartnerModel } from '../partners/partner.model';
import { StageModel, type StageRecord } from '../stages/stage.model';
import { findStagesOfTeam } from '../stages/stage.service';
import { getTeamRecord } from '../teams/team.service';

interface StageTotals {
  _id: Types.ObjectId | null;
  count: number;
  expectedRevenue: number;
  proratedRevenue: number;
}

/**
 * The kanban of a team (crm-model.md §2.10): columns = the team's stages plus the shared ones plus
 * any stage holding one of its records, in stage order; each column with its count and revenue sums
 * over all its cards and the first cards ordered priority desc, newest first.
 */
export async function getTeamPipeline(
  actor: Actor,
  teamId: string,
  query: PipelineQuery,
): Promise<Pipeline> {
  const team = await getTeamRecord(teamId);
  const filter = await pipelineFilter(actor, team._id, query);
  const totals = await LeadModel.aggregate<StageTotals>([
    { $match: filter },
    {
      $group: {
        _id: '$stageId',
        count: { $sum: 1 },
        expectedRevenue: { $sum: '$expectedRevenue' },
        proratedRevenue: { $sum: '$proratedRevenue' },
      },
    },
  ]);
  const stages = await columnsFor(team._id, totals);
  const totalsByStage = new Map(totals.map((row) => [String(row._id), row]));

  const cardsByStage = await Promise.all(
    stages.map((stage) =>
      (totalsByStage.get(String(stage._id))?.count ?? 0) === 0
        ? Promise.resolve([] as LeadRecord[])
        : LeadModel.find({ $and: [filter, { stageId: stage._id }] })
            .sort({ priority: -1, _id: -1 })
            .limit(query.limitPerStage)
            .lean(),
    ),
  );
  const allCards = cardsByStage.flat();
  const [nextActivities, customerNames] = await Promise.all([
    findNextActivities(allCards.map((lead) => lead._id)),
    findCustomerNames(allCards),
  ]);
  const today = todayUtc();
  return {
    teamId: String(team._id),
    columns: stages.map((stage, index) => {
      const row = totalsByStage.get(String(stage._id));
      const count = row?.count ?? 0;
      return {
        stageId: String(stage._id),
        name: stage.name,
        sequence: stage.sequence,
        isWon: stage.isWon,
        fold: stage.fold,
        folded: stage.fold && count === 0,
        count,
        expectedRevenue: roundMoney(row?.expectedRevenue ?? 0),
        proratedRevenue: roundMoney(row?.proratedRevenue ?? 0),
        cards: (cardsByStage[index] ?? []).map((lead) =>
          toCard(lead, customerNames, nextActivities.get(String(lead._id)) ?? null, today),
        ),
      };
    }),
  };
}

/**
 * The team's numbers (crm-model.md §2.10): per stage count and expected/prorated revenue of its
 * open records, open and overdue totals, and what was won in the month against the monthly target
 * (won opportunities' expected revenue stands in for invoices until invoicing exists).
 */
export async function getTeamPipelineSummary(
  actor: Actor,
  teamId: string,
  query: PipelineSummaryQuery,
): Promise<PipelineSummary> {
  const team = await getTeamRecord(teamId);
  const scope = await leadReadFilter(actor);
  const month = query.month ?? new Date().toISOString().slice(0, 7);
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const monthStart = new Date(Date.UTC(year, monthNumber - 1, 1));
  const nextMonthStart = new Date(Date.UTC(year, monthNumber, 1));
  const opportunities: QueryFilter<LeadRecord> = {
    $and: [scope, { teamId: team._id, type: 'opportunity', active: true }],
  };

  const [perStage, overdue, won, unassignedLeads] = await Promise.all([
    LeadModel.aggregate<StageTotals>([
      { $match: opportunities },
      {
        $group: {
          _id: '$stageId',
          count: { $sum: 1 },
          expectedRevenue: { $sum: '$expectedRevenue' },
          proratedRevenue: { $sum: '$proratedRevenue' },
        },
      },
    ]),
    LeadModel.countDocuments({
      $and: [
        opportunities,
        { probability: { $lt: 100 } },
        { dateDeadline: { $type: 'string', $lt: todayUtc() } },
      ],
    }),
    LeadModel.aggregate<{ _id: null; count: number; expectedRevenue: number }>([
      {
        $match: {
          $and: [
            scope,
            {
              teamId: team._id,
              wonStatus: 'won',
              dateClosed: { $gte: monthStart, $lt: nextMonthStart },
            },
          ],
        },
      },
      { $group: { _id: null, count: { $sum: 1 }, expectedRevenue: { $sum: '$expectedRevenue' } } },
    ]),
    LeadModel.countDocuments({ $and: [scope, { teamId: team._id, active: true, userId: null }] }),
  ]);
  const stages = await columnsFor(team._id, perStage);
  const totals = new Map(perStage.map((row) => [String(row._id), row]));
  const openStages = new Set(
    stages.filter((stage) => !stage.isWon).map((stage) => String(stage._id)),
  );
  const openRows = perStage.filter((row) => openStages.has(String(row._id)) || row._id === null);
  const wonRow = won[0];
  const wonRevenue = roundMoney(wonRow?.expectedRevenue ?? 0);
  return {
    teamId: String(team._id),
    month,
    invoicedTarget: team.invoicedTarget,
    stages: stages.map((stage) => {
      const row = totals.get(String(stage._id));
      return {
        stageId: String(stage._id),
        name: stage.name,
        sequence: stage.sequence,
        isWon: stage.isWon,
        count: row?.count ?? 0,
        expectedRevenue: roundMoney(row?.expectedRevenue ?? 0),
        proratedRevenue: roundMoney(row?.proratedRevenue ?? 0),
      };
    }),
    open: {
      count: openRows.reduce((sum, row) => sum + row.count, 0),
      expectedRevenue: roundMoney(openRows.reduce((sum, row) => sum + row.expectedRevenue, 0)),
      proratedRevenue: roundMoney(openRows.reduce((sum, row) => sum + row.proratedRevenue, 0)),
      overdue,
    },
    wonThisMonth: { count: wonRow?.count ?? 0, expectedRevenue: wonRevenue },
    targetRatio:
      team.invoicedTarget > 0
        ? Math.round((wonRevenue / team.invoicedTarget) * 10_000) / 10_000
        : null,
    unassignedLeads,
  };
}

async function pipelineFilter(
  actor: Actor,
  teamId: Types.ObjectId,
  query: PipelineQuery,
): Promise<QueryFilter<LeadRecord>> {
  const conditions: QueryFilter<LeadRecord>[] = [
    await leadReadFilter(actor),
    { teamId, active: true },
  ];
  if (!query.includeLeads) conditions.push({ type: 'opportunity' });
  if (query.userId)
    conditions.push({ userId: query.userId === 'none' ? null : new Types.ObjectId(query.userId) });
  if (query.search) {
    const prefix = new RegExp(`^${escapeRegex(normalizeName(query.search))}`);
    conditions.push({ $or: [{ nameNormalized: prefix }, { partnerNameNormalized: prefix }] });
  }
  return { $and: conditions };
}

/** The team's stages plus any other stage that holds one of the counted records, in stage order. */
async function columnsFor(teamId: Types.ObjectId, totals: StageTotals[]): Promise<StageRecord[]> {
  const stages = await findStagesOfTeam(teamId);
  const known = new Set(stages.map((stage) => String(stage._id)));
  const extraIds = totals.flatMap((row) =>
    row._id && !known.has(String(row._id)) ? [row._id] : [],
  );
  if (extraIds.length === 0) return stages;
  const extra = await StageModel.find({ _id: { $in: extraIds } }).lean();
  return [...stages, ...extra].sort(
    (a, b) =>
      a.sequence - b.sequence ||
      a.name.localeCompare(b.name) ||
      String(a._id).localeCompare(String(b._id)),
  );
}

async function findCustomerNames(leads: LeadRecord[]): Promise<Map<string, string>> {
  const partnerIds = [
    ...new Set(leads.flatMap((lead) => (lead.partnerId ? [String(lead.partnerId)] : []))),
  ];
  if (partnerIds.length === 0) return new Map();
  const partners = await PartnerModel.find(
    { _id: { $in: partnerIds.map((id) => new Types.ObjectId(id)) } },
    { name: 1, parentId: 1, isCompany: 1 },
  ).lean();
  const parentIds = partners.flatMap((partner) => (partner.parentId ? [partner.parentId] : []));
  const parents = parentIds.length
    ? await PartnerModel.find({ _id: { $in: parentIds } }, { name: 1 }).lean()
    : [];
  const parentNames = new Map(parents.map((parent) => [String(parent._id), parent.name]));
  return new Map(
    partners.map((partner) => {
      const parentName = partner.parentId ? parentNames.get(String(partner.parentId)) : undefined;
      return [
        String(partner._id),
        parentName && !partner.isCompany ? `${parentName}, ${partner.name}` : partner.name,
      ];
    }),
  );
}

function toCard(
  lead: LeadRecord,
  customerNames: Map<string, string>,
  nextActivity: PipelineCard['nextActivity'],
  today: string,
): PipelineCard {
  const activityState: PipelineCard['activityState'] = !nextActivity
    ? 'none'
    : nextActivity.dateDeadline < today
      ? 'overdue'
      : nextActivity.dateDeadline === today
        ? 'today'
        : 'planned';
  return {
    id: String(lead._id),
    type: lead.type,
    name: lead.name,
    customerName:
      (lead.partnerId ? customerNames.get(String(lead.partnerId)) : undefined) ??
      (lead.partnerName || lead.contactName || ''),
    partnerId: lead.partnerId ? String(lead.partnerId) : null,
    userId: lead.userId ? String(lead.userId) : null,
    expectedRevenue: lead.expectedRevenue,
    proratedRevenue: lead.proratedRevenue,
    probability: lead.probability,
    priority: lead.priority,
    tagIds: lead.tagIds.map(String),
    color: lead.color ?? 0,
    dateDeadline: lead.dateDeadline ?? null,
    nextActivity,
    activityState,
  };
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function roundMoney(value: number): number {
  return Math.round(value * 100) / 100;
}
