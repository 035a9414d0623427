import { z } from 'zod';
import { objectIdSchema, queryBooleanSchema } from './common.schemas';
import { leadPrioritySchema, nextActivitySchema } from './lead.schemas';

export const pipelineQuerySchema = z.object({
  /** "My pipeline": only this user's opportunities; `none` = unassigned. */
  userId: objectIdSchema.or(z.literal('none')).optional(),
  search: z.string().trim().max(200).optional(),
  /** Cards per column (the column's count and sums always cover all of it). */
  limitPerStage: z.coerce.number().int().min(1).max(200).default(50),
  includeLeads: queryBooleanSchema.default(false),
});
export type PipelineQuery = z.infer<typeof pipelineQuerySchema>;

export const pipelineCardSchema = z.object({
  id: z.string(),
  type: z.enum(['lead', 'opportunity']),
  name: z.string(),
  /** Customer shown on the card: the partner's display name, else the company/contact name typed. */
  customerName: z.string(),
  partnerId: z.string().nullable(),
  userId: z.string().nullable(),
  expectedRevenue: z.number(),
  proratedRevenue: z.number(),
  probability: z.number(),
  priority: leadPrioritySchema,
  tagIds: z.array(z.string()),
  color: z.number().int(),
  dateDeadline: z.string().nullable(),
  nextActivity: nextActivitySchema.nullable(),
  /** grey: none, red: overdue, green: planned (today or later). */
  activityState: z.enum(['none', 'overdue', 'today', 'planned']),
});
export type PipelineCard = z.infer<typeof pipelineCardSchema>;

export const pipelineColumnSchema = z.object({
  stageId: z.string(),
  name: z.string(),
  sequence: z.number().int(),
  isWon: z.boolean(),
  fold: z.boolean(),
  /** Folded stages collapse when empty. */
  folded: z.boolean(),
  count: z.number().int(),
  expectedRevenue: z.number(),
  proratedRevenue: z.number(),
  cards: z.array(pipelineCardSchema),
});

export const pipelineSchema = z.object({
  teamId: z.string(),
  columns: z.array(pipelineColumnSchema),
});
export type Pipeline = z.infer<typeof pipelineSchema>;

export const pipelineSummaryQuerySchema = z.object({
  /** `YYYY-MM`; default the current month (UTC). */
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-03')
    .optional(),
});
export type PipelineSummaryQuery = z.infer<typeof pipelineSummaryQuerySchema>;

export const pipelineSummarySchema = z.object({
  teamId: z.string(),
  month: z.string(),
  /** The team's monthly invoicing target. */
  invoicedTarget: z.number(),
  stages: z.array(
    z.object({
      stageId: z.string(),
      name: z.string(),
      sequence: z.number().int(),
      isWon: z.boolean(),
      count: z.number().int(),
      expectedRevenue: z.number(),
      proratedRevenue: z.number(),
    }),
  ),
  /** Open opportunities (active, not won). */
  open: z.object({
    count: z.number().int(),
    expectedRevenue: z.number(),
    proratedRevenue: z.number(),
    overdue: z.number().int(),
  }),
  /** Opportunities won during the month: what is measured against the target until invoices exist. */
  wonThisMonth: z.object({ count: z.number().int(), expectedRevenue: z.number() }),
  /** wonThisMonth.expectedRevenue / invoicedTarget (null without a target). */
  targetRatio: z.number().nullable(),
  unassignedLeads: z.number().int(),
});
export type PipelineSummary = z.infer<typeof pipelineSummarySchema>;
