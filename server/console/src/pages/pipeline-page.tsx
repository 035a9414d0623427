import { useEffect, useState } from 'preact/hooks';
import {
  leadSchema,
  lostReasonListResponseSchema,
  pipelineSchema,
  type LostReason,
  type PipelineCard,
  type Team,
} from '@inbox-crm/shared/schemas';
import { useConsole, useTranslate } from '../context';
import { errorsFromApi, type FieldErrors } from '../forms';
import { loadTeams } from '../resources';
import { followLink, navigate } from '../router';
import { Button, FormStatus, Page, formatMoney, useAsync } from '../ui';

/** The team picker shared by the pipeline and the dashboard: the URL's team, else the user's first. */
export function useTeamChoice(requestedTeamId: string | undefined, page: 'pipeline' | 'dashboard') {
  const { api, me } = useConsole();
  const t = useTranslate();
  const teams = useAsync(() => loadTeams(api), [api]);
  const mine = (teams.data ?? []).filter((team) => me?.teamIds.includes(team.id));
  const choices: Team[] =
    mine.length > 0
      ? [...mine, ...(teams.data ?? []).filter((team) => !mine.includes(team))]
      : (teams.data ?? []);
  const team = choices.find((candidate) => candidate.id === requestedTeamId) ?? choices[0];
  const picker = (
    <label class="inline-label">
      <span>{t('team.team')}</span>
      <select
        value={team?.id ?? ''}
        onChange={(event) =>
          navigate(`/${page}?team=${(event.currentTarget as HTMLSelectElement).value}`)
        }
      >
        {choices.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.name}
          </option>
        ))}
      </select>
    </label>
  );
  return { team, picker, error: teams.error, loading: teams.loading };
}

export function PipelinePage(props: { teamId?: string }) {
  const t = useTranslate();
  const { team, picker, error, loading } = useTeamChoice(props.teamId, 'pipeline');
  return (
    <Page title={t('pipeline.title')} actions={picker}>
      <FormStatus errors={error} />
      {team ? (
        <Kanban key={team.id} team={team} />
      ) : loading ? (
        <p>{t('common.loading')}</p>
      ) : (
        <p>{t('pipeline.noTeam')}</p>
      )}
    </Page>
  );
}

