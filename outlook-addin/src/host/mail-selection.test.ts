import { mockItemFromFixture, succeeded, failed, callbackOf } from '../test-support/outlook-mock';
import {
  MultiSelectUnsupportedError,
  readSelection,
  selectedMailSource,
  watchSelection,
  type OutlookMailbox,
} from './mail-selection';
import { detectCapabilities, type HostCapabilities } from './requirement-sets';

const capabilities = (mailbox: number): HostCapabilities =>
  detectCapabilities({
    isSetSupported: (name, version = '1.1') =>
      name === 'Mailbox' && Number(version.split('.')[1]) <= mailbox,
  });

interface FakeMailbox extends OutlookMailbox {
  handlers: Record<string, () => void>;
  calls: string[];
}

async function mailboxWith(files: string[], selected: number[]): Promise<FakeMailbox> {
  const items = await Promise.all(
    files.map((file) => mockItemFromFixture(file, { withEml: true })),
  );
  items.forEach(({ item }, index) => Object.assign(item, { itemId: `item-${index}` }));
  const calls: string[] = [];
  const handlers: Record<string, () => void> = {};
  let loaded: string | null = null;
  return {
    calls,
    handlers,
    item: selected.length === 1 ? items[selected[0]!]!.item : null,
    addHandlerAsync: ((type: string, handler: () => void, ...rest: unknown[]) => {
      calls.push(`addHandlerAsync:${type}`);
      handlers[type] = handler;
      callbackOf(rest)(succeeded());
    }) as OutlookMailbox['addHandlerAsync'],
    getSelectedItemsAsync: ((...rest: unknown[]) =>
      callbackOf(rest)(
        succeeded(
          selected.map((index) => ({
            itemId: `item-${index}`,
            itemType: 'Message',
            itemMode: 'Read',
            subject: items[index]!.item.subject,
          })),
        ),
      )) as OutlookMailbox['getSelectedItemsAsync'],
    loadItemByIdAsync: ((itemId: string, ...rest: unknown[]) => {
      calls.push(`load:${itemId}`);
      if (loaded) return callbackOf(rest)(failed(9041, 'ItemAlreadyLoaded'));
      loaded = itemId;
      const item = items[Number(itemId.split('-')[1])]!.item;
      Object.assign(item, {
        unloadAsync: (...unloadRest: unknown[]) => {
          calls.push(`unload:${itemId}`);
          loaded = null;
          callbackOf(unloadRest)(succeeded());
        },
      });
      callbackOf(rest)(succeeded(item));
    }) as OutlookMailbox['loadItemByIdAsync'],
  };
}

describe('readSelection', () => {
  test('one mail, none, several', async () => {
    const one = await mailboxWith(['rfq-office-chairs-en.eml'], [0]);
    expect(await readSelection(one, capabilities(15))).toMatchObject({
      kind: 'one',
      summary: { hostId: 'item-0' },
    });
    const none = await mailboxWith(['rfq-office-chairs-en.eml'], []);
    expect(await readSelection(none, capabilities(15))).toEqual({ kind: 'none' });
    const many = await mailboxWith(['rfq-office-chairs-en.eml', 'oferta-ro.eml'], [0, 1]);
    expect(await readSelection(many, capabilities(15))).toEqual({
      kind: 'many',
      summaries: [
        { hostId: 'item-0', subject: 'Request for quotation: 120 ergonomic office chairs' },
        { hostId: 'item-1', subject: 'Cerere de ofertă – mobilier birou' },
      ],
    });
  });

  test('below Mailbox 1.13 the multi-selection API is never called', async () => {
    const mailbox = await mailboxWith(['rfq-office-chairs-en.eml', 'oferta-ro.eml'], [0, 1]);
    mailbox.getSelectedItemsAsync = () => {
      throw new Error('must not be called below 1.13');
    };
    expect(await readSelection(mailbox, capabilities(12))).toEqual({ kind: 'none' });
  });
});

