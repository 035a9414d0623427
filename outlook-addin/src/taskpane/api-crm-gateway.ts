import { createApiClient, type ResponseValidator } from '@inbox-crm/shared/api';
import type { MailActionsDependencies } from '@inbox-crm/shared/mail';
import type { CrmGateway, OutlookContactSyncStatus } from './crm-gateway';

export interface ApiCrmGatewayOptions {
  /** The CRM server's origin; the pane is served by it, so this is the pane's own origin. */
  origin: string;
  getAccessToken: () => Promise<string>;
  fetch?: typeof fetch;
}

// The MIME parser and the draft builder are needed once the user acts on a mail, not for the
// first render: loaded then (outlook.md §8, 80 KB budget).
const loadMailActions = () => import('./mail-actions');

/**
 * `GET /outlook-sync/status` (schema: `outlookSyncStatusSchema` in shared) checked by hand: the
 * pane keeps zod out of its first load (80 KB budget).
 */
const outlookSyncStatusValidator: ResponseValidator = {
  safeParse(data: unknown) {
    const status = data as { available?: unknown; enabled?: unknown } | null;
    return status && typeof status.enabled === 'boolean' && typeof status.available === 'boolean'
      ? { success: true, data }
      : {
          success: false,
          error: { issues: [{ path: ['enabled'], message: 'expected a boolean' }] },
        };
  },
};

function toOutlookSyncStatus(answer: unknown): OutlookContactSyncStatus | null {
  const status = answer as {
    available: boolean;
    enabled: boolean;
    folderName?: string;
    microsoftAccount?: string | null;
    lastSuccessAt?: string | null;
    lastError?: { message?: string } | null;
    contactCount?: number;
    running?: boolean;
  };
  if (!status.available) return null;
  return {
    enabled: status.enabled,
    folderName: status.folderName ?? 'CRM',
    microsoftAccount: status.microsoftAccount ?? null,
    lastSyncAt: status.lastSuccessAt ?? null,
    lastError: status.lastError?.message ?? null,
    contactCount: status.contactCount ?? 0,
    running: status.running ?? false,
  };
}

/** Shared's API client and mail use cases, wired for Outlook. */
export function createApiCrmGateway(options: ApiCrmGatewayOptions): CrmGateway {
  const api = createApiClient({
    baseUrl: options.origin,
    getAccessToken: options.getAccessToken,
    fetch: options.fetch,
  });
  const deps: MailActionsDependencies = { api, host: 'outlook' };

  return {
    me: () => api.me(),

    mailContext: async (summary) => {
      if (!summary.from) throw new Error('This mail has no sender address');
      return api.mailContext({
        from: summary.from.address,
        to: summary.to?.map((entry) => entry.address),
        cc: summary.cc?.map((entry) => entry.address),
        messageId: summary.messageId,
        inReplyTo: summary.inReplyTo,
        references: summary.references,
      });
    },

    buildDraft: async (source) => {
      const { prepareMail, toOpportunityDraftBody } = await loadMailActions();
      const prepared = await prepareMail(source, deps);
      return {
        draft: toOpportunityDraftBody(prepared.draft),
        fromForwardedMail: prepared.draft.source !== prepared.mail,
      };
    },

    createOpportunity: async (source, draft) => {
      // The user chose "create" for this very mail: no silent redirect to the thread's record.
      const { createOpportunitiesFromMails } = await loadMailActions();
      const [result] = await createOpportunitiesFromMails([source], deps, {
        editDraft: () => draft,
        logWhenThreadKnown: false,
      });
      return result!;
    },

    logMail: async (source, target) => {
      const { logMailsToRecord } = await loadMailActions();
      const [result] = await logMailsToRecord([source], target, deps);
      return result!;
    },

    addSenderAsContact: async (source, { freeMail }) => {
      const { addSenderAsContact } = await loadMailActions();
      return addSenderAsContact(source, deps, freeMail ? { companyName: null } : {});
    },

    searchRecords: async (query) => {
      const [leads, partners] = await Promise.all([
        api.searchLeads({ search: query, limit: 10 }),
        api.searchPartners({ search: query, limit: 10 }),
      ]);
      return [
        ...leads.items.map((lead) => ({
          resModel: 'lead' as const,
          resId: lead.id,
          name: lead.name,
          detail: lead.partnerName || null,
        })),
        ...partners.items.map((partner) => ({
          resModel: 'partner' as const,
          resId: partner.id,
          name: partner.name,
          detail: partner.email || partner.companyName || null,
        })),
      ];
    },

    processMails: async (sources, action, onProgress) => {
      const { createOpportunitiesFromMails, logMailsToRecord } = await loadMailActions();
      return action.kind === 'create-opportunities'
        ? createOpportunitiesFromMails(sources, deps, { onProgress })
        : logMailsToRecord(sources, action.target, deps, { onProgress });
    },

    outlookContactSyncStatus: async () =>
      toOutlookSyncStatus(
        await api.request({
          method: 'GET',
          path: '/outlook-sync/status',
          response: outlookSyncStatusValidator,
        }),
      ),

    enableOutlookContactSync: async (entraAccessToken) =>
      toOutlookSyncStatus(
        await api.request({
          method: 'POST',
          path: '/outlook-sync/consent',
          body: { accessToken: entraAccessToken },
          response: outlookSyncStatusValidator,
        }),
      ),

    disableOutlookContactSync: async () =>
      toOutlookSyncStatus(
        await api.request({
          method: 'DELETE',
          path: '/outlook-sync/consent',
          response: outlookSyncStatusValidator,
          idempotent: true,
        }),
      ),

    runOutlookContactSync: async () =>
      toOutlookSyncStatus(
        await api.request({
          method: 'POST',
          path: '/outlook-sync/run',
          response: outlookSyncStatusValidator,
        }),
      ),

    recordUrl: (resModel, resId) =>
      new URL(
        `/${resModel === 'lead' ? 'leads' : resModel === 'partner' ? 'contacts' : `${resModel}s`}/${encodeURIComponent(resId)}`,
        options.origin,
      ).toString(),
  };
}
