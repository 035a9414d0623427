import { z } from 'zod';
import {
  listResponseSchema,
  objectIdSchema,
  paginationQuerySchema,
  queryBooleanSchema,
} from './common.schemas';

/**
 * An e-mail as typed: `a@b.example` or `"Name" <a@b.example>`. The server stores it as given and
 * derives the normalized key itself.
 */
export const typedEmailSchema = z
  .string()
  .trim()
  .max(320, 'must be at most 320 characters')
  .refine(
    (value) => /^[^\s@<>",;]+@[^\s@<>",;]+$/.test(extractAddressPart(value)),
    'is not a valid e-mail address',
  );

function extractAddressPart(value: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(value);
  return (angle?.[1] ?? value).trim();
}

const shortText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const phoneSchema = shortText(64);
const countryCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as RO')
  .transform((value) => value.toUpperCase());
/** BCP-47 tags the product ships: `en`, `zh-CN`, `ro` (others accepted for address-book data). */
const languageSchema = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or zh-CN');

export const partnerAddressTypeSchema = z.enum(['contact', 'invoice', 'delivery', 'other']);
export const phoneKindSchema = z.enum(['work', 'mobile', 'home', 'fax', 'other']);

export const externalRefSchema = z.object({
  /** Who holds the other copy: `outlook` (Graph contact id), `thunderbird` (vCard UID), … */
  provider: z.string().trim().min(1).max(40),
  uid: z.string().trim().min(1).max(512),
  etag: z.string().max(512).nullable().optional(),
  syncedAt: z.iso.datetime().nullable().optional(),
});

const partnerFieldsShape = {
  name: shortText(200).min(1, 'must not be empty'),
  isCompany: z.boolean(),
  parentId: objectIdSchema.nullable(),
  companyName: shortText(200),
  addressType: partnerAddressTypeSchema,
  email: typedEmailSchema.or(z.literal('')),
  /** Extra addresses; the primary one is mirrored into `email`. */
  emails: z
    .array(z.strictObject({ email: typedEmailSchema, primary: z.boolean().default(false) }))
    .max(20),
  phone: phoneSchema,
  mobile: phoneSchema,
  phones: z
    .array(
      z.strictObject({
        number: phoneSchema.min(1, 'must not be empty'),
        kind: phoneKindSchema.default('work'),
        primary: z.boolean().default(false),
      }),
    )
    .max(20),
  street: shortText(200),
  street2: shortText(200),
  zip: shortText(20),
  city: shortText(100),
  stateCode: shortText(10),
  countryCode: countryCodeSchema.or(z.literal('')),
  jobPosition: shortText(200),
  website: shortText(500),
  tagIds: z.array(objectIdSchema).max(100),
  userId: objectIdSchema.nullable(),
  teamId: objectIdSchema.nullable(),
  lang: languageSchema.or(z.literal('')),
  notes: z.string().max(100_000),
  vat: shortText(50),
  ref: shortText(100),
  externalRefs: z.array(z.strictObject(externalRefSchema.shape)).max(20),
};

export const createPartnerBodySchema = z.strictObject({
  ...optionalShape(partnerFieldsShape, ['name', 'isCompany', 'addressType']),
  name: partnerFieldsShape.name,
  isCompany: partnerFieldsShape.isCompany.default(false),
  addressType: partnerFieldsShape.addressType.default('contact'),
});
export type CreatePartnerBody = z.input<typeof createPartnerBodySchema>;

export const updatePartnerBodySchema = z.strictObject(optionalShape(partnerFieldsShape, []));
export type UpdatePartnerBody = z.infer<typeof updatePartnerBodySchema>;

function optionalShape<Shape extends Record<string, z.ZodType>, Kept extends keyof Shape>(
  shape: Shape,
  kept: Kept[],
): { [Key in Exclude<keyof Shape, Kept>]: z.ZodOptional<Shape[Key]> } {
  const result: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(shape)) {
    if (!kept.includes(key as Kept)) result[key] = schema.optional();
  }
  return result as { [Key in Exclude<keyof Shape, Kept>]: z.ZodOptional<Shape[Key]> };
}

export const partnerSchema = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string(),
  isCompany: z.boolean(),
  parentId: z.string().nullable(),
  commercialPartnerId: z.string(),
  companyName: z.string(),
  addressType: partnerAddressTypeSchema,
  email: z.string(),
  emailNormalized: z.string().nullable(),
  emails: z.array(z.object({ email: z.string(), normalized: z.string(), primary: z.boolean() })),
  phone: z.string(),
  mobile: z.string(),
  phoneSanitized: z.string().nullable(),
  phones: z.array(
    z.object({
      number: z.string(),
      sanitized: z.string().nullable(),
      kind: phoneKindSchema,
      primary: z.boolean(),
    }),
  ),
  street: z.string(),
  street2: z.string(),
  zip: z.string(),
  city: z.string(),
  stateCode: z.string(),
  countryCode: z.string(),
  jobPosition: z.string(),
  website: z.string(),
  tagIds: z.array(z.string()),
  userId: z.string().nullable(),
  teamId: z.string().nullable(),
  active: z.boolean(),
  lang: z.string(),
  notes: z.string(),
  vat: z.string(),
  ref: z.string(),
  externalRefs: z.array(
    z.object({
      provider: z.string(),
      uid: z.string(),
      etag: z.string().nullable(),
      syncedAt: z.string().nullable(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Partner = z.infer<typeof partnerSchema>;

export const listPartnersQuerySchema = paginationQuerySchema.extend({
  /** Prefix of the name (case- and accent-insensitive) or of the e-mail address. */
  search: z.string().trim().max(200).optional(),
  /** Exact address, compared after normalization (all addresses of the partner). */
  email: z.string().trim().max(320).optional(),
  isCompany: queryBooleanSchema.optional(),
  parentId: objectIdSchema.optional(),
  commercialPartnerId: objectIdSchema.optional(),
  tagId: objectIdSchema.optional(),
  userId: objectIdSchema.optional(),
  includeArchived: queryBooleanSchema.default(false),
  sort: z
    .enum(['name', '-name', 'createdAt', '-createdAt', 'updatedAt', '-updatedAt'])
    .default('name'),
});
export type ListPartnersQuery = z.infer<typeof listPartnersQuerySchema>;

export const partnerListResponseSchema = listResponseSchema(partnerSchema);
