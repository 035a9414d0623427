import { ApiError } from '@inbox-crm/shared/api';
import {
  type MailActionResult,
  type MailActionsDependencies,
  addSenderAsContact,
  createOpportunitiesFromMails,
  logMailsToRecord,
  prepareMail,
  toOpportunityDraftBody,
} from '@inbox-crm/shared/mail';
import type { OfflineQueue } from '@inbox-crm/shared/offline';
import {
  authMethodsSchema,
  contactSyncSettingsSchema,
  type MailRecordRef,
} from '@inbox-crm/shared/schemas';
import type { KeyValueStore } from '../host/extension-storage';
import { readThreadHeaders, toMailSource } from '../host/mail-source';
import type { ThunderbirdBrowser } from '../host/thunderbird-api';
import { BulkJobs } from './bulk-jobs';
import { type CrmConnection, NotConfiguredError } from './crm-connection';
import { type EntraClientConfig, EntraSignInError, signInWithEntra } from './entra-sign-in';
import { listDeviceConflicts } from './contact-conflicts';
import { loadDraftChoices } from './draft-choices';
import type { CrmApi } from './lazy-api';
import type {
  ActionOutcome,
  BackgroundRequest,
  BackgroundResponses,
  ConnectionCheck,
  DraftChoices,
  PopupData,
  QueueView,
  StatusView,
  SyncStatusView,
} from './protocol';
import { recordUrl } from './record-url';
import { parseServerUrl, ServerUrlError } from './server-url';
import { type ContactSyncScope, deviceId, loadSettings, updateSettings } from './settings';

// Everything the pages ask of the background, and the menu/badge behaviour, on top of the shared
// use cases. Host specifics stay in ../host; this file decides what the user sees.

export interface ContactSyncControl {
  status(): Promise<SyncStatusView>;
  runNow(): Promise<SyncStatusView>;
  settingsChanged(): Promise<void>;
  /** The number of open conflicts the options page last saw (the status line shows it). */
  noteConflicts(count: number): Promise<unknown>;
}

export interface ExtensionServiceDeps {
  browser: Pick<
    ThunderbirdBrowser,
    'messages' | 'messageDisplay' | 'messageDisplayAction' | 'identity' | 'windows'
  >;
  uiLanguage?: () => string;
  store: KeyValueStore;
  connection: CrmConnection;
  api: CrmApi;
  queue: OfflineQueue;
  sync: ContactSyncControl;
  fetch?: typeof fetch;
  /** The add-on's strings (i18n.getMessage); an empty answer falls back to the English text. */
  getMessage?: (key: string, substitutions?: string | string[]) => string;
}

const serverUrlMessages: Record<ServerUrlError['problem'], string> = {
  empty: 'Enter the address of your CRM server.',
  invalid: 'This is not a valid web address.',
  scheme: 'The address must start with https://.',
  insecure:
    'Use https:// — plain http is only accepted for a server on this computer (127.0.0.1 / localhost).',
  credentials: 'Do not put a user name or password in the address; sign in below instead.',
};

export function userMessageOf(error: unknown): string {
  if (error instanceof ApiError) return error.userMessage;
  if (error instanceof Error) return error.message;
  return String(error);
}

export class ExtensionService {
  readonly bulk: BulkJobs;
  private readonly mailDeps: MailActionsDependencies;

  constructor(private readonly deps: ExtensionServiceDeps) {
    this.mailDeps = { api: deps.api, offlineQueue: deps.queue, host: 'thunderbird' };
    this.bulk = new BulkJobs(deps.browser.messages, deps.store, {
      create: (sources, onResult) =>
        createOpportunitiesFromMails(sources, this.mailDeps, {
          onProgress: ({ current }) => current && onResult(current),
        }),
      log: (sources, target, onResult) =>
        logMailsToRecord(sources, asLogTarget(target), this.mailDeps, {
          onProgress: ({ current }) => current && onResult(current),
        }),
    });
  }

