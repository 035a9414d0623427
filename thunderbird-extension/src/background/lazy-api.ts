import type { ApiClient } from '@inbox-crm/shared/api';
import type { CrmConnection } from './crm-connection';

// The API client as the shared use cases and the offline queue take it, resolved per call: the
// server URL and credential can change on the options page while the event page lives.

export type CrmApi = Pick<
  ApiClient,
  | 'me'
  | 'mailContext'
  | 'createOpportunityFromMail'
  | 'logMail'
  | 'createContactFromMail'
  | 'searchLeads'
  | 'searchPartners'
  | 'pullContacts'
  | 'pushContacts'
  | 'listContactConflicts'
  | 'resolveContactConflict'
  | 'request'
>;

export function createLazyApi(connection: CrmConnection): CrmApi {
  const client = () => connection.client();
  return {
    me: async (...args) => (await client()).me(...args),
    mailContext: async (...args) => (await client()).mailContext(...args),
    createOpportunityFromMail: async (...args) =>
      (await client()).createOpportunityFromMail(...args),
    logMail: async (...args) => (await client()).logMail(...args),
    createContactFromMail: async (...args) => (await client()).createContactFromMail(...args),
    searchLeads: async (...args) => (await client()).searchLeads(...args),
    searchPartners: async (...args) => (await client()).searchPartners(...args),
    pullContacts: async (...args) => (await client()).pullContacts(...args),
    pushContacts: async (...args) => (await client()).pushContacts(...args),
    listContactConflicts: async (...args) => (await client()).listContactConflicts(...args),
    resolveContactConflict: async (...args) => (await client()).resolveContactConflict(...args),
    request: async (spec) => (await client()).request(spec),
  };
}
