import { z } from 'zod';
import {
  dateOnlySchema,
  listResponseSchema,
  moneySchema,
  objectIdSchema,
  paginationQuerySchema,
  queryBooleanSchema,
} from './common.schemas';
import { taxSchema } from './product.schemas';

/** `draft` Quotation, `sent` Quotation Sent, `sale` Sales Order, `cancel` Cancelled (Odoo keys). */
export const quotationStateSchema = z.enum(['draft', 'sent', 'sale', 'cancel']);
export type QuotationState = z.infer<typeof quotationStateSchema>;

export const quotationLineInputSchema = z
  .strictObject({
    /** `line_section` / `line_note`: a heading or a comment between lines, without amounts. */
    displayType: z.enum(['line_section', 'line_note']).nullable().optional(),
    productId: objectIdSchema.optional(),
    /** Description; default: the product's sales description, else its name. */
    name: z.string().trim().min(1, 'must not be empty').max(10_000).optional(),
    quantity: z.number().finite().positive('must be more than 0').max(1e9).optional(),
    uom: z.string().trim().max(50).optional(),
    /** Default: the product's list price. */
    priceUnit: moneySchema.optional(),
    discount: z
      .number()
      .finite()
      .min(0, 'must not be negative')
      .max(100, 'must be at most 100')
      .optional(),
    /** Default: the product's taxes. */
    taxes: z.array(taxSchema).max(10).optional(),
  })
  .superRefine((line, context) => {
    if (line.displayType) {
      if (!line.name)
        context.addIssue({
          code: 'custom',
          path: ['name'],
          message: 'is required for a section or note',
        });
      return;
    }
    if (!line.productId && !line.name) {
      context.addIssue({
        code: 'custom',
        path: ['name'],
        message: 'is required when no product is given',
      });
    }
    if (!line.productId && line.priceUnit === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['priceUnit'],
        message: 'is required when no product is given',
      });
    }
  });
export type QuotationLineInput = z.infer<typeof quotationLineInputSchema>;

const linesSchema = z.array(quotationLineInputSchema).max(500);

/**
 * `POST /leads/:id/quotations` ("New Quotation" on an opportunity). The opportunity's customer is
 * used; when it has none, give `partnerId` (an existing partner, linked to the opportunity) or
 * `customer: 'create'` (a partner made from the opportunity's contact data).
 */
export const createQuotationFromLeadBodySchema = z.strictObject({
  partnerId: objectIdSchema.optional(),
  customer: z.enum(['exist', 'create']).optional(),
  lines: linesSchema.optional(),
  validityDate: dateOnlySchema.optional(),
  clientOrderRef: z.string().trim().max(200).optional(),
  note: z.string().max(100_000).optional(),
});
export type CreateQuotationFromLeadBody = z.infer<typeof createQuotationFromLeadBodySchema>;

export const updateQuotationBodySchema = z
  .strictObject({
    /** Replaces every line (allowed while the quotation is draft or sent). */
    lines: linesSchema.optional(),
    state: quotationStateSchema.optional(),
    validityDate: dateOnlySchema.nullable().optional(),
    clientOrderRef: z.string().trim().max(200).optional(),
    note: z.string().max(100_000).optional(),
    partnerId: objectIdSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');
export type UpdateQuotationBody = z.infer<typeof updateQuotationBodySchema>;

export const listQuotationsQuerySchema = paginationQuerySchema.extend({
  opportunityId: objectIdSchema.optional(),
  partnerId: objectIdSchema.optional(),
  state: quotationStateSchema.optional(),
  /** Only the caller's own quotations (salesperson). */
  mine: queryBooleanSchema.optional(),
});
export type ListQuotationsQuery = z.infer<typeof listQuotationsQuerySchema>;

export const quotationLineSchema = z.object({
  sequence: z.number(),
  displayType: z.enum(['line_section', 'line_note']).optional(),
  productId: z.string().optional(),
  name: z.string(),
  quantity: z.number(),
  uom: z.string().optional(),
  priceUnit: z.number(),
  discount: z.number(),
  taxes: z.array(taxSchema),
  priceSubtotal: z.number(),
  priceTax: z.number(),
  priceTotal: z.number(),
});
export type QuotationLine = z.infer<typeof quotationLineSchema>;

export const quotationSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: quotationStateSchema,
  partnerId: z.string(),
  opportunityId: z.string().optional(),
  teamId: z.string().optional(),
  userId: z.string().optional(),
  dateOrder: z.string(),
  validityDate: z.string().optional(),
  origin: z.string().optional(),
  clientOrderRef: z.string().optional(),
  note: z.string().optional(),
  tagIds: z.array(z.string()),
  currency: z.string(),
  lines: z.array(quotationLineSchema),
  amountUntaxed: z.number(),
  amountTax: z.number(),
  amountTotal: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type QuotationDto = z.infer<typeof quotationSchema>;

export const quotationListResponseSchema = listResponseSchema(quotationSchema);