function Kanban(props: { team: Team }) {
  const { api, language } = useConsole();
  const t = useTranslate();
  const pipeline = useAsync(
    () =>
      api.client.request({
        method: 'GET',
        path: `/teams/${props.team.id}/pipeline`,
        response: pipelineSchema,
      }),
    [api, props.team.id],
  );
  const [lostReasons, setLostReasons] = useState<LostReason[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [losing, setLosing] = useState<PipelineCard | null>(null);

  useEffect(() => {
    api.client
      .request({
        method: 'GET',
        path: '/lost-reasons',
        query: { limit: 200 },
        response: lostReasonListResponseSchema,
      })
      .then(
        (result) => setLostReasons(result.items),
        (error: unknown) => setErrors(errorsFromApi(error)),
      );
  }, [api]);

  const run = async (action: () => Promise<unknown>) => {
    try {
      setErrors({});
      await action();
    } catch (error) {
      setErrors(errorsFromApi(error));
    } finally {
      pipeline.reload();
    }
  };
  const moveCard = (cardId: string, stageId: string) =>
    run(() =>
      api.client.request({
        method: 'POST',
        path: `/leads/${cardId}/stage`,
        body: { stageId },
        response: leadSchema,
      }),
    );
  const markWon = (card: PipelineCard) =>
    run(() =>
      api.client.request({
        method: 'POST',
        path: `/leads/${card.id}/won`,
        body: {},
        response: leadSchema,
      }),
    );

  const columns = pipeline.data?.columns ?? [];
  return (
    <>
      <FormStatus errors={errors} />
      <FormStatus errors={pipeline.error} />
      <div class="kanban" data-testid="kanban">
        {columns.map((column) => (
          <section
            key={column.stageId}
            class={`kanban-column ${column.folded ? 'folded' : ''}`}
            aria-label={column.name}
            data-stage-id={column.stageId}
            data-stage-name={column.name}
            onDragOver={(event) => event.preventDefault()}
            onDrop={(event) => {
              event.preventDefault();
              const cardId = event.dataTransfer?.getData('text/plain');
              if (cardId) void moveCard(cardId, column.stageId);
            }}
          >
            <header class="kanban-column-header">
              <h2>{column.name}</h2>
              <p class="muted">
                {t('pipeline.cards', { count: column.count })} ·{' '}
                {formatMoney(column.expectedRevenue, language)}
              </p>
            </header>
            <ul class="kanban-cards">
              {column.cards.map((card) => (
                <li
                  key={card.id}
                  class="kanban-card"
                  draggable
                  data-card-id={card.id}
                  data-card-name={card.name}
                  onDragStart={(event) => event.dataTransfer?.setData('text/plain', card.id)}
                >
                  <h3>
                    <a
                      href={`/leads/${encodeURIComponent(card.id)}`}
                      draggable={false}
                      onClick={followLink}
                    >
                      {card.name}
                    </a>
                  </h3>
                  <p>{card.customerName}</p>
                  <p class="card-meta">
                    <span aria-label={`${t('pipeline.priority')}: ${card.priority}`}>
                      {'★'.repeat(Number(card.priority))}
                    </span>
                    <span>{formatMoney(card.expectedRevenue, language)}</span>
                  </p>
                  {card.nextActivity ? (
                    <p class={`activity activity-${card.activityState}`}>
                      {t('pipeline.nextActivity')}: {card.nextActivity.summary} (
                      {card.nextActivity.dateDeadline})
                    </p>
                  ) : null}
                  <div class="card-actions">
                    <select
                      aria-label={`${t('pipeline.moveTo')}: ${card.name}`}
                      value={column.stageId}
                      onChange={(event) =>
                        void moveCard(card.id, (event.currentTarget as HTMLSelectElement).value)
                      }
                    >
                      {columns.map((target) => (
                        <option key={target.stageId} value={target.stageId}>
                          {target.name}
                        </option>
                      ))}
                    </select>
                    <Button onClick={() => void markWon(card)}>{t('pipeline.markWon')}</Button>
                    <Button variant="danger" onClick={() => setLosing(card)}>
                      {t('pipeline.markLost')}
                    </Button>
                  </div>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      {losing ? (
        <LostDialog
          card={losing}
          reasons={lostReasons}
          onCancel={() => setLosing(null)}
          onConfirm={(lostReasonId, closingNote) => {
            setLosing(null);
            void run(() =>
              api.client.request({
                method: 'POST',
                path: `/leads/${losing.id}/lost`,
                body: {
                  lostReasonId: lostReasonId || null,
                  ...(closingNote ? { closingNote } : {}),
                },
                response: leadSchema,
              }),
            );
          }}
        />
      ) : null}
    </>
  );
}

/** Mark lost with a reason and a closing note; also used by the lead page. */
export function LostDialog(props: {
  card: { name: string };
  reasons: LostReason[];
  onCancel(): void;
  onConfirm(lostReasonId: string, closingNote: string): void;
}) {
  const t = useTranslate();
  const [reason, setReason] = useState(props.reasons[0]?.id ?? '');
  const [note, setNote] = useState('');
  return (
    <div class="dialog-backdrop" role="dialog" aria-modal="true" aria-labelledby="lost-title">
      <form
        class="card dialog"
        onSubmit={(event) => {
          event.preventDefault();
          props.onConfirm(reason, note);
        }}
      >
        <h2 id="lost-title">
          {t('pipeline.markLost')}: {props.card.name}
        </h2>
        <label class="field">
          <span>{t('pipeline.lostReason')}</span>
          <select
            name="lostReasonId"
            value={reason}
            onChange={(event) => setReason((event.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{t('common.none')}</option>
            {props.reasons.map((lostReason) => (
              <option key={lostReason.id} value={lostReason.id}>
                {lostReason.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('pipeline.closingNote')}</span>
          <textarea
            name="closingNote"
            value={note}
            onInput={(event) => setNote((event.currentTarget as HTMLTextAreaElement).value)}
          />
        </label>
        <div class="dialog-actions">
          <Button onClick={props.onCancel}>{t('common.cancel')}</Button>
          <Button type="submit" variant="danger">
            {t('pipeline.markLost')}
          </Button>
        </div>
      </form>
    </div>
  );
}
