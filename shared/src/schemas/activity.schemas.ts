import { z } from 'zod';
import {
  dateOnlySchema,
  listResponseSchema,
  objectIdSchema,
  paginationQuerySchema,
  queryBooleanSchema,
} from './common.schemas';
import { resModelSchema } from './message.schemas';

/** Computed from the due date against "today": `overdue` (<), `today`, `planned` (>); `done` once marked done. */
export const activityStateSchema = z.enum(['overdue', 'today', 'planned', 'done']);
export type ActivityState = z.infer<typeof activityStateSchema>;

const summarySchema = z.string().trim().max(500);
const noteSchema = z.string().max(100_000);

/**
 * Schedule an activity. Omitted fields come from the activity type: summary, note, assignee
 * (type's default user, else the caller) and due date (today + the type's delay).
 */
export const createActivityBodySchema = z.strictObject({
  resModel: resModelSchema,
  resId: objectIdSchema,
  activityTypeId: objectIdSchema.optional(),
  summary: summarySchema.optional(),
  note: noteSchema.optional(),
  dateDeadline: dateOnlySchema.optional(),
  userId: objectIdSchema.optional(),
});
export type CreateActivityBody = z.infer<typeof createActivityBodySchema>;

export const updateActivityBodySchema = z
  .strictObject({
    activityTypeId: objectIdSchema.optional(),
    summary: summarySchema.optional(),
    note: noteSchema.optional(),
    dateDeadline: dateOnlySchema.optional(),
    userId: objectIdSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');
export type UpdateActivityBody = z.infer<typeof updateActivityBodySchema>;

export const markActivityDoneBodySchema = z.strictObject({
  feedback: z.string().trim().max(100_000).optional(),
});
export type MarkActivityDoneBody = z.infer<typeof markActivityDoneBodySchema>;

export const listActivitiesQuerySchema = paginationQuerySchema.extend({
  /** Only activities assigned to the caller. */
  mine: queryBooleanSchema.optional(),
  userId: objectIdSchema.optional(),
  resModel: resModelSchema.optional(),
  resId: objectIdSchema.optional(),
  state: z.enum(['overdue', 'today', 'planned']).optional(),
  /** The caller's local date, so "today" follows the user's time zone; default: today in UTC. */
  today: dateOnlySchema.optional(),
});
export type ListActivitiesQuery = z.infer<typeof listActivitiesQuerySchema>;

export const activitySchema = z.object({
  id: z.string(),
  resModel: resModelSchema,
  resId: z.string(),
  resName: z.string().optional(),
  activityTypeId: z.string().optional(),
  activityTypeName: z.string().optional(),
  icon: z.string().optional(),
  summary: z.string().optional(),
  note: z.string().optional(),
  dateDeadline: z.string(),
  userId: z.string(),
  state: activityStateSchema,
  active: z.boolean(),
  dateDone: z.string().optional(),
  feedback: z.string().optional(),
  createdBy: z.string().optional(),
  createdAt: z.string(),
});
export type ActivityDto = z.infer<typeof activitySchema>;

export const activityListResponseSchema = listResponseSchema(activitySchema);

/** Answer of `POST /activities/:id/done`: the chatter message that logged it. */
export const activityDoneResponseSchema = z.object({
  activity: activitySchema,
  messageId: z.string(),
  nextActivity: activitySchema.optional(),
});

export const activityCountsQuerySchema = z.object({
  /** The caller's local date; default: today in UTC. */
  today: dateOnlySchema.optional(),
});

/** `GET /activities/counts`: the caller's open activities by state (badge of "my activities"). */
export const activityCountsSchema = z.object({
  overdue: z.number().int(),
  today: z.number().int(),
  planned: z.number().int(),
});
export type ActivityCounts = z.infer<typeof activityCountsSchema>;
