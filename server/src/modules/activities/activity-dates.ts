import type { DelayUnit } from '../activity-types/activity-type.model';
import type { ActivityState } from '@inbox-crm/shared/schemas';

/** Today's date in UTC as `YYYY-MM-DD` (clients pass their own local date where it matters). */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * `date` + `count` `unit`, as Odoo's relativedelta: adding months keeps the day when it exists and
 * clamps to the month's last day otherwise (31 Jan + 1 month = 28/29 Feb).
 */
export function addDelay(date: string, count: number, unit: DelayUnit): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  if (unit === 'months') {
    const targetMonth = month - 1 + count;
    const lastDay = new Date(Date.UTC(year, targetMonth + 1, 0)).getUTCDate();
    return todayUtc(new Date(Date.UTC(year, targetMonth, Math.min(day, lastDay))));
  }
  const days = unit === 'weeks' ? count * 7 : count;
  return todayUtc(new Date(Date.UTC(year, month - 1, day + days)));
}

export function activityState(dateDeadline: string, active: boolean, today: string): ActivityState {
  if (!active) return 'done';
  if (dateDeadline < today) return 'overdue';
  return dateDeadline === today ? 'today' : 'planned';
}