describe('watchSelection', () => {
  test('follows ItemChanged (pinned pane) and, from 1.13, SelectedItemsChanged', async () => {
    const mailbox = await mailboxWith(['rfq-office-chairs-en.eml'], [0]);
    const seen: string[] = [];
    await watchSelection(
      mailbox,
      capabilities(15),
      (selection) => seen.push(selection.kind),
      (error) => {
        throw error;
      },
    );
    expect(mailbox.calls).toEqual([
      'addHandlerAsync:olkItemSelectedChanged',
      'addHandlerAsync:olkSelectedItemsChanged',
    ]);
    mailbox.item = null;
    mailbox.handlers.olkItemSelectedChanged!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual(['none']);
  });

  test('a 1.12 host registers ItemChanged only', async () => {
    const mailbox = await mailboxWith(['rfq-office-chairs-en.eml'], [0]);
    await watchSelection(
      mailbox,
      capabilities(12),
      () => undefined,
      () => undefined,
    );
    expect(mailbox.calls).toEqual(['addHandlerAsync:olkItemSelectedChanged']);
  });
});

describe('selectedMailSource', () => {
  test('loads, reads and unloads each mail; the summary is completed from the loaded item', async () => {
    const mailbox = await mailboxWith(['rfq-office-chairs-en.eml', 'inquiry-zh-cn.eml'], [0, 1]);
    const summaries = [
      { hostId: 'item-0', subject: 'x' },
      { hostId: 'item-1', subject: 'y' },
    ];
    const sources = summaries.map((summary) =>
      selectedMailSource(mailbox, summary, capabilities(15)),
    );
    for (const source of sources) expect((await source.getRaw()).byteLength).toBeGreaterThan(500);
    expect(mailbox.calls).toEqual(['load:item-0', 'unload:item-0', 'load:item-1', 'unload:item-1']);
    expect(sources[1]!.summary).toMatchObject({
      hostId: 'item-1',
      subject: '询价：办公家具 500 套',
      from: { address: 'wang.lei@huaxin-trading.example.cn' },
    });
  });

  test('the item is unloaded even when reading it fails, so the next mail can load', async () => {
    const mailbox = await mailboxWith(['rfq-office-chairs-en.eml', 'oferta-ro.eml'], [0, 1]);
    const broken = selectedMailSource(mailbox, { hostId: 'item-0', subject: '' }, capabilities(15));
    const load = mailbox.loadItemByIdAsync!;
    mailbox.loadItemByIdAsync = ((itemId: string, callback: (result: unknown) => void) =>
      load.call(mailbox, itemId, (result) => {
        Object.assign(result.value as object, {
          getAsFileAsync: (cb: (r: unknown) => void) => cb(failed(9020, 'GenericResponseError')),
        });
        callback(result);
      })) as OutlookMailbox['loadItemByIdAsync'];
    await expect(broken.getRaw()).rejects.toThrow('Exporting the mail as .eml failed');
    mailbox.loadItemByIdAsync = load;
    await expect(
      selectedMailSource(mailbox, { hostId: 'item-1', subject: '' }, capabilities(15)).getRaw(),
    ).resolves.toBeInstanceOf(Uint8Array);
    expect(mailbox.calls).toEqual(['load:item-0', 'unload:item-0', 'load:item-1', 'unload:item-1']);
  });

  test('below Mailbox 1.15 a selected mail cannot be read: a typed error, no host call', async () => {
    const mailbox = await mailboxWith(['rfq-office-chairs-en.eml', 'oferta-ro.eml'], [0, 1]);
    const source = selectedMailSource(mailbox, { hostId: 'item-0', subject: '' }, capabilities(14));
    await expect(source.getRaw()).rejects.toBeInstanceOf(MultiSelectUnsupportedError);
    expect(mailbox.calls).toEqual([]);
  });
});
