import type { Me } from '@inbox-crm/shared/schemas';
import { useEffect, useState } from 'preact/hooks';
import { describeAuthError } from '../../auth/entra-errors';
import type { HostCapabilities } from '../../host/requirement-sets';
import type { CrmGateway, OutlookContactSyncStatus } from '../crm-gateway';
import type { MessageKey, Translate } from '../i18n';
import { Message, Spinner, errorText } from '../ui';

const capabilityRows: [keyof HostCapabilities, MessageKey][] = [
  ['multiSelect', 'capabilityMultiSelect'],
  ['emlFile', 'capabilityEml'],
  ['attachmentContent', 'capabilityAttachments'],
  ['nestedAppAuth', 'capabilityNaa'],
];

type SyncState =
  | { kind: 'loading' }
  | { kind: 'unavailable' }
  | { kind: 'loaded'; status: OutlookContactSyncStatus }
  | { kind: 'failed'; message: string };

type Busy = 'enable' | 'disable' | 'run' | null;

/** What the server's refusal means for the user (`details.reason` of the sync routes). */
function syncFailureText(t: Translate, error: unknown): { text: string; code: string | null } {
  const record = error as { status?: unknown; details?: { reason?: unknown } };
  if (typeof record?.status !== 'number') {
    // Not an API answer: the Microsoft sign-in itself failed (dialog, NAA, Entra's AADSTS codes).
    const failure = describeAuthError(error);
    if ((error as { errorCode?: unknown })?.errorCode === 'microsoft_unavailable')
      return { text: t('contactSyncNeedsMicrosoft'), code: null };
    return { text: t(failure.key), code: failure.code };
  }
  const reason = record.details?.reason;
  if (reason === 'consent_required') return { text: t('contactSyncConsentRefused'), code: null };
  if (reason === 'sync_running') return { text: t('contactSyncBusyElsewhere'), code: null };
  if (reason === 'other_microsoft_account')
    return { text: t('contactSyncOtherAccount'), code: null };
  if (reason === 'entra_not_configured') return { text: t('contactSyncUnavailable'), code: null };
  return { text: t('errorGeneric', { message: errorText(error) }), code: null };
}

