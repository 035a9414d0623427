import { useEffect, useState } from 'preact/hooks';
import {
  createStageBodySchema,
  stageSchema,
  teamSchema,
  updateTeamBodySchema,
  type Stage,
  type Team,
  type User,
} from '@inbox-crm/shared/schemas';
import { useConsole, useTranslate } from '../context';
import { errorsFromApi, numberFromInput, validateForm, type FieldErrors } from '../forms';
import { moveItem, sequenceChanges } from '../pipeline-order';
import { loadStagesOfTeam, loadUserDirectory, loadUsersIfAllowed } from '../resources';
import { Button, CheckboxField, FormStatus, Page, SelectField, TextField, useAsync } from '../ui';

interface TeamForm {
  name: string;
  leaderId: string;
  memberIds: string[];
  aliasName: string;
  aliasDomain: string;
  target: string;
  useLeads: boolean;
  useOpportunities: boolean;
}

function formFromTeam(team: Team): TeamForm {
  return {
    name: team.name,
    leaderId: team.leaderId ?? '',
    memberIds: team.memberUserIds,
    aliasName: team.alias?.name ?? '',
    aliasDomain: team.alias?.domain ?? '',
    target: String(team.invoicedTarget),
    useLeads: team.useLeads,
    useOpportunities: team.useOpportunities,
  };
}

export function TeamPage(props: { teamId: string }) {
  const { api } = useConsole();
  const t = useTranslate();
  const loaded = useAsync(async () => {
    const [team, users] = await Promise.all([
      api.client.request({ method: 'GET', path: `/teams/${props.teamId}`, response: teamSchema }),
      loadUsersIfAllowed(api),
    ]);
    if (users) return { team, users };
    // A team leader who is not an admin: names from the directory; former users only if in the team.
    const directory = await loadUserDirectory(api);
    const inTeam = new Set([...team.memberUserIds, team.leaderId ?? '']);
    const names = directory
      .filter((user) => user.active || inTeam.has(user.id))
      .map((user) => ({ id: user.id, name: user.name }));
    return { team, users: names };
  }, [api, props.teamId]);
  if (loaded.error)
    return (
      <Page title={t('team.team')}>
        <FormStatus errors={loaded.error} />
      </Page>
    );
  if (!loaded.data)
    return (
      <Page title={t('team.team')}>
        <p>{t('common.loading')}</p>
      </Page>
    );
  return <TeamEditor team={loaded.data.team} users={loaded.data.users} onSaved={loaded.reload} />;
}

/** `login` only when the caller may list users (admins). */
type TeamUser = Pick<User, 'id' | 'name'> & { login?: string };

