import { z } from 'zod';
import { objectIdSchema, paginationQuerySchema } from './common.schemas';

/**
 * Audited actions. `<area>.<verb>`: sign-ins, tokens, user administration; other features add
 * theirs (`team.update`, `stage.delete` …) through `recordAuditEvent`.
 */
export const auditActionSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'must look like area.verb');

export const auditEventSchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  action: z.string(),
  actorUserId: z.string().optional(),
  actorLogin: z.string().optional(),
  via: z.string().optional(),
  targetType: z.string().optional(),
  targetId: z.string().optional(),
  summary: z.string(),
  outcome: z.enum(['success', 'failure']),
  ip: z.string().optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const listAuditEventsQuerySchema = paginationQuerySchema.extend({
  action: z.string().max(80).optional(),
  actorUserId: objectIdSchema.optional(),
  targetType: z.string().max(40).optional(),
  targetId: z.string().max(80).optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
});
export type ListAuditEventsQuery = z.output<typeof listAuditEventsQuerySchema>;
export type ListAuditEventsQueryInput = z.input<typeof listAuditEventsQuerySchema>;
