import type { MailSummary } from '@inbox-crm/shared/mail';
import type { Me } from '@inbox-crm/shared/schemas';
import { useEffect, useState } from 'preact/hooks';
import type { AccountManager } from '../auth/account-manager';
import type { MailSelection, OutlookMailSource } from '../host/mail-selection';
import type { HostCapabilities } from '../host/requirement-sets';
import type { CrmGateway } from './crm-gateway';
import type { Translate } from './i18n';
import { openInBrowser } from '../host/open-in-browser';
import { Message, OpenLinkContext, Spinner, errorText } from './ui';
import { MailView } from './views/mail-view';
import { MultiMailView } from './views/multi-mail-view';
import { SettingsView } from './views/settings-view';
import { SignInView } from './views/sign-in-view';

export interface AppProps {
  t: Translate;
  capabilities: HostCapabilities;
  /** Resolves once the server said which sign-in methods it offers. */
  accounts: Promise<AccountManager>;
  gateway: CrmGateway;
  /** Current selection and its changes (pinned pane follows the selected mail). */
  subscribeSelection: (
    listener: (selection: MailSelection) => void,
    onError: (error: unknown) => void,
  ) => void;
  sourceForCurrent: (selection: Extract<MailSelection, { kind: 'one' }>) => OutlookMailSource;
  /** Null when this Outlook cannot read selected mails that are not open (below Mailbox 1.15). */
  sourcesForMany: ((summaries: MailSummary[]) => OutlookMailSource[]) | null;
  /** Called once the first meaningful view (sign-in or the mail) is on screen. */
  onReady: (state: 'sign-in' | 'ready') => void;
}

type Phase =
  | { kind: 'checking' }
  | { kind: 'sign-in' }
  | { kind: 'ready'; me: Me }
  | { kind: 'error'; message: string };

export function App(props: AppProps) {
  const { t, gateway } = props;
  const [accounts, setAccounts] = useState<AccountManager | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  const [selection, setSelection] = useState<MailSelection | null>(null);
  const [source, setSource] = useState<OutlookMailSource | null>(null);
  const [showSettings, setShowSettings] = useState(false);
  const [selectionError, setSelectionError] = useState<string | null>(null);

  const loadMe = async () => setPhase({ kind: 'ready', me: await gateway.me() });

  const start = async () => {
    setPhase({ kind: 'checking' });
    const manager = await props.accounts;
    setAccounts(manager);
    try {
      if (await manager.restore()) await loadMe();
      else setPhase({ kind: 'sign-in' });
    } catch (error) {
      // A stored token the server refuses: ask again rather than show a dead end.
      const status = (error as { status?: number }).status;
      if (status === 401) {
        await manager.signOut();
        setPhase({ kind: 'sign-in' });
      } else {
        setPhase({ kind: 'error', message: errorText(error) });
      }
    }
  };

  useEffect(() => {
    void start();
    props.subscribeSelection(
      (next) => {
        setSelectionError(null);
        setSelection(next);
        setSource(next.kind === 'one' ? props.sourceForCurrent(next) : null);
      },
      (error) => setSelectionError(errorText(error)),
    );
  }, []);

  useEffect(() => {
    if (phase.kind === 'sign-in') props.onReady('sign-in');
    if (phase.kind === 'ready' && selection) props.onReady('ready');
  }, [phase.kind, selection !== null]);

  const state = phase.kind === 'ready' ? (selection ? 'ready' : 'loading') : phase.kind;

  const openLink = (url: string) => openInBrowser(url, props.capabilities.openBrowserWindow);

  return (
    <OpenLinkContext.Provider value={openLink}>
      <div class="stack" data-app-state={state}>
        <header class="header">
          <h1>{t('appTitle')}</h1>
          {phase.kind === 'ready' && !showSettings && (
            <button type="button" onClick={() => setShowSettings(true)}>
              {t('settings')}
            </button>
          )}
        </header>
        {phase.kind === 'checking' && <Spinner label={t('loading')} />}
        {phase.kind === 'error' && (
          <Message tone="error">
            {t('errorGeneric', { message: phase.message })}{' '}
            <button type="button" class="link" onClick={() => void start()}>
              {t('retry')}
            </button>
          </Message>
        )}
        {phase.kind === 'sign-in' && accounts && (
          <SignInView t={t} accounts={accounts} verify={loadMe} onSignedIn={() => undefined} />
        )}
        {phase.kind === 'ready' && showSettings && (
          <SettingsView
            t={t}
            gateway={gateway}
            me={phase.me}
            capabilities={props.capabilities}
            getMicrosoftToken={async () => {
              if (!accounts) throw new Error('Not signed in');
              return accounts.acquireMicrosoftToken();
            }}
            onClose={() => setShowSettings(false)}
            onSignOut={async () => {
              await accounts?.signOut();
              setShowSettings(false);
              setPhase({ kind: 'sign-in' });
            }}
          />
        )}
        {selectionError && (
          <Message tone="error">{t('errorGeneric', { message: selectionError })}</Message>
        )}
        {phase.kind === 'ready' && !showSettings && (
          <>
            {!selection && <Spinner label={t('loading')} />}
            {selection?.kind === 'none' && <p class="muted">{t('selectMail')}</p>}
            {selection?.kind === 'one' && source && (
              <MailView key={source.summary.hostId} t={t} gateway={gateway} source={source} />
            )}
            {selection?.kind === 'many' && (
              <MultiMailView
                key={selection.summaries.map((summary) => summary.hostId).join(',')}
                t={t}
                gateway={gateway}
                summaries={selection.summaries}
                createSources={
                  props.sourcesForMany ? () => props.sourcesForMany!(selection.summaries) : null
                }
              />
            )}
          </>
        )}
      </div>
    </OpenLinkContext.Provider>
  );
}
