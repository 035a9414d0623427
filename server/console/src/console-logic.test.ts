import { z } from 'zod';
import { ApiError } from '@inbox-crm/shared/api';
import { createTeamBodySchema } from '@inbox-crm/shared/schemas';
import { errorsFromApi, numberFromInput, validateForm } from './forms';
import { catalogs, languages, pickLanguage, translate } from './i18n';
import { moveItem, scaleBars, sequenceChanges } from './pipeline-order';
import { parseRoute } from './router';

describe('console forms', () => {
  it('validates with the server schema and keys errors by field path', () => {
    const result = validateForm(createTeamBodySchema, { name: '', alias: { name: 'bad alias!' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['alias.name', 'name']);
    expect(validateForm(createTeamBodySchema, { name: 'Nordic' })).toMatchObject({
      ok: true,
      data: { name: 'Nordic' },
    });
  });

  it("maps the server's field issues and conflicts onto the form", () => {
    const invalid = new ApiError({
      status: 400,
      code: 'validation_failed',
      message: 'Invalid',
      fieldIssues: [{ field: 'body.alias.name', message: 'may contain only letters' }],
    });
    expect(errorsFromApi(invalid)).toEqual({ 'alias.name': 'may contain only letters' });
    const conflict = new ApiError({
      status: 409,
      code: 'conflict',
      message: 'taken',
      details: { fields: ['login'] },
    });
    expect(errorsFromApi(conflict)).toEqual({ login: 'is already used' });
    const offline = new ApiError({ status: 0, code: 'network', message: 'down' });
    expect(errorsFromApi(offline).form).toContain('cannot be reached');
  });

  it('reads numbers as typed, with a decimal comma, and leaves rubbish for the schema to refuse', () => {
    expect(numberFromInput(' 2,5 ')).toBe(2.5);
    expect(numberFromInput('')).toBeUndefined();
    expect(z.number().safeParse(numberFromInput('abc')).success).toBe(false);
  });
});

describe('console ordering and charts', () => {
  it('moves an item and writes only the sequences that change', () => {
    const stages = [
      { id: 'a', sequence: 1 },
      { id: 'b', sequence: 2 },
      { id: 'c', sequence: 3 },
    ];
    const moved = moveItem(stages, 2, 0);
    expect(moved.map((stage) => stage.id)).toEqual(['c', 'a', 'b']);
    expect(sequenceChanges(moved)).toEqual([
      { id: 'c', sequence: 1 },
      { id: 'a', sequence: 2 },
      { id: 'b', sequence: 3 },
    ]);
    expect(sequenceChanges(stages)).toEqual([]);
    expect(moveItem(stages, 0, 7)).toEqual(stages);
  });

  it('scales bars against one maximum and never draws negative bars', () => {
    expect(scaleBars([50, 100, -5, 0], 200)).toEqual([100, 200, 0, 0]);
    expect(scaleBars([0, 0], 200)).toEqual([0, 0]);
  });
});

describe('console routes and languages', () => {
  it('parses every page from its URL', () => {
    expect(parseRoute('/')).toEqual({ page: 'pipeline', teamId: undefined });
    expect(parseRoute('/dashboard', '?team=42')).toEqual({ page: 'dashboard', teamId: '42' });
    expect(parseRoute('/teams/abc')).toEqual({ page: 'team', teamId: 'abc' });
    expect(parseRoute('/lists/lost-reasons')).toEqual({ page: 'lists', list: 'lost-reasons' });
    expect(parseRoute('/lists/unknown')).toEqual({ page: 'lists', list: 'tags' });
    expect(parseRoute('/nope')).toEqual({ page: 'not-found' });
  });

  it('has every string in every language and keeps placeholders', () => {
    const keys = Object.keys(catalogs.en).sort();
    for (const language of languages) {
      expect(Object.keys(catalogs[language]).sort()).toEqual(keys);
      for (const key of keys) {
        const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
        expect(placeholders(catalogs[language][key as keyof typeof catalogs.en])).toEqual(
          placeholders(catalogs.en[key as keyof typeof catalogs.en]),
        );
      }
    }
    expect(translate('ro', 'pipeline.cards', { count: 3 })).toBe('Oportunități: 3');
  });

  it("picks the user's language from browser preferences", () => {
    expect(pickLanguage(['zh-TW', 'en'])).toBe('zh-CN');
    expect(pickLanguage(['ro-RO'])).toBe('ro');
    expect(pickLanguage(['fr-FR'])).toBe('en');
  });
});
