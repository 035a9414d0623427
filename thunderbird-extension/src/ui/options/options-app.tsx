import { useEffect, useState } from 'preact/hooks';
import type {
  BackgroundResponses,
  ConflictView,
  ConnectionCheck,
  SendToBackground,
  StatusView,
} from '../../background/protocol';
import { parseServerUrl } from '../../background/server-url';
import { syncIntervalChoices, type ContactSyncScope } from '../../background/settings';
import type { Translate } from '../i18n';
import { QueueNotice } from '../queue-notice';

// Options page: server, sign-in, connection test, sync settings and status. The host permission
// for the server's origin is requested here, inside the click handler (Thunderbird only allows it
// from a user gesture), before the background talks to the server.

export interface OptionsProps {
  send: SendToBackground;
  t: Translate;
  /** permissions.request for these origins; must be called synchronously in the click handler. */
  requestOrigins: (originPatterns: string[]) => Promise<boolean>;
  initialSync: { enabled: boolean; intervalMinutes: number; scope: ContactSyncScope };
}

type AuthMethodsView = BackgroundResponses['options/auth-methods'];

export function OptionsApp({ send, t, requestOrigins, initialSync }: OptionsProps) {
  const [status, setStatus] = useState<StatusView | undefined>();
  const [serverUrl, setServerUrl] = useState('');
  const [token, setToken] = useState('');
  const [methods, setMethods] = useState<AuthMethodsView | undefined>();
  const [check, setCheck] = useState<ConnectionCheck | undefined>();
  const [busy, setBusy] = useState(false);
  const [sync, setSync] = useState(initialSync);

  const refresh = () =>
    send({ type: 'status' }).then((next) => {
      setStatus(next);
      return next;
    });
  const loadMethods = () =>
    send({ type: 'options/auth-methods' })
      .then(setMethods)
      .catch(() => undefined);
  useEffect(() => {
    void refresh().then((next) => {
      setServerUrl((current) => current || next.serverUrl || '');
      if (next.serverUrl) void loadMethods();
    });
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

  /**
   * Asks for the server's host permission (plus `extraOrigins`) and saves the server. The request
   * goes out first, synchronously inside the click handler: Thunderbird only shows the prompt for
   * a user gesture, and the gesture is gone after the first await.
   */
  const connectServer = async (
    extraOrigins: string[] = [],
  ): Promise<ConnectionCheck | undefined> => {
    let originPattern: string | undefined;
    try {
      originPattern = parseServerUrl(serverUrl).originPattern;
    } catch {
      // The background names the problem with the address below.
    }
    const granted = originPattern
      ? requestOrigins([originPattern, ...extraOrigins])
      : Promise.resolve(false);
    const saved = await send({ type: 'options/save-server', serverUrl });
    if (!saved.ok) return { ok: false, message: saved.message };
    if (!(await granted)) return { ok: false, message: t('permissionDenied') };
    return undefined;
  };

  const testConnection = () =>
    attempt(async () => {
      const failed = await connectServer();
      if (failed) return failed;
      void loadMethods();
      return send({ type: 'options/test-connection' });
    });
  const useToken = () =>
    attempt(
      async () =>
        (await connectServer()) ?? send({ type: 'options/use-api-token', token: token.trim() }),
    );
  const signInEntra = () =>
    attempt(
      async () =>
        (await connectServer(
          methods?.entra.authorityOrigin ? [methods.entra.authorityOrigin] : [],
        )) ?? send({ type: 'options/sign-in-entra' }),
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
        <button
          type="button"
          id="use-api-token"
          disabled={busy || !token.trim()}
          onClick={useToken}
        >
          {t('useApiToken')}
        </button>
        {methods?.entra.available !== false && (
          <div class="entra">
            <button type="button" id="sign-in-entra" disabled={busy} onClick={signInEntra}>
              {t('signInEntra')}
            </button>
            <p class="muted">{t('entraHelp')}</p>
            {methods?.redirectUri && (
              <p class="muted" data-testid="redirect-uri">
                {methods.redirectUri}
              </p>
            )}
          </div>
        )}
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
      {status?.configured && <ConflictList send={send} t={t} openCount={status.sync.conflicts} />}
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
            : sync.progress?.done
              ? // The change feed does not say how many contacts are left: count what arrived.
                t('syncProgressCount', String(sync.progress.done))
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

/**
 * Open sync conflicts of this address book: contact, field, the CRM's value and this device's, and
 * the two ways out. Reloaded when the sync reports a different number of conflicts.
 */
export function ConflictList({
  send,
  t,
  openCount,
}: {
  send: SendToBackground;
  t: Translate;
  openCount: number;
}) {
  const [conflicts, setConflicts] = useState<ConflictView[] | undefined>();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const load = () =>
    send({ type: 'conflicts/list' })
      .then((answer) => {
        setConflicts(answer.conflicts);
        if (answer.error) setMessage({ ok: false, text: t('conflictsFailed', answer.error) });
      })
      .catch((error: Error) =>
        setMessage({ ok: false, text: t('conflictsFailed', error.message) }),
      );
  useEffect(() => void load(), [openCount]);

  const resolve = async (conflict: ConflictView, resolution: 'keep-crm' | 'use-device') => {
    setBusy(conflict.id);
    setMessage(undefined);
    try {
      const answer = await send({ type: 'conflicts/resolve', conflictId: conflict.id, resolution });
      setConflicts(answer.conflicts);
      setMessage(
        answer.ok
          ? { ok: true, text: answer.message ?? t('conflictResolved', conflict.contactName) }
          : { ok: false, text: answer.message ?? '' },
      );
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(undefined);
    }
  };
  const value = (text: string | null, deleted: boolean) =>
    text ?? (deleted ? t('conflictDeleted') : t('conflictEmpty'));

  return (
    <section data-testid="conflicts">
      <h2>{t('conflictsTitle')}</h2>
      {message && (
        <p class={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {conflicts && conflicts.length === 0 && <p class="muted">{t('conflictsNone')}</p>}
      {conflicts && conflicts.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('conflictContact')}</th>
              <th>{t('conflictField')}</th>
              <th>{t('conflictCrmValue')}</th>
              <th>{t('conflictDeviceValue')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {conflicts.map((conflict) => (
              <tr key={conflict.id} data-conflict={conflict.id}>
                <td>{conflict.contactName}</td>
                <td>{conflict.field}</td>
                <td data-side="crm">
                  {value(conflict.crmValue, conflict.kind === 'edit-vs-delete')}
                </td>
                <td data-side="device">
                  {value(conflict.deviceValue, conflict.kind === 'delete-vs-edit')}
                </td>
                <td>
                  <button
                    type="button"
                    data-resolve="keep-crm"
                    disabled={!conflict.canResolve || busy !== undefined}
                    onClick={() => resolve(conflict, 'keep-crm')}
                  >
                    {t('keepCrmValue')}
                  </button>
                  <button
                    type="button"
                    data-resolve="use-device"
                    disabled={!conflict.canResolve || busy !== undefined}
                    onClick={() => resolve(conflict, 'use-device')}
                  >
                    {t('useMine')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" onClick={() => void load()}>
        {t('refresh')}
      </button>
    </section>
  );
}
