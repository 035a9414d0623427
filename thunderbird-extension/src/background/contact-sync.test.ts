import { createFakeEvent } from '../test-support/fake-events';
import { createFakeAddressBooks } from '../test-support/fake-address-books';
import { CrmAddressBook } from '../host/crm-address-book';
import { createExtensionStore, createMemoryStorageArea } from '../host/extension-storage';
import { contactSyncAlarm, createContactSync, type SyncRunner } from './contact-sync';
import type { CrmApi } from './lazy-api';
import { updateSettings } from './settings';

function setup(runner: SyncRunner, configured = true) {
  const store = createExtensionStore(createMemoryStorageArea());
  const fake = createFakeAddressBooks();
  const addressBook = new CrmAddressBook(fake.api, store);
  const onAlarm = createFakeEvent<(alarm: { name: string; scheduledTime: number }) => void>();
  const alarms = { create: jest.fn(), clear: jest.fn(async () => true), onAlarm };
  const sync = createContactSync({
    store,
    api: {} as CrmApi,
    addressBook,
    alarms,
    runtime: { getPlatformInfo: jest.fn() },
    runner,
    isConfigured: async () => configured,
    debounceMs: 10,
    now: () => new Date('2026-01-05T10:00:00Z'),
  });
  sync.registerListeners();
  return { store, fake, addressBook, alarms, onAlarm, sync };
}

describe('contact sync scheduling', () => {
  it('runs the engine with the per-profile device id and records status and conflicts', async () => {
    const runner = jest.fn<ReturnType<SyncRunner>, Parameters<SyncRunner>>(async (context) => {
      context.onProgress(3, 10);
      return { conflicts: 2 };
    });
    const { sync } = setup(runner);
    const status = await sync.runNow();
    expect(runner.mock.calls[0]![0].clientId).toMatch(/^tb-/);
    expect(status).toEqual({
      state: 'idle',
      lastSyncAt: '2026-01-05T10:00:00.000Z',
      conflicts: 2,
      lastError: undefined,
    });
  });

  it('keeps the last error readable and does not run twice at once', async () => {
    let release!: () => void;
    const runner = jest.fn(
      () =>
        new Promise<{ conflicts: number }>((_, reject) => {
          release = () =>
            reject(
              Object.assign(new Error('x'), { userMessage: 'The CRM server cannot be reached.' }),
            );
        }),
    );
    const { sync } = setup(runner);
    const first = sync.runNow();
    const second = sync.runNow();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runner).toHaveBeenCalledTimes(1);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    const status = await first;
    expect(await second).toBe(status);
    // The second request ran right after the first, not in parallel.
    expect(runner).toHaveBeenCalledTimes(2);
    expect(status).toMatchObject({
      state: 'error',
      lastError: 'The CRM server cannot be reached.',
    });
  });

  it('does nothing before the add-on is connected, and reports "off" when the user turned sync off', async () => {
    const runner = jest.fn(async () => ({ conflicts: 0 }));
    const notConfigured = setup(runner, false);
    await notConfigured.sync.runNow();
    expect(runner).not.toHaveBeenCalled();

    const { sync, store } = setup(runner);
    await updateSettings(store, (settings) => ({
      ...settings,
      sync: { ...settings.sync, enabled: false },
    }));
    expect((await sync.runNow()).state).toBe('off');
    expect(runner).not.toHaveBeenCalled();
  });

  it('syncs shortly after the user edits the CRM address book, and on its alarm', async () => {
    const runner = jest.fn(async () => ({ conflicts: 0 }));
    const { fake, addressBook, onAlarm, alarms, sync } = setup(runner);
    const bookId = await addressBook.ensureBook();
    fake.user.add(bookId, 'u1', 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:New\r\nUID:u1\r\nEND:VCARD\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runner).toHaveBeenCalledTimes(1);

    onAlarm.fire({ name: contactSyncAlarm, scheduledTime: 0 });
    await sync.idle();
    expect(runner).toHaveBeenCalledTimes(2);

    await sync.schedule();
    expect(alarms.create).toHaveBeenCalledWith(
      contactSyncAlarm,
      expect.objectContaining({ periodInMinutes: 15 }),
    );
  });

  it('lets a timer tick during a running sync go (the run covers it), unlike a user edit', async () => {
    const releases: Array<() => void> = [];
    const runner = jest.fn(
      () =>
        new Promise<{ conflicts: number }>((resolve) =>
          releases.push(() => resolve({ conflicts: 0 })),
        ),
    );
    const { fake, addressBook, onAlarm, sync } = setup(runner);
    const bookId = await addressBook.ensureBook();
    const running = sync.runNow();
    await new Promise((resolve) => setTimeout(resolve, 0));
    onAlarm.fire({ name: contactSyncAlarm, scheduledTime: 0 });
    releases.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runner).toHaveBeenCalledTimes(1);
    await running;

    const next = sync.runNow();
    await new Promise((resolve) => setTimeout(resolve, 0));
    fake.user.add(
      bookId,
      'u2',
      'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Typed\r\nUID:u2\r\nEND:VCARD\r\n',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    releases.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The edit arrived during the run: one more pass right after it.
    expect(runner).toHaveBeenCalledTimes(3);
    releases.shift()!();
    await next;
  });
});