  /** A string of _locales in the UI language, the English text when it is missing. */
  private text(key: string, english: string, substitutions?: string | string[]): string {
    return this.deps.getMessage?.(key, substitutions) || english;
  }

  async handle<T extends BackgroundRequest>(request: T): Promise<BackgroundResponses[T['type']]> {
    return (await this.dispatch(request)) as BackgroundResponses[T['type']];
  }

  private async dispatch(
    request: BackgroundRequest,
  ): Promise<BackgroundResponses[BackgroundRequest['type']]> {
    switch (request.type) {
      case 'status':
        return this.status();
      case 'popup/load':
        return this.loadPopup(request.tabId);
      case 'popup/create-opportunity':
        return this.single(request.hostId, (source) =>
          createOpportunitiesFromMails([source], this.mailDeps, {
            editDraft: () => request.draft,
            logWhenThreadKnown: false,
          }),
        );
      case 'popup/log':
        return this.single(request.hostId, (source) =>
          logMailsToRecord([source], asLogTarget(request.target), this.mailDeps),
        );
      case 'popup/add-contact':
        return this.single(request.hostId, async (source) => [
          await addSenderAsContact(source, this.mailDeps),
        ]);
      case 'records/search':
        return this.search(request.query);
      case 'draft/choices':
        return this.draftChoices();
      case 'open-record':
        return this.openRecord(request.record);
      case 'bulk/get':
        return this.bulk.get(request.jobId);
      case 'bulk/log-to':
        return this.bulk.logTo(request.jobId, request.target);
      case 'options/save-server':
        return this.saveServer(request.serverUrl);
      case 'options/use-api-token':
        return this.useApiToken(request.token);
      case 'options/auth-methods':
        return this.authMethods();
      case 'options/sign-in-entra':
        return this.signInEntra();
      case 'options/sign-out':
        await updateSettings(this.deps.store, (settings) => ({ ...settings, signIn: undefined }));
        return this.status();
      case 'options/test-connection':
        return this.testConnection();
      case 'options/save-sync':
        return this.saveSync(request);
      case 'sync/run-now':
        return this.deps.sync.runNow();
      case 'conflicts/list':
        return this.conflicts();
      case 'conflicts/resolve':
        return this.resolveConflict(request.conflictId, request.resolution);
      case 'queue/retry':
        return this.retryQueue();
    }
  }

  async status(): Promise<StatusView> {
    const settings = await loadSettings(this.deps.store);
    const signIn = settings.signIn;
    return {
      configured: Boolean(settings.serverUrl && signIn),
      serverUrl: settings.serverUrl,
      signedInAs: signIn
        ? ((await this.deps.store.get<string>('signedInAs')) ??
          (signIn.kind === 'entra' ? signIn.account : undefined))
        : undefined,
      queue: await this.queueView(),
      sync: await this.deps.sync.status(),
    };
  }

  async queueView(): Promise<QueueView> {
    const actions = await this.deps.queue.list();
    return {
      pending: actions
        .filter((action) => action.state !== 'sent')
        .map((action) => ({
          id: action.id,
          label: action.label,
          attempts: action.attempts,
          lastError: action.error?.message,
        })),
    };
  }

  async flushQueue(): Promise<void> {
    if (!(await this.deps.connection.isConfigured())) return;
    await this.deps.queue.flush();
    await this.deps.queue.clearSent();
  }

  /** Which contacts sync is the server's setting (it filters the feed); timer and on/off are local. */
  private async saveSync(request: {
    enabled: boolean;
    intervalMinutes: number;
    scope: ContactSyncScope;
  }): Promise<StatusView> {
    const before = await loadSettings(this.deps.store);
    if (request.scope !== before.sync.scope && (await this.deps.connection.isConfigured())) {
      await this.deps.api.request({
        method: 'PUT',
        path: '/sync/contacts/settings',
        body: { scope: request.scope },
        response: contactSyncSettingsSchema,
        idempotent: true,
      });
    }
    await updateSettings(this.deps.store, (settings) => ({
      ...settings,
      sync: {
        enabled: request.enabled,
        intervalMinutes: request.intervalMinutes,
        scope: request.scope,
      },
    }));
    await this.deps.sync.settingsChanged();
    return this.status();
  }

