/** The part of Microsoft Graph's `contact` resource this sync reads and writes (outlook.md §6). */
export interface GraphEmailAddress {
  name?: string | null;
  address?: string | null;
}

export interface GraphPhysicalAddress {
  street?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  countryOrRegion?: string | null;
}

export interface GraphExtendedProperty {
  id: string;
  value: string;
}

export interface GraphContact {
  id: string;
  changeKey?: string;
  parentFolderId?: string;
  lastModifiedDateTime?: string;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  companyName?: string | null;
  jobTitle?: string | null;
  emailAddresses?: GraphEmailAddress[];
  businessPhones?: string[];
  mobilePhone?: string | null;
  businessAddress?: GraphPhysicalAddress | null;
  businessHomePage?: string | null;
  personalNotes?: string | null;
  singleValueExtendedProperties?: GraphExtendedProperty[];
}

/** What a client sends on POST/PATCH (no server-owned fields). */
export type GraphContactWrite = Omit<
  GraphContact,
  'id' | 'changeKey' | 'parentFolderId' | 'lastModifiedDateTime'
>;

/** One entry of a delta page: a contact as it is now, or its removal. */
export type GraphDeltaEntry =
  | (GraphContact & { '@removed'?: undefined })
  | { id: string; '@removed': { reason: 'changed' | 'deleted' } };

export interface GraphContactFolder {
  id: string;
  displayName: string;
  parentFolderId?: string;
}

/** Graph's limits on multi-value properties (a further entry gives 400). */
export const graphMaxEmailAddresses = 3;
export const graphMaxBusinessPhones = 2;

/** Our single-value extended property holding the CRM id (our own namespace GUID). */
export const crmIdPropertyId = 'String {6f0c4b8e-3d7a-4c1e-9b55-1c9e2b7d4a10} Name inboxCrmId';
