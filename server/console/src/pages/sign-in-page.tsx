import { useEffect, useState } from 'preact/hooks';
import {
  authMethodsSchema,
  loginBodySchema,
  loginResponseSchema,
  type AuthMethods,
} from '@inbox-crm/shared/schemas';
import { ApiError } from '@inbox-crm/shared/api';
import { useConsole, useTranslate } from '../context';
import { errorsFromApi, validateForm, type FieldErrors } from '../forms';
import { navigate } from '../router';
import { Button, FormStatus, TextField } from '../ui';

export function SignInPage() {
  const { api, setMe } = useConsole();
  const t = useTranslate();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  // "Sign in with Microsoft" comes back to /?signInError=… when Entra or the server refused it.
  const [errors, setErrors] = useState<FieldErrors>((): FieldErrors => {
    const refused = new URLSearchParams(window.location.search).get('signInError');
    return refused ? { form: refused } : {};
  });
  const [busy, setBusy] = useState(false);
  const [methods, setMethods] = useState<AuthMethods | null>(null);

  useEffect(() => {
    api.client
      .request({ method: 'GET', path: '/auth/methods', response: authMethodsSchema })
      .then(setMethods, (error: unknown) => setErrors(errorsFromApi(error)));
  }, [api]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = validateForm(loginBodySchema, { login, password });
    if (!form.ok) {
      setErrors(form.errors);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      await api.refreshCsrfToken();
      const result = await api.client.request({
        method: 'POST',
        path: '/auth/login',
        body: form.data,
        response: loginResponseSchema,
      });
      api.setCsrfToken(result.csrfToken);
      setMe(result.user);
      // A link from an add-in ("Open in CRM") brought the user here: take them on to it.
      const { pathname, search } = window.location;
      navigate(pathname === '/' || pathname === '/sign-in' ? '/pipeline' : `${pathname}${search}`);
    } catch (error) {
      setErrors(
        error instanceof ApiError && error.code === 'unauthenticated'
          ? { form: t('signIn.failed') }
          : errorsFromApi(error),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="card sign-in-card" onSubmit={submit} noValidate aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        <TextField
          label={t('signIn.login')}
          name="login"
          value={login}
          onInput={setLogin}
          errors={errors}
          autoComplete="username"
          required
        />
        <TextField
          label={t('signIn.password')}
          name="password"
          type="password"
          value={password}
          onInput={setPassword}
          errors={errors}
          autoComplete="current-password"
          required
        />
        <FormStatus errors={errors} />
        <Button type="submit" variant="primary" disabled={busy}>
          {t('signIn.submit')}
        </Button>
        {methods?.entra.enabled && methods.entra.startUrl ? (
          <a class="button button-secondary" href={methods.entra.startUrl}>
            {t('signIn.microsoft')}
          </a>
        ) : null}
      </form>
    </main>
  );
}