  private async conflicts(): Promise<BackgroundResponses['conflicts/list']> {
    try {
      const conflicts = await listDeviceConflicts(this.deps.api, await deviceId(this.deps.store));
      await this.deps.sync.noteConflicts(conflicts.length);
      return { conflicts };
    } catch (error) {
      return { conflicts: [], error: userMessageOf(error) };
    }
  }

  /**
   * "Keep CRM value" / "Use mine". With "use mine" the CRM takes this device's value as a normal
   * edit; the sync that follows brings the address book in line with the CRM again.
   */
  private async resolveConflict(
    conflictId: string,
    resolution: 'keep-crm' | 'use-device',
  ): Promise<BackgroundResponses['conflicts/resolve']> {
    let outcome: { ok: boolean; message?: string };
    try {
      await this.deps.api.resolveContactConflict(conflictId, resolution);
      outcome = { ok: true };
      void this.deps.sync.runNow();
    } catch (error) {
      outcome =
        error instanceof ApiError && error.status === 409
          ? {
              ok: true,
              message: this.text('conflictAlreadyResolved', 'This conflict was already resolved.'),
            }
          : { ok: false, message: userMessageOf(error) };
    }
    const { conflicts, error } = await this.conflicts();
    return { ...outcome, message: outcome.message ?? error, conflicts };
  }

  private async retryQueue(): Promise<QueueView> {
    for (const action of await this.deps.queue.list())
      if (action.state === 'failed') await this.deps.queue.retry(action.id);
    await this.flushQueue();
    return this.queueView();
  }

  /** Badge "✓" on the message display button when this mail is already in the CRM. */
  async updateBadge(tabId: number, messageIds: number[]): Promise<void> {
    const action = this.deps.browser.messageDisplayAction;
    if (messageIds.length !== 1 || !(await this.deps.connection.isConfigured())) {
      await action.setBadgeText({ tabId, text: null });
      return;
    }
    const header = await this.deps.browser.messages.get(messageIds[0]!);
    const source = toMailSource(this.deps.browser.messages, header);
    if (!source.summary.from) return;
    try {
      const context = await this.deps.api.mailContext({
        from: source.summary.from.address,
        messageId: source.summary.messageId,
      });
      await this.showBadge(tabId, context.alreadyLoggedOn);
    } catch (error) {
      // The badge is a hint; the popup shows the error when the user opens it.
      if (!(error instanceof ApiError)) throw error;
      await action.setBadgeText({ tabId, text: null });
    }
  }

  private async showBadge(tabId: number, records: MailRecordRef[]): Promise<void> {
    const action = this.deps.browser.messageDisplayAction;
    await action.setBadgeText({ tabId, text: records.length > 0 ? '✓' : null });
    await action.setBadgeBackgroundColor({ tabId, color: '#1f9d55' });
    await action.setTitle({
      tabId,
      title:
        records.length > 0
          ? this.text(
              'badgeTitle',
              `In the CRM: ${records.map((record) => record.name ?? record.resId).join(', ')}`,
              records.map((record) => record.name ?? record.resId).join(', '),
            )
          : null,
    });
  }