/** Outlook contact sync: on/off with the user's Microsoft consent, status, last error, "Sync now". */
function ContactSyncSettings(props: {
  t: Translate;
  gateway: CrmGateway;
  getMicrosoftToken: () => Promise<string>;
}) {
  const { t, gateway } = props;
  const [sync, setSync] = useState<SyncState>({ kind: 'loading' });
  const [busy, setBusy] = useState<Busy>(null);
  const [notice, setNotice] = useState<{
    tone: 'success' | 'error';
    text: string;
    code: string | null;
  } | null>(null);

  const show = (status: OutlookContactSyncStatus | null) =>
    setSync(status ? { kind: 'loaded', status } : { kind: 'unavailable' });

  useEffect(() => {
    gateway
      .outlookContactSyncStatus()
      .then(show, (error: unknown) => setSync({ kind: 'failed', message: errorText(error) }));
  }, [gateway]);

  // A run started elsewhere (background pass, another device): look again until it is over.
  const runningElsewhere = sync.kind === 'loaded' && sync.status.running && busy === null;
  useEffect(() => {
    if (!runningElsewhere) return undefined;
    const timer = setTimeout(() => {
      gateway
        .outlookContactSyncStatus()
        .then(show, (error: unknown) =>
          setNotice({ tone: 'error', text: errorText(error), code: null }),
        );
    }, 3000);
    return () => clearTimeout(timer);
  }, [gateway, sync, runningElsewhere]);

  const act = async (kind: Exclude<Busy, null>, work: () => Promise<void>) => {
    setBusy(kind);
    setNotice(null);
    try {
      await work();
    } catch (error) {
      setNotice({ tone: 'error', ...syncFailureText(t, error) });
      // The server may have recorded the failure (last error): show it. If even the status cannot
      // be read, the notice above already says what went wrong.
      await gateway.outlookContactSyncStatus().then(show, () => undefined);
    } finally {
      setBusy(null);
    }
  };

  const enable = () =>
    act('enable', async () => {
      const token = await props.getMicrosoftToken();
      show(await gateway.enableOutlookContactSync(token));
      // The first sync right away: the user wants to see the contacts, not a timer.
      show(await gateway.runOutlookContactSync());
    });
  const runNow = () =>
    act('run', async () => {
      show(await gateway.runOutlookContactSync());
    });
  const disable = () =>
    act('disable', async () => {
      const status = await gateway.disableOutlookContactSync();
      show(status);
      setNotice({
        tone: 'success',
        text: t('contactSyncTurnedOff', { folder: status?.folderName ?? 'CRM' }),
        code: null,
      });
    });

  let summary = t('loading');
  if (sync.kind === 'failed') summary = t('contactSyncError', { message: sync.message });
  else if (sync.kind === 'unavailable') summary = t('contactSyncUnavailable');
  else if (sync.kind === 'loaded' && !sync.status.enabled) summary = t('contactSyncOff');
  else if (sync.kind === 'loaded' && sync.status.lastError)
    summary = t('contactSyncError', { message: sync.status.lastError });
  else if (sync.kind === 'loaded' && sync.status.lastSyncAt)
    summary = t('contactSyncOn', { when: new Date(sync.status.lastSyncAt).toLocaleString() });
  else if (sync.kind === 'loaded') summary = t('contactSyncNever');

  const status = sync.kind === 'loaded' ? sync.status : null;
  return (
    <section aria-labelledby="contact-sync-heading" class="stack" data-contact-sync={sync.kind}>
      <h3 id="contact-sync-heading">{t('contactSync')}</h3>
      <p role="status" aria-live="polite">
        {summary}
      </p>
      {status && !status.enabled && (
        <p class="muted">{t('contactSyncExplain', { folder: status.folderName })}</p>
      )}
      {status?.enabled && (
        <dl class="pairs">
          {status.microsoftAccount && (
            <>
              <dt>{t('contactSyncMailbox')}</dt>
              <dd>{status.microsoftAccount}</dd>
            </>
          )}
          <dt>{t('contactSyncLastSync')}</dt>
          <dd>{status.lastSyncAt ? new Date(status.lastSyncAt).toLocaleString() : t('never')}</dd>
          <dt>{t('contactSyncContacts', { folder: status.folderName })}</dt>
          <dd>{status.contactCount}</dd>
          {status.lastError && (
            <>
              <dt>{t('contactSyncLastError')}</dt>
              <dd>{status.lastError}</dd>
            </>
          )}
        </dl>
      )}
      {status && (
        <div class="actions">
          {!status.enabled ? (
            <button type="button" class="primary" onClick={enable} disabled={busy !== null}>
              {t('contactSyncTurnOn')}
            </button>
          ) : (
            <>
              <button
                type="button"
                class="primary"
                onClick={runNow}
                disabled={busy !== null || status.running}
              >
                {t('contactSyncRunNow')}
              </button>
              <button type="button" onClick={disable} disabled={busy !== null}>
                {t('contactSyncTurnOff')}
              </button>
            </>
          )}
        </div>
      )}
      {(busy !== null || status?.running) && (
        <Spinner
          label={busy === 'run' || status?.running ? t('contactSyncRunning') : t('working')}
        />
      )}
      {notice && (
        <Message tone={notice.tone}>
          {notice.text}
          {notice.code && <div class="muted">{t('errorCode', { code: notice.code })}</div>}
        </Message>
      )}
    </section>
  );
}

export function SettingsView(props: {
  t: Translate;
  gateway: CrmGateway;
  me: Me;
  capabilities: HostCapabilities;
  /** A Microsoft access token for the CRM API (sign-in path of the pane; may show a dialog). */
  getMicrosoftToken: () => Promise<string>;
  onSignOut: () => void;
  onClose: () => void;
}) {
  const { t } = props;
  return (
    <section class="card" aria-labelledby="settings-heading">
      <div class="header">
        <h2 id="settings-heading">{t('settings')}</h2>
        <button type="button" onClick={props.onClose}>
          {t('close')}
        </button>
      </div>
      <p>{t('signedInAs', { name: props.me.name })}</p>
      <ContactSyncSettings
        t={t}
        gateway={props.gateway}
        getMicrosoftToken={props.getMicrosoftToken}
      />
      <h3>{t('capabilities')}</h3>
      <dl class="pairs">
        {capabilityRows.map(([capability, label]) => (
          <>
            <dt>{t(label)}</dt>
            <dd>{props.capabilities[capability] ? t('supported') : t('unsupported')}</dd>
          </>
        ))}
      </dl>
      <div class="actions">
        <button type="button" onClick={props.onSignOut}>
          {t('signOut')}
        </button>
      </div>
    </section>
  );
}
