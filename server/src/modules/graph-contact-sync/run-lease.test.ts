import { useTestDatabase } from '../../db/test-database';
import { acquireLease, isLeaseHeld, RunLeaseModel, withLease } from './run-lease';

useTestDatabase();

const minute = 60_000;

describe('run lease (MongoDB, shared by server instances)', () => {
  it('lets exactly one of many concurrent owners take a free lease', async () => {
    const owners = Array.from({ length: 8 }, (_, index) => `instance-${index}`);
    const results = await Promise.all(owners.map((owner) => acquireLease('race', owner, minute)));
    const winners = results.filter((lease) => lease !== undefined);
    expect(winners).toHaveLength(1);
    const stored = await RunLeaseModel.findById('race').lean();
    expect(stored?.owner).toBe(winners[0]!.owner);
  });

  it('keeps others out until it expires, then is taken over; the old holder cannot renew or release it', async () => {
    const start = new Date('2026-11-29T19:00:00Z');
    const first = await acquireLease('mailbox-1', 'instance-a', minute, start);
    expect(first).toBeDefined();
    const halfway = new Date(start.getTime() + minute / 2);
    expect(await acquireLease('mailbox-1', 'instance-b', minute, halfway)).toBeUndefined();
    // The holder may take it again (renewal through acquire).
    expect(await acquireLease('mailbox-1', 'instance-a', minute, halfway)).toBeDefined();
    expect(await first!.renew(halfway)).toBe(true);

    const stale = new Date(halfway.getTime() + minute + 1);
    const second = await acquireLease('mailbox-1', 'instance-b', minute, stale);
    expect(second).toBeDefined();
    expect(await first!.renew(stale)).toBe(false);
    await first!.release();
    expect((await RunLeaseModel.findById('mailbox-1').lean())?.owner).toBe('instance-b');
    expect(await isLeaseHeld('mailbox-1', stale)).toBe(true);
    await second!.release();
    expect(await RunLeaseModel.findById('mailbox-1').lean()).toBeNull();
  });

  it('withLease runs the work holding the lease, refuses a second run meanwhile, and releases it', async () => {
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = withLease('mailbox-2', { ttlMs: minute, owner: 'instance-a' }, async () => {
      await blocked;
      return 'synced';
    });
    // Wait (without timing anything) until the first run holds the lease.
    while (!(await isLeaseHeld('mailbox-2'))) await new Promise((resolve) => setImmediate(resolve));
    const second = await withLease(
      'mailbox-2',
      { ttlMs: minute, owner: 'instance-b' },
      async () => {
        throw new Error('must not run');
      },
    );
    expect(second).toEqual({ ran: false });
    release();
    expect(await first).toEqual({ ran: true, value: 'synced' });
    expect(await isLeaseHeld('mailbox-2')).toBe(false);
  });

  it('releases the lease when the work fails', async () => {
    await expect(
      withLease('mailbox-3', { ttlMs: minute }, async () => {
        throw new Error('graph down');
      }),
    ).rejects.toThrow('graph down');
    expect(await isLeaseHeld('mailbox-3')).toBe(false);
  });

  it('renews the lease while long work runs', async () => {
    const ttlMs = 300;
    let renewedPastFirstExpiry = false;
    const result = await withLease('mailbox-4', { ttlMs, owner: 'instance-a' }, async () => {
      const { expiresAt: firstExpiry } = (await RunLeaseModel.findById('mailbox-4').lean())!;
      // Work until a renewal has moved the expiry (the lease outlives its first lifetime).
      while (!renewedPastFirstExpiry) {
        await new Promise((resolve) => setTimeout(resolve, ttlMs / 3));
        const current = await RunLeaseModel.findById('mailbox-4').lean();
        renewedPastFirstExpiry = current!.expiresAt.getTime() > firstExpiry.getTime();
      }
      return 'done';
    });
    expect(result).toEqual({ ran: true, value: 'done' });
  });
});
