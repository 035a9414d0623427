import { CursorRegistry } from './cursors';

describe('CursorRegistry', () => {
  const documents = Array.from({ length: 5 }, (_, position) => ({ position }));

  it('serves batches and forgets exhausted cursors', () => {
    const registry = new CursorRegistry(60_000);
    const first = registry.open('db.c', documents, { batchSize: 2 });
    const id = first.cursor.id.toNumber();
    expect(first.cursor.firstBatch).toHaveLength(2);
    expect(registry.getMore(id, 'db.c', 2).cursor.nextBatch).toEqual([
      { position: 2 },
      { position: 3 },
    ]);
    const last = registry.getMore(id, 'db.c', undefined);
    expect(last.cursor.nextBatch).toEqual([{ position: 4 }]);
    expect(last.cursor.id.toNumber()).toBe(0);
    expect(() => registry.getMore(id, 'db.c', undefined)).toThrow(
      expect.objectContaining({ code: 43 }),
    );
  });

  it('refuses a getMore from another namespace', () => {
    const registry = new CursorRegistry(60_000);
    const id = registry.open('db.c', documents, { batchSize: 1 }).cursor.id.toNumber();
    expect(() => registry.getMore(id, 'db.other', 1)).toThrow(/different namespace/);
  });

  it('drops cursors idle for longer than the timeout', () => {
    const registry = new CursorRegistry(1_000);
    const id = registry.open('db.c', documents, { batchSize: 1 }).cursor.id.toNumber();
    expect(registry.expireIdle(Date.now() + 500)).toBe(0);
    expect(registry.expireIdle(Date.now() + 1_500)).toBe(1);
    expect(() => registry.getMore(id, 'db.c', 1)).toThrow(expect.objectContaining({ code: 43 }));
  });
});
