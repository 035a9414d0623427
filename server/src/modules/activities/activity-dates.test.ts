import { activityState, addDelay } from './activity-dates';

describe('activity dates', () => {
  it.each([
    ['2026-01-31', 1, 'months', '2026-02-28'],
    ['2028-01-31', 1, 'months', '2028-02-29'],
    ['2026-11-30', 3, 'months', '2027-02-28'],
    ['2026-12-30', 5, 'days', '2027-01-04'],
    ['2026-02-26', 2, 'weeks', '2026-03-12'],
    ['2026-05-15', 0, 'days', '2026-05-15'],
  ] as const)('%s + %i %s = %s', (date, count, unit, expected) => {
    expect(addDelay(date, count, unit)).toBe(expected);
  });

  it('derives the state from the due date against today', () => {
    expect(activityState('2026-11-28', true, '2026-11-29')).toBe('overdue');
    expect(activityState('2026-11-29', true, '2026-11-29')).toBe('today');
    expect(activityState('2026-11-30', true, '2026-11-29')).toBe('planned');
    expect(activityState('2026-11-28', false, '2026-11-29')).toBe('done');
  });
});
