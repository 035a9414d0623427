import { useState } from 'preact/hooks';
import {
  createUserBodySchema,
  listResponseSchema,
  userSchema,
  type AccessLevel,
  type User,
} from '@inbox-crm/shared/schemas';
import { useConsole, useTranslate } from '../context';
import { errorsFromApi, validateForm, type FieldErrors } from '../forms';
import { loadTeams } from '../resources';
import { Button, CheckboxField, FormStatus, Page, SelectField, TextField, useAsync } from '../ui';

const emptyDraft = {
  login: '',
  name: '',
  email: '',
  accessLevel: 'own' as AccessLevel,
  isAdmin: false,
  password: '',
};

export function UsersPage() {
  const { api } = useConsole();
  const t = useTranslate();
  const data = useAsync(async () => {
    const [users, teams] = await Promise.all([
      api.client.request({
        method: 'GET',
        path: '/users',
        query: { limit: 200, includeInactive: '1' },
        response: listResponseSchema(userSchema),
      }),
      loadTeams(api),
    ]);
    return { users: users.items, teams };
  }, [api]);
  const [draft, setDraft] = useState(emptyDraft);
  const [errors, setErrors] = useState<FieldErrors>({});
  const levelOptions = (['own', 'all', 'manager'] as const).map((level) => ({
    value: level,
    label: t(`user.level.${level}`),
  }));

  const create = async (event: Event) => {
    event.preventDefault();
    const checked = validateForm(createUserBodySchema, {
      ...draft,
      email: draft.email.trim() || undefined,
      password: draft.password || undefined,
    });
    if (!checked.ok) return setErrors(checked.errors);
    try {
      setErrors({});
      await api.client.request({
        method: 'POST',
        path: '/users',
        body: checked.data,
        response: userSchema,
      });
      setDraft(emptyDraft);
      data.reload();
    } catch (error) {
      setErrors(errorsFromApi(error));
    }
  };

  const change = async (user: User, body: Record<string, unknown>) => {
    try {
      await api.client.request({
        method: 'PATCH',
        path: `/users/${user.id}`,
        body,
        response: userSchema,
      });
      data.reload();
    } catch (error) {
      setErrors(errorsFromApi(error));
    }
  };

  const teamNames = (userId: string) =>
    (data.data?.teams ?? [])
      .filter((team) => team.memberUserIds.includes(userId) || team.leaderId === userId)
      .map((team) => team.name)
      .join(', ');

  return (
    <Page title={t('nav.users')}>
      <form class="card form-grid" onSubmit={create} noValidate aria-label={t('user.new')}>
        <h2>{t('user.new')}</h2>
        <TextField
          label={t('user.login')}
          name="login"
          value={draft.login}
          onInput={(login) => setDraft({ ...draft, login })}
          errors={errors}
        />
        <TextField
          label={t('common.name')}
          name="name"
          value={draft.name}
          onInput={(name) => setDraft({ ...draft, name })}
          errors={errors}
        />
        <TextField
          label={t('user.email')}
          name="email"
          type="email"
          value={draft.email}
          onInput={(email) => setDraft({ ...draft, email })}
          errors={errors}
        />
        <SelectField
          label={t('user.accessLevel')}
          name="accessLevel"
          value={draft.accessLevel}
          options={levelOptions}
          onChange={(accessLevel) =>
            setDraft({ ...draft, accessLevel: accessLevel as AccessLevel })
          }
          errors={errors}
        />
        <TextField
          label={t('user.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          value={draft.password}
          onInput={(password) => setDraft({ ...draft, password })}
          errors={errors}
        />
        <CheckboxField
          label={t('user.isAdmin')}
          name="isAdmin"
          checked={draft.isAdmin}
          onChange={(isAdmin) => setDraft({ ...draft, isAdmin })}
        />
        <FormStatus errors={errors} />
        <div>
          <Button type="submit" variant="primary">
            {t('common.create')}
          </Button>
        </div>
      </form>
      <FormStatus errors={data.error} />
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('common.name')}</th>
            <th scope="col">{t('user.login')}</th>
            <th scope="col">{t('user.accessLevel')}</th>
            <th scope="col">{t('user.isAdmin')}</th>
            <th scope="col">{t('nav.teams')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(data.data?.users ?? []).map((user) => (
            <tr key={user.id} class={user.active ? '' : 'archived'} data-login={user.login}>
              <td>{user.name}</td>
              <td>{user.login}</td>
              <td>
                <select
                  aria-label={`${t('user.accessLevel')}: ${user.name}`}
                  value={user.accessLevel}
                  onChange={(event) =>
                    void change(user, {
                      accessLevel: (event.currentTarget as HTMLSelectElement).value,
                    })
                  }
                >
                  {levelOptions.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${t('user.isAdmin')}: ${user.name}`}
                  checked={user.isAdmin}
                  onChange={(event) =>
                    void change(user, {
                      isAdmin: (event.currentTarget as HTMLInputElement).checked,
                    })
                  }
                />
              </td>
              <td>{teamNames(user.id)}</td>
              <td>
                <Button
                  variant={user.active ? 'danger' : 'secondary'}
                  onClick={() => void change(user, { active: !user.active })}
                >
                  {user.active ? t('user.deactivate') : t('user.reactivate')}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
