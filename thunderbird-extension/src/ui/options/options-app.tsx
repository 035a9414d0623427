import { useEffect, useState } from 'preact/hooks';
import type { ConnectionCheck, SendToBackground, StatusView } from '../../background/protocol';
import { syncIntervalChoices, type ContactSyncScope } from '../../background/settings';
import type { Translate } from '../i18n';
import { QueueNotice } from '../queue-notice';

// Options page: server, sign-in, connection test, sync settings and status. The host permission
// for the server's origin is requested here, inside the click handler (Thunderbird only allows it
// from a user gesture), before the background talks to the server.

export interface OptionsProps {
  send: SendToBackground;
  t: Translate;
  requestOrigin: (originPattern: string) => Promise<boolean>;
  initialSync: { enabled: boolean; intervalMinutes: number; scope: ContactSyncScope };
}

export function OptionsApp({ send, t, requestOrigin, initialSync }: OptionsProps) {
  const [status, setStatus] = useState<StatusView | undefined>();
  const [serverUrl, setServerUrl] = useState('');
  const [token, setToken] = useState('');
  const [entra, setEntra] = useState({ tenantId: '', clientId: '', scope: '' });
  const [check, setCheck] = useState<ConnectionCheck | undefined>();
  const [busy, setBusy] = useState(false);
  const [sync, setSync] = useState(initialSync);

  const refresh = () =>
    send({ type: 'status' }).then((next) => {
      setStatus(next);
      return next;
    });
  useEffect(() => {
    void refresh().then((next) => setServerUrl((current) => current || next.serverUrl || ''));
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, []);

  const attempt = async (action: () => Promise<ConnectionCheck>) => {
    setBusy(true);
    setCheck(undefined);
    try {
      setCheck(await action());
    } catch (error) {
      setCheck({ ok: false, message: (error as Error).message });
    } finally {
      setBusy(false);
      void refresh();
    }
  };

  /** Saves the server and asks for its host permission — must run inside the click handler. */
  const connectServer = async (): Promise<ConnectionCheck | undefined> => {
    const saved = await send({ type: 'options/save-server', serverUrl });
    if (!saved.ok || !saved.originPattern) return { ok: false, message: saved.message };
    const granted = await requestOrigin(saved.originPattern);
    if (!granted) return { ok: false, message: t('permissionDenied') };
    return undefined;
  };

  const testConnection = () =>
    attempt(async () => (await connectServer()) ?? send({ type: 'options/test-connection' }));
  const useToken = () =>
    attempt(
      async () =>
        (await connectServer()) ?? send({ type: 'options/use-api-token', token: token.trim() }),
    );
  const signInEntra = () =>
    attempt(
      async () => (await connectServer()) ?? send({ type: 'options/sign-in-entra', ...entra }),
    );

  return (
    <main>
      <h1>{t('optionsTitle')}</h1>
      <section>
        <h2>{t('serverSection')}</h2>
        <label>
          {t('serverUrl')}
          <input
            type="url"
            name="serverUrl"
            placeholder="https://crm.example.org"
            value={serverUrl}
            onInput={(event) => setServerUrl((event.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <p class="muted">{t('serverUrlHelp')}</p>
        <button type="button" id="test-connection" disabled={busy} onClick={testConnection}>
          {t('testConnection')}
        </button>
        {check && (
          <p
            class={check.ok ? 'ok' : 'error'}
            role={check.ok ? 'status' : 'alert'}
            data-testid="connection-result"
          >
            {check.message}
          </p>
        )}
      </section>

      <section>
        <h2>{t('signInSection')}</h2>
        <p data-testid="signed-in-as">
          {status?.signedInAs ? t('signedInAs', status.signedInAs) : t('notSignedIn')}
        </p>
        <label>
          {t('apiToken')}
          <input
            type="password"
            name="apiToken"
            autocomplete="off"
            value={token}
            onInput={(event) => setToken((event.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <button type="button" disabled={busy || !token.trim()} onClick={useToken}>
          {t('useApiToken')}
        </button>
        <details>
          <summary>{t('entraSection')}</summary>
          {(['tenantId', 'clientId', 'scope'] as const).map((name) => (
            <label key={name}>
              {t(`entra_${name}`)}
              <input
                type="text"
                name={name}
                value={entra[name]}
                onInput={(event) =>
                  setEntra({ ...entra, [name]: (event.currentTarget as HTMLInputElement).value })
                }
              />
            </label>
          ))}
          <button
            type="button"
            disabled={busy || !entra.tenantId || !entra.clientId || !entra.scope}
            onClick={signInEntra}
          >
            {t('signInEntra')}
          </button>
        </details>
        {status?.signedInAs && (
          <button type="button" onClick={() => send({ type: 'options/sign-out' }).then(setStatus)}>
            {t('signOut')}
          </button>
        )}
      </section>

      <section>
        <h2>{t('syncSection')}</h2>
        <label class="inline">
          <input
            type="checkbox"
            checked={sync.enabled}
            onChange={(event) =>
              setSync({ ...sync, enabled: (event.currentTarget as HTMLInputElement).checked })
            }
          />
          {t('syncEnabled')}
        </label>
        <label>
          {t('syncScope')}
          <select
            value={sync.scope}
            onChange={(event) =>
              setSync({
                ...sync,
                scope: (event.currentTarget as HTMLSelectElement).value as ContactSyncScope,
              })
            }
          >
            <option value="own">{t('syncScopeOwn')}</option>
            <option value="opportunities">{t('syncScopeOpportunities')}</option>
            <option value="team">{t('syncScopeTeam')}</option>
          </select>
        </label>
        <label>
          {t('syncInterval')}
          <select
            value={String(sync.intervalMinutes)}
            onChange={(event) =>
              setSync({
                ...sync,
                intervalMinutes: Number((event.currentTarget as HTMLSelectElement).value),
              })
            }
          >
            {syncIntervalChoices.map((minutes) => (
              <option key={minutes} value={String(minutes)}>
                {t('minutes', String(minutes))}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => send({ type: 'options/save-sync', ...sync }).then(setStatus)}
        >
          {t('save')}
        </button>
        <button
          type="button"
          disabled={!status?.configured}
          onClick={() => send({ type: 'sync/run-now' }).then(() => refresh())}
        >
          {t('syncNow')}
        </button>
        {status && <SyncStatusLine status={status} t={t} />}
      </section>
      {status && (
        <QueueNotice
          queue={status.queue}
          t={t}
          onRetry={() => send({ type: 'queue/retry' }).then(() => refresh())}
        />
      )}
    </main>
  );
}

export function SyncStatusLine({ status, t }: { status: StatusView; t: Translate }) {
  const sync = status.sync;
  return (
    <div class="sync-status" data-testid="sync-status">
      {sync.state === 'running' && (
        <p role="status">
          {sync.progress?.total
            ? t('syncProgress', [String(sync.progress.done), String(sync.progress.total)])
            : t('syncRunning')}
          {sync.progress?.total ? (
            <progress max={sync.progress.total} value={sync.progress.done} />
          ) : null}
        </p>
      )}
      {sync.state === 'off' && <p class="muted">{t('syncOff')}</p>}
      {sync.lastSyncAt && (
        <p class="muted">{t('lastSync', new Date(sync.lastSyncAt).toLocaleString())}</p>
      )}
      {sync.lastError && (
        <p class="error" role="alert">
          {t('lastError', sync.lastError)}
        </p>
      )}
      {sync.conflicts > 0 && <p class="warning">{t('syncConflicts', String(sync.conflicts))}</p>}
    </div>
  );
}
