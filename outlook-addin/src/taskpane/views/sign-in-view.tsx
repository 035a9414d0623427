import { useState } from 'preact/hooks';
import type { AccountManager } from '../../auth/account-manager';
import { apiTokenPattern } from '../../auth/api-token-store';
import { describeAuthError } from '../../auth/entra-errors';
import type { Translate } from '../i18n';
import { Message, Spinner } from '../ui';

/** Microsoft sign-in when this Outlook and the server allow it; the personal API token always. */
export function SignInView(props: {
  t: Translate;
  accounts: AccountManager;
  /** Checks the new credentials against the server (`GET /me`); throws when refused. */
  verify: () => Promise<void>;
  onSignedIn: () => void;
}) {
  const { t, accounts } = props;
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; code: string | null } | null>(null);

  const microsoft = async () => {
    setBusy(true);
    setError(null);
    try {
      await accounts.signInWithMicrosoft();
      await props.verify();
      props.onSignedIn();
    } catch (caught) {
      const failure = describeAuthError(caught);
      setError({ text: t(failure.key), code: failure.code });
    } finally {
      setBusy(false);
    }
  };

  const useToken = async (event: Event) => {
    event.preventDefault();
    setError(null);
    if (!apiTokenPattern.test(token.trim())) {
      setError({ text: t('apiTokenInvalid'), code: null });
      return;
    }
    setBusy(true);
    try {
      await accounts.signInWithApiToken(token);
      try {
        await props.verify();
      } catch (caught) {
        await accounts.signOut();
        throw caught;
      }
      props.onSignedIn();
    } catch {
      setError({ text: t('apiTokenRejected'), code: null });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="sign-in-heading">
      <h2 id="sign-in-heading">{t('signInTitle')}</h2>
      {accounts.microsoftSignIn ? (
        <button type="button" class="primary" onClick={microsoft} disabled={busy}>
          {t('signInMicrosoft')}
        </button>
      ) : (
        <p class="muted">{t('signInMicrosoftUnavailable')}</p>
      )}
      <p class="muted">{t('signInOr')}</p>
      <form onSubmit={useToken} class="stack">
        <label class="field">
          {t('apiTokenLabel')}
          <input
            type="password"
            autocomplete="off"
            spellcheck={false}
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
            aria-describedby="token-help"
          />
        </label>
        <p id="token-help" class="muted">
          {t('apiTokenHelp')}
        </p>
        <div class="actions">
          <button type="submit" disabled={busy}>
            {t('useApiToken')}
          </button>
        </div>
      </form>
      {busy && <Spinner label={t('working')} />}
      {error && (
        <Message tone="error">
          {error.text}
          {error.code && <div class="muted">{t('errorCode', { code: error.code })}</div>}
        </Message>
      )}
    </section>
  );
}
