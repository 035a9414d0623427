/**
 * Moving an item of an ordered list to another position, and the sequence numbers that make the
 * server keep that order: only items whose sequence changes need a write.
 */
export function moveItem<Item>(items: readonly Item[], from: number, to: number): Item[] {
  if (from === to || from < 0 || from >= items.length || to < 0 || to >= items.length)
    return [...items];
  const copy = [...items];
  const [moved] = copy.splice(from, 1);
  copy.splice(to, 0, moved as Item);
  return copy;
}

export interface Sequenced {
  id: string;
  sequence: number;
}

/** Sequences 1, 2, 3 … for the new order; returns only the changes. */
export function sequenceChanges(
  ordered: readonly Sequenced[],
): Array<{ id: string; sequence: number }> {
  const changes: Array<{ id: string; sequence: number }> = [];
  ordered.forEach((item, index) => {
    const sequence = index + 1;
    if (item.sequence !== sequence) changes.push({ id: item.id, sequence });
  });
  return changes;
}

/** Bar heights for the dashboard chart: values scaled into 0..height against one shared maximum. */
export function scaleBars(values: readonly number[], height: number): number[] {
  const max = Math.max(0, ...values);
  if (max === 0) return values.map(() => 0);
  return values.map((value) => Math.round((Math.max(0, value) / max) * height));
}