  private async loadPopup(tabId: number): Promise<PopupData> {
    const status = await this.status();
    if (!status.configured) return { status };
    const displayed = await this.deps.browser.messageDisplay.getDisplayedMessages(tabId);
    const header = displayed.messages[0];
    if (!header) return { status };
    const thread = await readThreadHeaders(this.deps.browser.messages, header.id);
    const prepared = await prepareMail(
      toMailSource(this.deps.browser.messages, header, thread),
      this.mailDeps,
    );
    const from = prepared.mail.from;
    const data: PopupData = {
      status,
      mail: {
        hostId: header.id,
        subject: prepared.mail.subject,
        fromName: from?.name ?? '',
        fromAddress: from?.address ?? header.author,
        date: prepared.mail.date,
      },
      draft: toOpportunityDraftBody(prepared.draft),
    };
    if (!from?.address) return { ...data, contextError: 'This mail has no sender address.' };
    try {
      data.context = await this.deps.api.mailContext({
        from: from.address,
        to: prepared.descriptor.to?.map((entry) => entry.address),
        cc: prepared.descriptor.cc?.map((entry) => entry.address),
        messageId: prepared.mail.messageId,
        inReplyTo: prepared.mail.inReplyTo,
        references: prepared.mail.references.slice(-50),
      });
      // The popup reloads after each action: keep the button's ✓ in step with what it shows.
      await this.showBadge(tabId, data.context.alreadyLoggedOn);
    } catch (error) {
      data.contextError = userMessageOf(error);
    }
    return data;
  }

  private async single(
    hostId: number,
    run: (source: ReturnType<typeof toMailSource>) => Promise<MailActionResult[]>,
  ) {
    try {
      const header = await this.deps.browser.messages.get(hostId);
      const [result] = await run(toMailSource(this.deps.browser.messages, header));
      return outcomeOf(result);
    } catch (error) {
      return { kind: 'failed', message: userMessageOf(error) } satisfies ActionOutcome;
    }
  }

  private async search(query: string): Promise<BackgroundResponses['records/search']> {
    try {
      const [leads, partners] = await Promise.all([
        this.deps.api.searchLeads({ search: query, limit: 10 }),
        this.deps.api.searchPartners({ search: query, limit: 10 }),
      ]);
      const records: MailRecordRef[] = [
        ...leads.items.map((lead) => ({
          resModel: 'lead' as const,
          resId: lead.id,
          name: lead.name,
          type: lead.type,
        })),
        ...partners.items.map((partner) => ({
          resModel: 'partner' as const,
          resId: partner.id,
          name: partner.displayName,
        })),
      ];
      return { records };
    } catch (error) {
      return { records: [], error: userMessageOf(error) };
    }
  }

  private async draftChoices(): Promise<DraftChoices> {
    try {
      return await loadDraftChoices(this.deps.api, this.deps.uiLanguage?.() ?? 'en');
    } catch (error) {
      return { teams: [], sharedStages: [], tags: [], error: userMessageOf(error) };
    }
  }

  /** Opens the record's console page in the default browser — only ever under the configured server. */
  private async openRecord(record: MailRecordRef): Promise<BackgroundResponses['open-record']> {
    const { serverUrl } = await loadSettings(this.deps.store);
    const url = recordUrl(serverUrl, record);
    if (!url)
      return {
        ok: false,
        message: this.text('recordHasNoPage', 'This record has no page in the CRM console.'),
      };
    try {
      await this.deps.browser.windows.openDefaultBrowser(url);
      return { ok: true };
    } catch (error) {
      return { ok: false, message: userMessageOf(error) };
    }
  }

  private async saveServer(serverUrl: string): Promise<BackgroundResponses['options/save-server']> {
    try {
      const address = parseServerUrl(serverUrl);
      await updateSettings(this.deps.store, (settings) =>
        settings.serverUrl === address.baseUrl
          ? settings
          : { ...settings, serverUrl: address.baseUrl },
      );
      return { ok: true, message: address.baseUrl, originPattern: address.originPattern };
    } catch (error) {
      if (error instanceof ServerUrlError)
        return { ok: false, message: serverUrlMessages[error.problem] };
      throw error;
    }
  }

