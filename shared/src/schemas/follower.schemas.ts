import { z } from 'zod';
import { objectIdSchema } from './common.schemas';
import { resModelSchema } from './message.schemas';

/** `POST /leads/:id/followers`: follow the record yourself (empty body) or subscribe a partner. */
export const followBodySchema = z.strictObject({
  partnerId: objectIdSchema.optional(),
});
export type FollowBody = z.infer<typeof followBodySchema>;

export const followerParamsSchema = z.object({ id: objectIdSchema, partnerId: objectIdSchema });

/** Followers are partners (as in Odoo); `userId` is set when the partner stands for a user. */
export const followerSchema = z.object({
  id: z.string(),
  resModel: resModelSchema,
  resId: z.string(),
  partnerId: z.string(),
  userId: z.string().optional(),
  createdAt: z.string(),
});
export type FollowerDto = z.infer<typeof followerSchema>;

export const followerListResponseSchema = z.object({ items: z.array(followerSchema) });
