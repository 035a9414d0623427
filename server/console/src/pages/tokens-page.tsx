import { useState } from 'preact/hooks';
import { z } from 'zod';
import {
  apiTokenListSchema,
  createApiTokenBodySchema,
  createdApiTokenSchema,
  type CreatedApiToken,
} from '@inbox-crm/shared/schemas';
import { useConsole, useTranslate } from '../context';
import { errorsFromApi, validateForm, type FieldErrors } from '../forms';
import { Button, FormStatus, Page, TextField, formatDateTime, useAsync } from '../ui';

export function TokensPage() {
  const { api, language } = useConsole();
  const t = useTranslate();
  const tokens = useAsync(
    () => api.client.request({ method: 'GET', path: '/me/tokens', response: apiTokenListSchema }),
    [api],
  );
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<CreatedApiToken | null>(null);

  const create = async (event: Event) => {
    event.preventDefault();
    const form = validateForm(createApiTokenBodySchema, { name });
    if (!form.ok) return setErrors(form.errors);
    try {
      setErrors({});
      setCreated(
        await api.client.request({
          method: 'POST',
          path: '/me/tokens',
          body: form.data,
          response: createdApiTokenSchema,
        }),
      );
      setName('');
      tokens.reload();
    } catch (error) {
      setErrors(errorsFromApi(error));
    }
  };

  const revoke = async (id: string) => {
    try {
      await api.client.request({
        method: 'DELETE',
        path: `/me/tokens/${id}`,
        response: z.undefined(),
      });
      if (created?.id === id) setCreated(null);
      tokens.reload();
    } catch (error) {
      setErrors(errorsFromApi(error));
    }
  };

  return (
    <Page title={t('tokens.title')}>
      <div class="two-columns">
        <div>
          <form class="card inline-form" onSubmit={create} noValidate>
            <TextField
              label={t('tokens.name')}
              name="name"
              value={name}
              onInput={setName}
              errors={errors}
            />
            <Button type="submit" variant="primary">
              {t('tokens.create')}
            </Button>
          </form>
          {created ? (
            <div class="card token-secret" role="alert">
              <p>{t('tokens.shownOnce')}</p>
              <code data-testid="new-token">{created.token}</code>
            </div>
          ) : null}
          <FormStatus errors={errors} />
          <FormStatus errors={tokens.error} />
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('common.name')}</th>
                <th scope="col">{t('tokens.created')}</th>
                <th scope="col">{t('tokens.lastUsed')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {(tokens.data?.items ?? []).map((token) => (
                <tr key={token.id}>
                  <td>
                    {token.name} <code>{token.prefix}…</code>
                  </td>
                  <td>{formatDateTime(token.createdAt, language)}</td>
                  <td>
                    {token.lastUsedAt
                      ? formatDateTime(token.lastUsedAt, language)
                      : t('tokens.never')}
                  </td>
                  <td>
                    <Button
                      variant="danger"
                      onClick={() => void revoke(token.id)}
                      aria-label={`${t('tokens.revoke')} ${token.name}`}
                    >
                      {t('tokens.revoke')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <aside class="card help">
          <h2>{t('tokens.thunderbirdTitle')}</h2>
          <p>{t('tokens.thunderbirdSteps')}</p>
          <p>
            <a href="/addins/thunderbird/inbox-crm.xpi">inbox-crm.xpi</a> ·{' '}
            <code>{window.location.origin}</code>
          </p>
        </aside>
      </div>
    </Page>
  );
}
