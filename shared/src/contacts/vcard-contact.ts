/** A vCard property value with its type labels (`work`, `cell`, `pref` …) and vCard group. */
export interface TypedValue {
  value: string;
  /** Lower-cased TYPE values, `pref` removed (see `pref`). */
  types: string[];
  /** 1 = most preferred (4.0 `PREF=1`, 3.0 `TYPE=pref`). */
  pref?: number;
  /** `item1` of `item1.EMAIL` (labels such as `item1.X-ABLabel` stay attached). */
  group?: string;
  /** Parameters we do not interpret, kept for the round trip (`LABEL`, `SORT-AS` …). */
  params?: Record<string, string | string[]>;
}

export interface PostalAddress {
  poBox: string;
  extended: string;
  street: string;
  locality: string;
  region: string;
  postalCode: string;
  country: string;
  types: string[];
  pref?: number;
  group?: string;
  params?: Record<string, string | string[]>;
}

export interface StructuredName {
  family: string;
  given: string;
  additional: string;
  prefix: string;
  suffix: string;
  params?: Record<string, string | string[]>;
}

/**
 * One contact as read from a vCard, in a version-neutral model: everything the CRM maps, plus
 * every other property as its raw unfolded source line (`extraLines`), written back verbatim.
 */
export interface VCardContact {
  /** The version the card came in (2.1 cards are read through the 3.0 pre-pass). */
  sourceVersion: '2.1' | '3.0' | '4.0';
  uid?: string;
  formattedName: string;
  name?: StructuredName;
  kind?: string;
  organization?: { name: string; units: string[] };
  title?: string;
  role?: string;
  emails: TypedValue[];
  phones: TypedValue[];
  addresses: PostalAddress[];
  urls: TypedValue[];
  note?: string;
  categories: string[];
  birthday?: string;
  photo?: { mediaType: string; base64: string } | { uri: string };
  /** REV as received; written in the target version's format, never trusted for ordering. */
  revision?: string;
  /** `X-CRM-ID`: the CRM partner id this card is linked to. */
  crmId?: string;
  /** Unmapped properties exactly as received (group, name, parameters, raw value). */
  extraLines: string[];
}

export type VCardVersion = '3.0' | '4.0';
