import { useState } from 'preact/hooks';
import { createTeamBodySchema, teamSchema } from '@inbox-crm/shared/schemas';
import { useConsole, useTranslate } from '../context';
import { errorsFromApi, validateForm, type FieldErrors } from '../forms';
import { loadTeams } from '../resources';
import { navigate } from '../router';
import { Button, FormStatus, Page, TextField, formatMoney, useAsync } from '../ui';

export function TeamsPage() {
  const { api, me, language } = useConsole();
  const t = useTranslate();
  const teams = useAsync(() => loadTeams(api, true), [api]);
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});

  const create = async (event: Event) => {
    event.preventDefault();
    const form = validateForm(createTeamBodySchema, { name });
    if (!form.ok) return setErrors(form.errors);
    try {
      const team = await api.client.request({
        method: 'POST',
        path: '/teams',
        body: form.data,
        response: teamSchema,
      });
      navigate(`/teams/${team.id}`);
    } catch (error) {
      setErrors(errorsFromApi(error));
    }
  };

  return (
    <Page title={t('nav.teams')}>
      {me?.isAdmin ? (
        <form class="card inline-form" onSubmit={create} noValidate>
          <TextField
            label={t('team.new')}
            name="name"
            value={name}
            onInput={setName}
            errors={errors}
          />
          <Button type="submit" variant="primary">
            {t('common.create')}
          </Button>
        </form>
      ) : null}
      <FormStatus errors={errors} />
      <FormStatus errors={teams.error} />
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('common.name')}</th>
            <th scope="col">{t('team.alias')}</th>
            <th scope="col">{t('team.members')}</th>
            <th scope="col">{t('team.target')}</th>
          </tr>
        </thead>
        <tbody>
          {(teams.data ?? []).map((team) => (
            <tr key={team.id} class={team.active ? '' : 'archived'}>
              <td>
                <a
                  href={`/teams/${team.id}`}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(`/teams/${team.id}`);
                  }}
                >
                  {team.name}
                </a>
                {team.active ? null : <span class="badge">{t('common.archived')}</span>}
              </td>
              <td>
                {team.alias
                  ? `${team.alias.name}${team.alias.domain ? `@${team.alias.domain}` : ''}`
                  : ''}
              </td>
              <td>{team.memberUserIds.length}</td>
              <td>{formatMoney(team.invoicedTarget, language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