  private async useApiToken(token: string): Promise<ConnectionCheck> {
    if (!/^icrm_[0-9A-Za-z]{20,}$/.test(token)) {
      return {
        ok: false,
        message:
          'This is not a personal API token (they start with icrm_). Create one on the CRM console under your profile.',
      };
    }
    const signIn = { kind: 'api-token' as const, token };
    const check = await this.checkWith(signIn);
    if (check.ok) await updateSettings(this.deps.store, (settings) => ({ ...settings, signIn }));
    return check;
  }

  /** Microsoft sign-in as the CRM server publishes it: its app registration, authority and scope. */
  private async entraConfig(): Promise<EntraClientConfig | undefined> {
    const methods = await (
      await this.deps.connection.anonymousClient()
    ).request({ method: 'GET', path: '/auth/methods', response: authMethodsSchema });
    const app = methods.entra.publicClient;
    if (!app || app.scopes.length === 0) return undefined;
    return { authority: app.authority, clientId: app.clientId, scope: app.scopes.join(' ') };
  }

  private async authMethods(): Promise<BackgroundResponses['options/auth-methods']> {
    const redirectUri = this.deps.browser.identity.getRedirectURL();
    try {
      const config = await this.entraConfig();
      return {
        entra: config
          ? { available: true, authorityOrigin: `${new URL(config.authority).origin}/*` }
          : { available: false },
        redirectUri,
      };
    } catch (error) {
      return { entra: { available: false }, redirectUri, error: userMessageOf(error) };
    }
  }

  private async signInEntra(): Promise<ConnectionCheck> {
    try {
      const config = await this.entraConfig();
      if (!config)
        return {
          ok: false,
          message: this.text(
            'entraNotOffered',
            'This CRM server does not offer Microsoft sign-in. Paste a personal API token instead.',
          ),
        };
      const signIn = await signInWithEntra(this.deps.browser.identity, config, {
        interactive: true,
        fetch: this.deps.fetch,
      });
      const check = await this.checkWith(signIn);
      if (check.ok) await updateSettings(this.deps.store, (settings) => ({ ...settings, signIn }));
      return check;
    } catch (error) {
      if (error instanceof EntraSignInError) return { ok: false, message: error.message };
      return { ok: false, message: userMessageOf(error) };
    }
  }

  private async testConnection(): Promise<ConnectionCheck> {
    const settings = await loadSettings(this.deps.store);
    if (!settings.signIn) {
      return {
        ok: false,
        message: 'The server is saved. Now sign in with Microsoft or paste a personal API token.',
      };
    }
    return this.checkWith(settings.signIn);
  }

  private async checkWith(
    signIn: NonNullable<Awaited<ReturnType<typeof loadSettings>>['signIn']>,
  ): Promise<ConnectionCheck> {
    try {
      const me = await (await this.deps.connection.client({ signIn })).me();
      const who = me.email ? `${me.name} <${me.email}>` : me.name;
      await this.deps.store.set('signedInAs', who);
      void this.flushQueue().catch(() => undefined);
      return { ok: true, message: `Connected as ${who}.`, user: who };
    } catch (error) {
      if (error instanceof NotConfiguredError) return { ok: false, message: error.message };
      return { ok: false, message: userMessageOf(error) };
    }
  }
}

function asLogTarget(target: MailRecordRef): { resModel: 'lead' | 'partner'; resId: string } {
  if (target.resModel === 'quotation')
    throw new Error('Mails can be logged to opportunities, leads and contacts only.');
  return { resModel: target.resModel, resId: target.resId };
}

export function outcomeOf(result: MailActionResult | undefined): ActionOutcome {
  if (!result) return { kind: 'failed', message: 'Nothing was done.' };
  switch (result.status) {
    case 'created':
    case 'logged':
      return { kind: 'done', status: result.status, record: result.record! };
    case 'already-in-crm':
      return { kind: 'done', status: 'existing', record: result.record! };
    case 'queued-offline':
      return { kind: 'queued', message: result.reason ?? 'Queued until the CRM is reachable.' };
    case 'failed':
      return { kind: 'failed', message: result.reason ?? 'The action failed.' };
  }
}
