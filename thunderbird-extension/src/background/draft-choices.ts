import {
  stageListResponseSchema,
  tagListResponseSchema,
  teamListResponseSchema,
  type NameTranslations,
} from '@inbox-crm/shared/schemas';
import type { CrmApi } from './lazy-api';
import type { DraftChoices } from './protocol';

// What the "Create opportunity" form offers: the teams (the user's own first, theirs preselected),
// each team's pipeline stages in order (first one preselected) and the lead tags — read from the
// CRM, named in the UI language where the CRM has a translation.

type Translated = { name: string; nameI18n?: NameTranslations };

function localName(record: Translated, uiLanguage: string): string {
  const language = uiLanguage.toLowerCase();
  if (language.startsWith('zh')) return record.nameI18n?.['zh-CN'] ?? record.name;
  if (language.startsWith('ro')) return record.nameI18n?.ro ?? record.name;
  return record.name;
}

export async function loadDraftChoices(api: CrmApi, uiLanguage: string): Promise<DraftChoices> {
  const [me, teams, stages, tags] = await Promise.all([
    api.me(),
    api.request({
      method: 'GET',
      path: '/teams',
      query: { limit: 200 },
      response: teamListResponseSchema,
    }),
    api.request({
      method: 'GET',
      path: '/stages',
      query: { limit: 200 },
      response: stageListResponseSchema,
    }),
    api.request({
      method: 'GET',
      path: '/tags',
      query: { kind: 'lead', limit: 200 },
      response: tagListResponseSchema,
    }),
  ]);
  const stageById = new Map(stages.items.map((stage) => [stage.id, stage]));
  const toStage = (stage: Translated & { id: string }) => ({
    id: stage.id,
    name: localName(stage, uiLanguage),
  });
  const mine = new Set(me.teamIds);
  const teamChoices = teams.items
    .map((team, order) => ({ team, order, mine: mine.has(team.id) }))
    // The user's own teams first, then the CRM's team order.
    .sort((a, b) => Number(b.mine) - Number(a.mine) || a.order - b.order)
    .map(({ team }) => ({
      id: team.id,
      name: localName(team, uiLanguage),
      stages: team.stageIds.flatMap((id) => {
        const stage = stageById.get(id);
        return stage ? [toStage(stage)] : [];
      }),
    }));
  const tagChoices = tags.items.map((tag) => ({ id: tag.id, name: localName(tag, uiLanguage) }));
  if (teamChoices.length === 0) {
    // No sales teams configured: the shared stages are the whole pipeline.
    const shared = stages.items.filter((stage) => stage.teamIds.length === 0).map(toStage);
    return { teams: [], sharedStages: shared, tags: tagChoices };
  }
  const defaultTeam = teamChoices.find((team) => mine.has(team.id)) ?? teamChoices[0]!;
  return { teams: teamChoices, sharedStages: [], tags: tagChoices, defaultTeamId: defaultTeam.id };
}
