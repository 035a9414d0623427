import { outlookSyncConsentBodySchema, outlookSyncStatusSchema } from '@inbox-crm/shared/schemas';
import mongoose from 'mongoose';
import type { AppDependencies, AppModule } from '../app-module';
import { entraSettingsFrom } from '../auth/entra-settings';
import {
  OutlookContactSyncService,
  type OutlookContactSyncOptions,
} from './graph-contact-sync.service';
import { MsalGraphTokenSource } from './graph-token-source';

const tag = 'Outlook contact sync';

/** Tests may pass the fake Graph's URL; otherwise GRAPH_BASE_URL and the Entra configuration. */
export type GraphContactSyncModuleOptions = Partial<Omit<OutlookContactSyncOptions, 'logger'>>;

/** How often enabled accounts sync in the background (the task pane can also run one now). */
export const outlookSyncIntervalMs = 15 * 60_000;

export function createGraphContactSyncModule(
  overrides: GraphContactSyncModuleOptions = {},
): AppModule {
  // One service per app (its configuration): the module object is shared by every createApp.
  const services = new WeakMap<AppDependencies['config'], OutlookContactSyncService>();
  const serviceFor = ({ config, logger }: AppDependencies): OutlookContactSyncService => {
    const existing = services.get(config);
    if (existing) return existing;
    const entra = entraSettingsFrom(config);
    const tokenSource =
      'tokenSource' in overrides
        ? overrides.tokenSource
        : entra?.clientSecret
          ? new MsalGraphTokenSource(entra)
          : undefined;
    const service = new OutlookContactSyncService({
      ...overrides,
      graphBaseUrl: overrides.graphBaseUrl ?? config.GRAPH_BASE_URL,
      tokenSource,
      logger,
    });
    services.set(config, service);
    return service;
  };
  return {
    name: 'graph-contact-sync',
    install(_app, dependencies) {
      if (dependencies.config.NODE_ENV === 'test') return;
      const { logger } = dependencies;
      const background = serviceFor(dependencies);
      const timer = setInterval(() => {
        if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return;
        background.runDue(outlookSyncIntervalMs).then(
          ({ ran, failed }) => {
            if (ran > 0) logger.info({ ran, failed }, 'outlook contact sync pass');
          },
          (error: unknown) => logger.error({ err: error }, 'outlook contact sync pass failed'),
        );
      }, 60_000);
      timer.unref();
    },
    registerRoutes(router, dependencies) {
      const service = serviceFor(dependencies);
      const statusResponse = { description: 'Sync status', schema: outlookSyncStatusSchema };
      const errors = {
        409: { description: 'Not enabled, or consent needed again (`details.reason`)' },
        503: { description: 'Microsoft Entra ID not configured, or Entra/Graph unreachable' },
      };
      router.add(
        {
          method: 'get',
          path: '/outlook-sync/status',
          summary: 'My Outlook contact sync: enabled, last sync, last error, counts',
          tag,
          responses: { 200: statusResponse },
        },
        ({ actor }) => service.status(actor),
      );
      router.add(
        {
          method: 'post',
          path: '/outlook-sync/consent',
          summary: 'Enable syncing my CRM contacts with a "CRM" contact folder in my mailbox',
          description:
            'Carries my Entra access token for this API; the server exchanges it On-Behalf-Of for Microsoft Graph Contacts.ReadWrite and creates the folder when missing.',
          tag,
          body: outlookSyncConsentBodySchema,
          responses: {
            200: statusResponse,
            403: { description: 'The token is of another Microsoft account than the user’s own' },
            ...errors,
          },
        },
        ({ actor, body }) => service.consent(actor, body.accessToken),
      );
      router.add(
        {
          method: 'delete',
          path: '/outlook-sync/consent',
          summary: 'Disable my Outlook contact sync (the folder and its contacts stay in Outlook)',
          tag,
          responses: { 200: statusResponse },
        },
        ({ actor }) => service.disable(actor),
      );
      router.add(
        {
          method: 'post',
          path: '/outlook-sync/run',
          summary: 'Sync my Outlook contact folder with the CRM now',
          description:
            'Two-way, with the same merge and conflict rule as the add-ins’ sync. A run already in progress is joined.',
          tag,
          responses: { 200: statusResponse, ...errors },
        },
        ({ actor }) => service.run(actor),
      );
    },
  };
}

export const graphContactSyncModule = createGraphContactSyncModule();