function TeamEditor(props: { team: Team; users: TeamUser[]; onSaved(): void }) {
  const { api } = useConsole();
  const t = useTranslate();
  const [form, setForm] = useState<TeamForm>(() => formFromTeam(props.team));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<string | null>(null);
  const update = (patch: Partial<TeamForm>) => {
    setForm((previous) => ({ ...previous, ...patch }));
    setSaved(null);
  };

  const userName = (id: string) => props.users.find((user) => user.id === id)?.name ?? id;
  const userOptions = props.users;

  const save = async (event: Event) => {
    event.preventDefault();
    const body = {
      name: form.name,
      leaderId: form.leaderId || null,
      members: form.memberIds.map((userId) => ({ userId, active: true })),
      alias: form.aliasName.trim() ? { name: form.aliasName, domain: form.aliasDomain } : null,
      invoicedTarget: numberFromInput(form.target) ?? 0,
      useLeads: form.useLeads,
      useOpportunities: form.useOpportunities,
    };
    const checked = validateForm(updateTeamBodySchema, body);
    if (!checked.ok) return setErrors(checked.errors);
    try {
      setErrors({});
      await api.client.request({
        method: 'PATCH',
        path: `/teams/${props.team.id}`,
        body: checked.data,
        response: teamSchema,
      });
      setSaved(t('common.saved'));
      props.onSaved();
    } catch (error) {
      setErrors(errorsFromApi(error));
    }
  };

  const setArchived = async (archived: boolean) => {
    try {
      await api.client.request({
        method: 'PATCH',
        path: `/teams/${props.team.id}`,
        body: { active: !archived },
        response: teamSchema,
      });
      props.onSaved();
    } catch (error) {
      setErrors(errorsFromApi(error));
    }
  };

  return (
    <Page
      title={props.team.name}
      actions={
        <Button variant="danger" onClick={() => void setArchived(props.team.active)}>
          {props.team.active ? t('common.archive') : t('common.restore')}
        </Button>
      }
    >
      <form class="card form-grid" onSubmit={save} noValidate aria-label={t('team.team')}>
        <TextField
          label={t('common.name')}
          name="name"
          value={form.name}
          onInput={(name) => update({ name })}
          errors={errors}
        />
        <SelectField
          label={t('team.leader')}
          name="leaderId"
          value={form.leaderId}
          options={[
            { value: '', label: t('common.none') },
            ...userOptions.map((user) => ({ value: user.id, label: user.name })),
          ]}
          onChange={(leaderId) => update({ leaderId })}
          errors={errors}
        />
        <fieldset class="field members">
          <legend>{t('team.members')}</legend>
          {userOptions.map((user) => (
            <CheckboxField
              key={user.id}
              name={`member-${user.login ?? user.id}`}
              label={userName(user.id)}
              checked={form.memberIds.includes(user.id)}
              onChange={(checked) =>
                update({
                  memberIds: checked
                    ? [...form.memberIds, user.id]
                    : form.memberIds.filter((id) => id !== user.id),
                })
              }
            />
          ))}
          {errors.members ? <p class="field-error">{errors.members}</p> : null}
        </fieldset>
        <TextField
          label={t('team.alias')}
          name="alias.name"
          value={form.aliasName}
          onInput={(aliasName) => update({ aliasName })}
          errors={errors}
        />
        <TextField
          label={t('team.aliasDomain')}
          name="alias.domain"
          value={form.aliasDomain}
          onInput={(aliasDomain) => update({ aliasDomain })}
          errors={errors}
        />
        <TextField
          label={t('team.target')}
          name="invoicedTarget"
          value={form.target}
          inputMode="decimal"
          onInput={(target) => update({ target })}
          errors={errors}
        />
        <CheckboxField
          label={t('team.useLeads')}
          name="useLeads"
          checked={form.useLeads}
          onChange={(useLeads) => update({ useLeads })}
        />
        <CheckboxField
          label={t('team.useOpportunities')}
          name="useOpportunities"
          checked={form.useOpportunities}
          onChange={(useOpportunities) => update({ useOpportunities })}
        />
        <FormStatus errors={errors} success={saved} />
        <div>
          <Button type="submit" variant="primary">
            {t('common.save')}
          </Button>
        </div>
      </form>
      <TeamStages teamId={props.team.id} />
    </Page>
  );
}

