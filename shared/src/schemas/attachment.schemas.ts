import { z } from 'zod';
import { resModelSchema } from './message.schemas';

/** Attachment metadata; the content streams from `GET /attachments/:id/content`. */
export const attachmentSchema = z.object({
  id: z.string(),
  resModel: resModelSchema,
  resId: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  /** SHA-256 of the content, lowercase hex. */
  checksum: z.string(),
  contentId: z.string().optional(),
  createdAt: z.string(),
});
export type AttachmentDto = z.infer<typeof attachmentSchema>;

export const attachmentListResponseSchema = z.object({ items: z.array(attachmentSchema) });
