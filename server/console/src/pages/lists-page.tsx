import { useState } from 'preact/hooks';
import { z } from 'zod';
import {
  activityTypeListResponseSchema,
  activityTypeSchema,
  createActivityTypeBodySchema,
  createLostReasonBodySchema,
  createProductBodySchema,
  createStageBodySchema,
  createTagBodySchema,
  lostReasonListResponseSchema,
  lostReasonSchema,
  productListResponseSchema,
  productSchema,
  stageListResponseSchema,
  stageSchema,
  tagListResponseSchema,
  tagSchema,
} from '@inbox-crm/shared/schemas';
import { useConsole, useTranslate } from '../context';
import { errorsFromApi, numberFromInput, validateForm, type FieldErrors } from '../forms';
import type { MessageKey } from '../i18n';
import { listKinds, navigate, type ListKind } from '../router';
import { Button, FormStatus, Page, TextField, useAsync } from '../ui';

interface ListRow {
  id: string;
  name: string;
  detail?: string;
}

/** What differs between the configuration lists; the page itself is the same for all five. */
interface ListConfig {
  title: MessageKey;
  path: string;
  query?: Record<string, string>;
  load(items: unknown): ListRow[];
  listSchema: z.ZodType;
  itemSchema: z.ZodType;
  createSchema: z.ZodType;
  /** The extra number field of the create form (price, probability), if any. */
  numberField?: { name: string; label: MessageKey };
  createBody(name: string, number: number | undefined): Record<string, unknown>;
}

const configs: Record<ListKind, ListConfig> = {
  tags: {
    title: 'lists.tags',
    path: '/tags',
    query: { kind: 'lead' },
    listSchema: tagListResponseSchema,
    itemSchema: tagSchema,
    createSchema: createTagBodySchema,
    load: (data) =>
      (data as z.infer<typeof tagListResponseSchema>).items.map(({ id, name }) => ({ id, name })),
    createBody: (name) => ({ name, kind: 'lead' }),
  },
  'lost-reasons': {
    title: 'lists.lostReasons',
    path: '/lost-reasons',
    listSchema: lostReasonListResponseSchema,
    itemSchema: lostReasonSchema,
    createSchema: createLostReasonBodySchema,
    load: (data) =>
      (data as z.infer<typeof lostReasonListResponseSchema>).items.map(
        ({ id, name, leadCount }) => ({
          id,
          name,
          detail: String(leadCount),
        }),
      ),
    createBody: (name) => ({ name }),
  },
  'activity-types': {
    title: 'lists.activityTypes',
    path: '/activity-types',
    listSchema: activityTypeListResponseSchema,
    itemSchema: activityTypeSchema,
    createSchema: createActivityTypeBodySchema,
    load: (data) =>
      (data as z.infer<typeof activityTypeListResponseSchema>).items.map(
        ({ id, name, category, delayCount, delayUnit }) => ({
          id,
          name,
          detail: `${category} · +${delayCount} ${delayUnit}`,
        }),
      ),
    createBody: (name, delay) => ({ name, delayCount: delay ?? 0 }),
  },
  stages: {
    title: 'lists.stages',
    path: '/stages',
    listSchema: stageListResponseSchema,
    itemSchema: stageSchema,
    createSchema: createStageBodySchema,
    numberField: { name: 'probability', label: 'stage.probability' },
    load: (data) =>
      (data as z.infer<typeof stageListResponseSchema>).items
        .filter((stage) => stage.teamIds.length === 0)
        .sort((left, right) => left.sequence - right.sequence)
        .map(({ id, name, probability }) => ({ id, name, detail: `${probability}%` })),
    createBody: (name, probability) => ({ name, probability: probability ?? 0, teamIds: [] }),
  },
  products: {
    title: 'lists.products',
    path: '/products',
    listSchema: productListResponseSchema,
    itemSchema: productSchema,
    createSchema: createProductBodySchema,
    numberField: { name: 'listPrice', label: 'product.price' },
    load: (data) =>
      (data as z.infer<typeof productListResponseSchema>).items.map(({ id, name, listPrice }) => ({
        id,
        name,
        detail: String(listPrice),
      })),
    createBody: (name, listPrice) => ({ name, listPrice: listPrice ?? 0 }),
  },
};

