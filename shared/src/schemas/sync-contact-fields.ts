/**
 * The contact fields two-way sync carries, named as on the CRM partner. A zod-free module so the
 * sync engine can use the list without pulling zod into the add-in bundles.
 */

/** Scalar fields. `null` = empty/cleared. */
export const syncContactScalarFields = [
  'name',
  'isCompany',
  'companyName',
  'jobPosition',
  'email',
  'phone',
  'mobile',
  'street',
  'street2',
  'zip',
  'city',
  'stateCode',
  'countryCode',
  'website',
  'lang',
  'notes',
] as const;
export type SyncContactScalarField = (typeof syncContactScalarFields)[number];

/** Set-valued fields: merged value by value (an address added on either side is kept). */
export const syncContactSetFields = ['emails'] as const;
export type SyncContactSetField = (typeof syncContactSetFields)[number];

/** Every synced field, scalar fields first. */
export const syncContactFields = [...syncContactScalarFields, ...syncContactSetFields] as const;
