import { z } from 'zod';
import {
  listResponseSchema,
  moneySchema,
  paginationQuerySchema,
  queryBooleanSchema,
} from './common.schemas';

/** Taxes-lite: a named percentage added on top of the price (price-exclusive). */
export const taxSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100),
  rate: z.number().finite().min(0, 'must not be negative').max(100, 'must be at most 100'),
});
export type Tax = z.infer<typeof taxSchema>;

export const productTypeSchema = z.enum(['consu', 'service']);

const productFields = {
  name: z.string().trim().min(1, 'is required').max(300),
  /** Internal reference (Odoo `default_code`). */
  defaultCode: z.string().trim().max(100).optional(),
  type: productTypeSchema.optional(),
  /** Sales price in major units, rounded to 2 decimals. */
  listPrice: moneySchema.optional(),
  uom: z.string().trim().max(50).optional(),
  taxes: z.array(taxSchema).max(10).optional(),
  descriptionSale: z.string().max(10_000).optional(),
  saleOk: z.boolean().optional(),
  active: z.boolean().optional(),
  barcode: z.string().trim().max(100).optional(),
};

export const createProductBodySchema = z.strictObject(productFields);
export type CreateProductBody = z.infer<typeof createProductBodySchema>;

export const updateProductBodySchema = z
  .strictObject({ ...productFields, name: productFields.name.optional() })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');
export type UpdateProductBody = z.infer<typeof updateProductBodySchema>;

export const listProductsQuerySchema = paginationQuerySchema.extend({
  /** Name or internal reference starts with (case-insensitive). */
  search: z.string().trim().max(100).optional(),
  includeArchived: queryBooleanSchema.optional(),
});
export type ListProductsQuery = z.infer<typeof listProductsQuerySchema>;

export const productSchema = z.object({
  id: z.string(),
  name: z.string(),
  defaultCode: z.string().optional(),
  type: productTypeSchema,
  listPrice: z.number(),
  uom: z.string(),
  taxes: z.array(taxSchema),
  descriptionSale: z.string().optional(),
  saleOk: z.boolean(),
  active: z.boolean(),
  barcode: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProductDto = z.infer<typeof productSchema>;

export const productListResponseSchema = listResponseSchema(productSchema);
