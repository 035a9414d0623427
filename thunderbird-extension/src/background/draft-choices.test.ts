import type { GenericRequest, ResponseValidator } from '@inbox-crm/shared/api';
import { loadDraftChoices } from './draft-choices';
import type { CrmApi } from './lazy-api';

const stamp = { createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };
const stage = (id: string, name: string, teamIds: string[], extra = {}) => ({
  id,
  name,
  sequence: 1,
  probability: 10,
  autoProbability: false,
  isWon: false,
  fold: false,
  requirements: '',
  teamIds,
  ...stamp,
  ...extra,
});
const team = (id: string, name: string, stageIds: string[], extra = {}) => ({
  id,
  name,
  sequence: 1,
  active: true,
  color: 0,
  leaderId: null,
  members: [],
  memberUserIds: [],
  useLeads: false,
  useOpportunities: true,
  alias: null,
  invoicedTarget: 0,
  stageIds,
  ...stamp,
  ...extra,
});
const list = <T>(items: T[]) => ({ items, total: items.length, limit: 200, offset: 0 });

function fakeApi(answers: Record<string, unknown>, teamIds: string[]) {
  const asked: Array<{ path: string; query: unknown }> = [];
  const api = {
    me: async () => ({ id: 'U1', teamIds }),
    request: async (spec: GenericRequest<ResponseValidator>) => {
      asked.push({ path: spec.path, query: spec.query });
      // The real client validates with the schema the caller passes: do the same here.
      const parsed = spec.response.safeParse(answers[spec.path]);
      if (!parsed.success) throw new Error(`bad answer for ${spec.path}`);
      return parsed.data;
    },
  } as unknown as CrmApi;
  return { api, asked };
}

describe('loadDraftChoices', () => {
  const answers = {
    '/teams': list([
      team('T1', 'Key accounts', ['S3']),
      team('T2', 'Direct sales', ['S1', 'S2'], { nameI18n: { ro: 'Vânzări directe' } }),
    ]),
    '/stages': list([
      stage('S1', 'New', [], { nameI18n: { ro: 'Nou' } }),
      stage('S2', 'Proposal', ['T2']),
      stage('S3', 'Qualified', ['T1']),
    ]),
    '/tags': list([
      { id: 'G1', kind: 'lead', name: 'Furniture', color: 0, parentId: null, ...stamp },
    ]),
  };

  it('puts the user’s team first and preselected, with its stages in pipeline order', async () => {
    const { api, asked } = fakeApi(answers, ['T2']);
    const choices = await loadDraftChoices(api, 'en-US');
    expect(choices.defaultTeamId).toBe('T2');
    expect(choices.teams.map((entry) => entry.id)).toEqual(['T2', 'T1']);
    expect(choices.teams[0]!.stages).toEqual([
      { id: 'S1', name: 'New' },
      { id: 'S2', name: 'Proposal' },
    ]);
    expect(choices.tags).toEqual([{ id: 'G1', name: 'Furniture' }]);
    expect(asked.find((call) => call.path === '/tags')!.query).toMatchObject({ kind: 'lead' });
  });

  it('names teams and stages in the UI language when the CRM has a translation', async () => {
    const { api } = fakeApi(answers, []);
    const choices = await loadDraftChoices(api, 'ro');
    expect(choices.defaultTeamId).toBe('T1');
    const direct = choices.teams.find((entry) => entry.id === 'T2')!;
    expect(direct.name).toBe('Vânzări directe');
    expect(direct.stages[0]!.name).toBe('Nou');
  });

  it('offers the shared stages when the CRM has no teams', async () => {
    const { api } = fakeApi({ ...answers, '/teams': list([]) }, []);
    const choices = await loadDraftChoices(api, 'en');
    expect(choices.teams).toEqual([]);
    expect(choices.defaultTeamId).toBeUndefined();
    expect(choices.sharedStages).toEqual([{ id: 'S1', name: 'New' }]);
  });
});