function TeamStages(props: { teamId: string }) {
  const { api } = useConsole();
  const t = useTranslate();
  const [stages, setStages] = useState<Stage[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [dragIndex, setDragIndex] = useState<number | null>(null);
  // One reorder at a time: each computes its writes from the order the server has.
  const [saving, setSaving] = useState(false);
  const [draft, setDraft] = useState({
    name: '',
    probability: '',
    isWon: false,
    fold: false,
    requirements: '',
  });

  const reload = async () => {
    try {
      const all = await loadStagesOfTeam(api, props.teamId);
      setStages(all.filter((stage) => stage.teamIds.includes(props.teamId)));
    } catch (error) {
      setErrors(errorsFromApi(error));
    }
  };
  useEffect(() => {
    void reload();
    // reload depends only on the team
  }, [props.teamId]);

  const reorder = async (from: number, to: number) => {
    if (saving) return;
    const ordered = moveItem(stages, from, to);
    setStages(ordered);
    setSaving(true);
    try {
      for (const change of sequenceChanges(ordered)) {
        await api.client.request({
          method: 'PATCH',
          path: `/stages/${change.id}`,
          body: { sequence: change.sequence },
          response: stageSchema,
        });
      }
      await reload();
    } catch (error) {
      setErrors(errorsFromApi(error));
      await reload();
    } finally {
      setSaving(false);
    }
  };

  const addStage = async (event: Event) => {
    event.preventDefault();
    const body = {
      name: draft.name,
      probability: numberFromInput(draft.probability) ?? 0,
      isWon: draft.isWon,
      fold: draft.fold,
      requirements: draft.requirements,
      teamIds: [props.teamId],
      sequence: stages.length + 1,
    };
    const checked = validateForm(createStageBodySchema, body);
    if (!checked.ok) return setErrors(checked.errors);
    try {
      setErrors({});
      await api.client.request({
        method: 'POST',
        path: '/stages',
        body: checked.data,
        response: stageSchema,
      });
      setDraft({ name: '', probability: '', isWon: false, fold: false, requirements: '' });
      await reload();
    } catch (error) {
      setErrors(errorsFromApi(error));
    }
  };

  return (
    <section class="card" aria-labelledby="stages-title">
      <h2 id="stages-title">{t('team.stages')}</h2>
      <p class="hint">{t('team.stageHelp')}</p>
      <ol class="stage-list" data-testid="team-stages" aria-busy={saving ? 'true' : 'false'}>
        {stages.map((stage, index) => (
          <li
            key={stage.id}
            class={`stage-item ${dragIndex === index ? 'dragging' : ''}`}
            draggable
            data-stage-name={stage.name}
            onDragStart={(event) => {
              setDragIndex(index);
              event.dataTransfer?.setData('text/plain', String(index));
            }}
            onDragOver={(event) => event.preventDefault()}
            onDrop={(event) => {
              event.preventDefault();
              const from = Number(event.dataTransfer?.getData('text/plain') ?? dragIndex);
              setDragIndex(null);
              void reorder(from, index);
            }}
            onDragEnd={() => setDragIndex(null)}
          >
            <span class="stage-name">{stage.name}</span>
            <span class="stage-meta">
              {stage.probability}% {stage.isWon ? `· ${t('stage.isWon')}` : ''}{' '}
              {stage.fold ? `· ${t('stage.fold')}` : ''}
            </span>
            <span class="stage-buttons">
              <Button
                aria-label={`${t('common.moveUp')}: ${stage.name}`}
                disabled={saving || index === 0}
                onClick={() => void reorder(index, index - 1)}
              >
                ↑
              </Button>
              <Button
                aria-label={`${t('common.moveDown')}: ${stage.name}`}
                disabled={saving || index === stages.length - 1}
                onClick={() => void reorder(index, index + 1)}
              >
                ↓
              </Button>
            </span>
          </li>
        ))}
      </ol>
      <form class="form-grid" onSubmit={addStage} noValidate aria-label={t('stage.add')}>
        <TextField
          label={t('stage.name')}
          name="name"
          value={draft.name}
          onInput={(name) => setDraft({ ...draft, name })}
          errors={errors}
        />
        <TextField
          label={t('stage.probability')}
          name="probability"
          value={draft.probability}
          inputMode="decimal"
          onInput={(probability) => setDraft({ ...draft, probability })}
          errors={errors}
        />
        <TextField
          label={t('stage.requirements')}
          name="requirements"
          value={draft.requirements}
          onInput={(requirements) => setDraft({ ...draft, requirements })}
          errors={errors}
        />
        <CheckboxField
          label={t('stage.isWon')}
          name="isWon"
          checked={draft.isWon}
          onChange={(isWon) => setDraft({ ...draft, isWon })}
        />
        <CheckboxField
          label={t('stage.fold')}
          name="fold"
          checked={draft.fold}
          onChange={(fold) => setDraft({ ...draft, fold })}
        />
        <FormStatus errors={errors} />
        <div>
          <Button type="submit" variant="primary">
            {t('stage.add')}
          </Button>
        </div>
      </form>
    </section>
  );
}
