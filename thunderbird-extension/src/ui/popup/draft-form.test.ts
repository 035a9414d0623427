import type { DraftChoices } from '../../background/protocol';
import { applyChoiceDefaults, draftToForm, formToDraft, selectTeam } from './draft-form';

const base = {
  name: 'Request for quotation: 120 ergonomic office chairs',
  contact: {
    name: 'Margaret Lindqvist',
    email: 'margaret.lindqvist@bluefin-logistics.example.com',
  },
  companyName: 'Bluefin Logistics Ltd',
  description: 'Dear Sofia, …',
};

describe('draft form', () => {
  it('shows the prefilled draft and gives it back unchanged when nothing was edited', () => {
    const form = draftToForm(base);
    expect(form).toMatchObject({
      name: base.name,
      contactEmail: base.contact.email,
      companyName: 'Bluefin Logistics Ltd',
      priority: '1',
    });
    expect(formToDraft(form, base)).toEqual({ draft: { ...base, priority: '1' } });
  });

  it('takes the user’s edits: revenue with a decimal comma, a closing date, no company', () => {
    const form = {
      ...draftToForm(base),
      expectedRevenue: '12 500,50',
      dateDeadline: '2026-03-31',
      companyName: ' ',
      priority: '3' as const,
    };
    expect(formToDraft(form, base).draft).toMatchObject({
      expectedRevenue: 12500.5,
      dateDeadline: '2026-03-31',
      companyName: null,
      priority: '3',
    });
  });

  it('reports every bad field with a message key and sends nothing', () => {
    const form = {
      ...draftToForm(base),
      name: '  ',
      contactEmail: 'not-an-address',
      expectedRevenue: '-3',
      dateDeadline: '31/03/2026',
    };
    expect(formToDraft(form, base)).toEqual({
      errors: {
        name: 'errorRequired',
        contactEmail: 'errorEmail',
        expectedRevenue: 'errorAmount',
        dateDeadline: 'errorDate',
      },
    });
  });

  it('drops the contact when the e-mail is cleared, and uses the address as name when the name is', () => {
    expect(
      formToDraft({ ...draftToForm(base), contactEmail: '' }, base).draft?.contact,
    ).toBeUndefined();
    expect(formToDraft({ ...draftToForm(base), contactName: '' }, base).draft?.contact).toEqual({
      name: base.contact.email,
      email: base.contact.email,
    });
  });

  const choices: DraftChoices = {
    teams: [
      {
        id: 'team-mine',
        name: 'Direct sales',
        stages: [
          { id: 'new', name: 'New' },
          { id: 'proposal', name: 'Proposal' },
        ],
      },
      { id: 'team-other', name: 'Key accounts', stages: [{ id: 'qualified', name: 'Qualified' }] },
    ],
    sharedStages: [],
    tags: [
      { id: 'tag-a', name: 'Furniture' },
      { id: 'tag-b', name: 'Trade fair' },
    ],
    defaultTeamId: 'team-mine',
  };

  it('preselects the user’s team and its first stage, and sends the picked team, stage and tags', () => {
    const form = applyChoiceDefaults(draftToForm(base), choices);
    expect(form).toMatchObject({ teamId: 'team-mine', stageId: 'new', tagIds: [] });
    const picked = { ...form, stageId: 'proposal', tagIds: ['tag-b', 'tag-a'] };
    expect(formToDraft(picked, base, choices).draft).toMatchObject({
      teamId: 'team-mine',
      stageId: 'proposal',
      tagIds: ['tag-b', 'tag-a'],
    });
  });

  it('moves to the first stage of another team when the team changes, and refuses a foreign stage', () => {
    const form = applyChoiceDefaults(draftToForm(base), choices);
    const other = selectTeam({ ...form, stageId: 'proposal' }, choices, 'team-other');
    expect(other).toMatchObject({ teamId: 'team-other', stageId: 'qualified' });
    expect(formToDraft({ ...other, stageId: 'proposal' }, base, choices)).toEqual({
      errors: { stageId: 'errorStage' },
    });
  });

  it('keeps a choice the user made before the lists arrived, drops unknown tags', () => {
    const early = { ...draftToForm(base), teamId: 'team-other', tagIds: ['tag-a', 'gone'] };
    expect(applyChoiceDefaults(early, choices)).toMatchObject({
      teamId: 'team-other',
      stageId: 'qualified',
      tagIds: ['tag-a'],
    });
  });

  it('offers the shared stages when the CRM has no teams, and leaves everything to the CRM without choices', () => {
    const noTeams: DraftChoices = {
      teams: [],
      sharedStages: [{ id: 'shared-new', name: 'New' }],
      tags: [],
    };
    const form = applyChoiceDefaults(draftToForm(base), noTeams);
    expect(form).toMatchObject({ teamId: '', stageId: 'shared-new' });
    const draft = formToDraft(form, base, noTeams).draft!;
    expect(draft.stageId).toBe('shared-new');
    expect('teamId' in draft || 'tagIds' in draft).toBe(false);
  });
});