export function ListsPage(props: { list: ListKind }) {
  const t = useTranslate();
  return (
    <Page title={t('nav.lists')}>
      <nav class="tabs" aria-label={t('nav.lists')}>
        {listKinds.map((kind) => (
          <a
            key={kind}
            href={`/lists/${kind}`}
            aria-current={kind === props.list ? 'page' : undefined}
            onClick={(event) => {
              event.preventDefault();
              navigate(`/lists/${kind}`);
            }}
          >
            {t(configs[kind].title)}
          </a>
        ))}
      </nav>
      <ListEditor key={props.list} config={configs[props.list]} />
    </Page>
  );
}

function ListEditor(props: { config: ListConfig }) {
  const { api } = useConsole();
  const t = useTranslate();
  const { config } = props;
  const rows = useAsync(
    async () =>
      config.load(
        await api.client.request({
          method: 'GET',
          path: config.path,
          query: { limit: '200', ...config.query },
          response: config.listSchema,
        }),
      ),
    [api, config],
  );
  const [name, setName] = useState('');
  const [number, setNumber] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [edits, setEdits] = useState<Record<string, string>>({});

  const run = async (action: () => Promise<unknown>) => {
    try {
      setErrors({});
      await action();
      rows.reload();
    } catch (error) {
      setErrors(errorsFromApi(error));
    }
  };

  const create = (event: Event) => {
    event.preventDefault();
    const checked = validateForm(
      config.createSchema,
      config.createBody(name, numberFromInput(number)),
    );
    if (!checked.ok) return setErrors(checked.errors);
    void run(async () => {
      await api.client.request({
        method: 'POST',
        path: config.path,
        body: checked.data,
        response: config.itemSchema,
      });
      setName('');
      setNumber('');
    });
  };

  const rename = (row: ListRow) => {
    const next = edits[row.id];
    if (next === undefined || next === row.name) return;
    void run(() =>
      api.client.request({
        method: 'PATCH',
        path: `${config.path}/${row.id}`,
        body: { name: next },
        response: config.itemSchema,
      }),
    );
  };

  return (
    <div class="card">
      <form class="inline-form" onSubmit={create} noValidate aria-label={t(config.title)}>
        <TextField
          label={t('common.name')}
          name="name"
          value={name}
          onInput={setName}
          errors={errors}
        />
        {config.numberField ? (
          <TextField
            label={t(config.numberField.label)}
            name={config.numberField.name}
            value={number}
            inputMode="decimal"
            onInput={setNumber}
            errors={errors}
          />
        ) : null}
        <Button type="submit" variant="primary">
          {t('common.add')}
        </Button>
      </form>
      <FormStatus errors={errors} />
      <FormStatus errors={rows.error} />
      <ul class="list-rows" data-testid="list-rows">
        {(rows.data ?? []).map((row) => (
          <li key={row.id} data-name={row.name}>
            <input
              aria-label={`${t('common.name')}: ${row.name}`}
              value={edits[row.id] ?? row.name}
              onInput={(event) =>
                setEdits({ ...edits, [row.id]: (event.currentTarget as HTMLInputElement).value })
              }
              onBlur={() => rename(row)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') rename(row);
              }}
            />
            {row.detail ? <span class="muted">{row.detail}</span> : null}
            <Button
              variant="danger"
              aria-label={`${t('common.remove')}: ${row.name}`}
              onClick={() =>
                void run(() =>
                  api.client.request({
                    method: 'DELETE',
                    path: `${config.path}/${row.id}`,
                    response: z.unknown(),
                  }),
                )
              }
            >
              {t('common.remove')}
            </Button>
          </li>
        ))}
      </ul>
      {rows.data?.length === 0 ? <p class="muted">{t('common.empty')}</p> : null}
    </div>
  );
}
