import { meSchema } from '../schemas/auth.schemas';
import {
  contactConflictPageSchema,
  contactConflictResolveResponseSchema,
  contactSyncFeedResponseSchema,
  contactSyncPushResponseSchema,
} from '../schemas/contact-sync.schemas';
import { leadListResponseSchema } from '../schemas/lead.schemas';
import {
  mailContactResponseSchema,
  mailContextResponseSchema,
  mailLogResponseSchema,
  mailToOpportunityBatchResponseSchema,
  mailToOpportunityResponseSchema,
} from '../schemas/mail.schemas';
import { partnerListResponseSchema } from '../schemas/partner.schemas';
import type { ApiOperation, ResponseValidator } from './api-client';

/**
 * The zod response schema of every API client method: `createApiClient({ responseSchemas:
 * apiResponseSchemas, … })` validates each answer against the schemas the server answers with.
 * Importing this brings zod into the bundle (~90 KB gzip).
 */
export const apiResponseSchemas: Record<ApiOperation, ResponseValidator> = {
  me: meSchema,
  mailContext: mailContextResponseSchema,
  createOpportunityFromMail: mailToOpportunityResponseSchema,
  createOpportunitiesFromMails: mailToOpportunityBatchResponseSchema,
  logMail: mailLogResponseSchema,
  createContactFromMail: mailContactResponseSchema,
  searchLeads: leadListResponseSchema,
  searchPartners: partnerListResponseSchema,
  pullContacts: contactSyncFeedResponseSchema,
  pushContacts: contactSyncPushResponseSchema,
  listContactConflicts: contactConflictPageSchema,
  resolveContactConflict: contactConflictResolveResponseSchema,
};
