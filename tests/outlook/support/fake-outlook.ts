import type { FakeMailData } from './fake-mail-data';

export interface FakeOutlookConfig {
  mails: FakeMailData[];
  /** Requirement sets the fake advertises, e.g. `{ Mailbox: '1.15', NestedAppAuth: '0' }`. */
  sets: Record<string, string>;
  /** Index of the mail open when the pane starts; -1 = nothing selected. */
  initialIndex: number;
  displayLanguage: string;
  /** Delay of every async answer (ms), like a real host's round trip. */
  latencyMs: number;
  userEmail: string;
  /** Roaming settings already saved in the mailbox (e.g. a personal API token). */
  roaming: Record<string, unknown>;
}

export interface FakeOutlookControl {
  select(indices: number[]): void;
  /** URLs the pane asked Outlook to open in the browser (`Office.context.ui.openBrowserWindow`). */
  openedBrowserUrls: string[];
  /** Every Office API the pane called, in order (`getAsFileAsync`, `loadItemByIdAsync:<id>`, …). */
  calls: string[];
  roaming: Record<string, unknown>;
  loadedItemId: string | null;
}

/**
 * Runs in the page before any script (page.addInitScript). When the real office.js from
 * @microsoft/office-js has executed, it fills `Office.context` with a fake Outlook mailbox
 * (outlook.md §2.4) and makes `Office.onReady` report Outlook. Self-contained: Playwright sends
 * only this function's source to the browser.
 */
export function installFakeOutlook(config: FakeOutlookConfig): void {
  type Callback = (result: unknown) => void;
  type OfficeGlobal = {
    context: Record<string, unknown>;
    onReady: (callback?: (info: unknown) => unknown) => Promise<unknown>;
    [key: string]: unknown;
  };
  const calls: string[] = [];
  const roaming: Record<string, unknown> = { ...config.roaming };
  const handlers: Record<string, Array<(event: unknown) => void>> = {};

  const compare = (left: string, right: string): number => {
    const a = left.split('.').map(Number);
    const b = right.split('.').map(Number);
    for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
      const difference = (a[index] ?? 0) - (b[index] ?? 0);
      if (difference !== 0) return Math.sign(difference);
    }
    return 0;
  };
  const supports = (name: string, version = '1.1'): boolean => {
    const advertised = config.sets[name];
    return advertised !== undefined && advertised !== '0' && compare(advertised, version) >= 0;
  };
  const later = (callback: Callback | undefined, result: unknown): void => {
    if (typeof callback === 'function') setTimeout(() => callback(result), config.latencyMs);
  };
  const succeeded = (value: unknown, asyncContext?: unknown) => ({
    status: 'succeeded',
    value,
    asyncContext,
  });
  const failed = (code: number, name: string, message: string) => ({
    status: 'failed',
    value: undefined,
    error: { code, name, message },
  });
  /** Office async signatures: (…args, [options], callback). */
  const callbackOf = (args: unknown[]): Callback | undefined => {
    const last = args[args.length - 1];
    return typeof last === 'function' ? (last as Callback) : undefined;
  };

  const buildItem = (mail: FakeMailData) => {
    const item: Record<string, unknown> = {
      itemType: 'message',
      itemId: mail.itemId,
      internetMessageId: mail.internetMessageId,
      conversationId: mail.conversationId,
      subject: mail.subject,
      normalizedSubject: mail.subject.replace(/^(re|fwd?):\s*/i, ''),
      from: { ...mail.from, recipientType: 'externalUser' },
      sender: { ...mail.from, recipientType: 'externalUser' },
      to: mail.to.map((entry) => ({ ...entry, recipientType: 'externalUser' })),
      cc: mail.cc.map((entry) => ({ ...entry, recipientType: 'externalUser' })),
      dateTimeCreated: new Date(mail.dateTimeCreated),
      dateTimeModified: new Date(mail.dateTimeCreated),
      attachments: mail.attachments.map(({ contentBase64: _content, ...details }) => details),
      body: {
        getAsync: (coercion: string, ...rest: unknown[]) => {
          calls.push(`body.getAsync:${coercion}`);
          const html =
            mail.html ??
            `<pre>${mail.text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</pre>`;
          later(
            callbackOf(rest),
            succeeded(String(coercion).toLowerCase() === 'html' ? html : mail.text),
          );
        },
      },
    };
    if (supports('Mailbox', '1.8')) {
      item.getAttachmentContentAsync = (id: string, ...rest: unknown[]) => {
        calls.push(`getAttachmentContentAsync:${id}`);
        const attachment = mail.attachments.find((entry) => entry.id === id);
        if (!attachment)
          return later(
            callbackOf(rest),
            failed(9002, 'InvalidAttachmentId', 'The attachment id is not valid'),
          );
        const value =
          attachment.attachmentType === 'item'
            ? { format: 'eml', content: atob(attachment.contentBase64) }
            : { format: 'base64', content: attachment.contentBase64 };
        later(callbackOf(rest), succeeded(value));
      };
      item.getAllInternetHeadersAsync = (...rest: unknown[]) => {
        calls.push('getAllInternetHeadersAsync');
        later(callbackOf(rest), succeeded(mail.headers));
      };
    }
    if (supports('Mailbox', '1.14')) {
      item.getAsFileAsync = (...rest: unknown[]) => {
        calls.push(`getAsFileAsync:${mail.itemId}`);
        later(callbackOf(rest), succeeded(mail.emlBase64));
      };
    }
    return item;
  };

  let selection: number[] = config.initialIndex >= 0 ? [config.initialIndex] : [];
  const control: FakeOutlookControl = {
    select: () => undefined,
    openedBrowserUrls: [],
    calls,
    roaming,
    loadedItemId: null,
  };

  const mailbox: Record<string, unknown> = {
    item:
      config.initialIndex >= 0 && config.mails[config.initialIndex]
        ? buildItem(config.mails[config.initialIndex]!)
        : null,
    userProfile: {
      displayName: 'Sofia Marin',
      emailAddress: config.userEmail,
      timeZone: 'UTC',
      accountType: 'office365',
    },
    diagnostics: { hostName: 'OutlookWebApp', hostVersion: '16.0.0.0', OWAView: 'ThreeColumn' },
    addHandlerAsync: (type: string, handler: (event: unknown) => void, ...rest: unknown[]) => {
      calls.push(`addHandlerAsync:${type}`);
      const known =
        type === 'olkItemSelectedChanged' ||
        (type === 'olkSelectedItemsChanged' && supports('Mailbox', '1.13'));
      if (!known)
        return later(callbackOf(rest), failed(5001, 'InvalidEventType', `Unknown event ${type}`));
      (handlers[type] ??= []).push(handler);
      later(callbackOf(rest), succeeded(undefined));
    },
  };
  if (supports('Mailbox', '1.13')) {
    mailbox.getSelectedItemsAsync = (...rest: unknown[]) => {
      calls.push('getSelectedItemsAsync');
      const details = selection.map((index) => {
        const mail = config.mails[index]!;
        const entry: Record<string, unknown> = {
          itemId: mail.itemId,
          itemMode: 'Read',
          itemType: 'Message',
          subject: mail.subject,
        };
        if (supports('Mailbox', '1.14')) {
          entry.internetMessageId = mail.internetMessageId;
          entry.conversationId = mail.conversationId;
          entry.hasAttachment = mail.attachments.length > 0;
        }
        return entry;
      });
      later(callbackOf(rest), succeeded(details));
    };
  }
  if (supports('Mailbox', '1.15')) {
    mailbox.loadItemByIdAsync = (itemId: string, ...rest: unknown[]) => {
      calls.push(`loadItemByIdAsync:${itemId}`);
      const callback = callbackOf(rest);
      if (control.loadedItemId) {
        return later(
          callback,
          failed(9041, 'ItemAlreadyLoaded', 'Another item is loaded; call unloadAsync first'),
        );
      }
      const mail = config.mails.find((entry) => entry.itemId === itemId);
      if (!mail) return later(callback, failed(9040, 'ItemNotFound', 'The item was not found'));
      control.loadedItemId = itemId;
      const item = buildItem(mail);
      item.unloadAsync = (...unloadRest: unknown[]) => {
        calls.push(`unloadAsync:${itemId}`);
        control.loadedItemId = null;
        later(callbackOf(unloadRest), succeeded(undefined));
      };
      later(callback, succeeded(item));
    };
  }

  control.select = (indices: number[]) => {
    selection = [...indices];
    if (indices.length === 1) {
      mailbox.item = buildItem(config.mails[indices[0]!]!);
      for (const handler of handlers.olkItemSelectedChanged ?? [])
        handler({ type: 'olkItemSelectedChanged' });
    } else {
      mailbox.item = null;
      const type =
        indices.length > 1 && supports('Mailbox', '1.13')
          ? 'olkSelectedItemsChanged'
          : 'olkItemSelectedChanged';
      for (const handler of handlers[type] ?? []) handler({ type });
    }
  };

  /**
   * The Office dialog API (DialogApi 1.1): the dialog is a browser pop-up (Outlook on the web opens
   * one too); the page in it reaches the pane through `messageParent`. Like Outlook, the first page
   * must be on the pane's origin (12004) and closing the window reports 12006.
   */
  const ui: Record<string, unknown> = {
    displayDialogAsync: (url: string, ...rest: unknown[]) => {
      const callback = callbackOf(rest);
      const target = new URL(url, location.href);
      calls.push(`displayDialogAsync:${target.pathname}`);
      if (target.origin !== location.origin) {
        return later(
          callback,
          failed(12004, 'DomainNotTrusted', 'The domain of the URL is not trusted'),
        );
      }
      const popup = window.open(target.href, '_blank', 'popup,width=480,height=640');
      if (!popup) return later(callback, failed(12009, 'DialogBlocked', 'The dialog was blocked'));
      const dialogHandlers: Record<string, Array<(event: unknown) => void>> = {};
      let closedByPane = false;
      const onMessage = (event: MessageEvent) => {
        const data = event.data as { type?: unknown; message?: unknown } | null;
        if (event.source !== popup || data?.type !== '__fakeOfficeDialog') return;
        for (const handler of dialogHandlers.dialogMessageReceived ?? [])
          handler({ type: 'dialogMessageReceived', message: data.message, origin: event.origin });
      };
      window.addEventListener('message', onMessage);
      const watcher = setInterval(() => {
        if (!popup.closed) return;
        clearInterval(watcher);
        window.removeEventListener('message', onMessage);
        if (closedByPane) return;
        for (const handler of dialogHandlers.dialogEventReceived ?? [])
          handler({ type: 'dialogEventReceived', error: 12006 });
      }, 50);
      later(
        callback,
        succeeded({
          addEventHandler: (type: string, handler: (event: unknown) => void) => {
            (dialogHandlers[type] ??= []).push(handler);
          },
          close: () => {
            closedByPane = true;
            popup.close();
          },
          messageChild: () => undefined,
        }),
      );
    },
    messageParent: (message: string) => {
      calls.push('messageParent');
      window.opener?.postMessage({ type: '__fakeOfficeDialog', message }, '*');
    },
  };
  if (supports('OpenBrowserWindowApi', '1.1')) {
    ui.openBrowserWindow = (url: string) => {
      calls.push('openBrowserWindow');
      control.openedBrowserUrls.push(url);
    };
  }

  /**
   * Nested app authentication (NestedAppAuth 1.1): Outlook's broker side of MSAL.js's bridge
   * (`window.nestedAppAuthBridge`, JSON request/response envelopes). The broker's decisions —
   * which token, or which error — come from the test through the `__fakeNaaBroker` binding.
   */
  if (supports('NestedAppAuth', '1.1')) {
    type Listener = (response: string) => void;
    const listeners: Listener[] = [];
    (window as unknown as { nestedAppAuthBridge: unknown }).nestedAppAuthBridge = {
      addEventListener: (type: string, listener: Listener) => {
        if (type === 'message') listeners.push(listener);
      },
      removeEventListener: (type: string, listener: Listener) => {
        const index = listeners.indexOf(listener);
        if (type === 'message' && index >= 0) listeners.splice(index, 1);
      },
      postMessage: (raw: string) => {
        const request = JSON.parse(raw) as {
          method: string;
          requestId: string;
          tokenParams?: unknown;
        };
        calls.push(`naa:${request.method}`);
        const answer = async (): Promise<Record<string, unknown>> => {
          if (request.method === 'GetInitContext') {
            return {
              success: true,
              initContext: {
                sdkName: 'fake-outlook-naa',
                sdkVersion: '1.0.0',
                capabilities: { queryAccount: false },
              },
            };
          }
          const broker = (
            window as unknown as {
              __fakeNaaBroker?: (method: string, tokenParams: unknown) => Promise<unknown>;
            }
          ).__fakeNaaBroker;
          if (!broker) return { success: false, error: { status: 'DISABLED' } };
          return (await broker(request.method, request.tokenParams)) as Record<string, unknown>;
        };
        void answer().then((body) => {
          const envelope = JSON.stringify({
            messageType: 'NestedAppAuthResponse',
            requestId: request.requestId,
            ...body,
          });
          setTimeout(() => listeners.forEach((listener) => listener(envelope)), config.latencyMs);
        });
      },
    };
  }

  const install = (office: OfficeGlobal): void => {
    Object.assign(office.context, {
      mailbox,
      displayLanguage: config.displayLanguage,
      contentLanguage: config.displayLanguage,
      diagnostics: { host: 'Outlook', platform: 'OfficeOnline', version: '16.0.0.0' },
      requirements: { isSetSupported: (name: string, version?: string) => supports(name, version) },
      ui,
      roamingSettings: {
        get: (name: string) => roaming[name],
        set: (name: string, value: unknown) => {
          roaming[name] = value;
        },
        remove: (name: string) => {
          delete roaming[name];
        },
        saveAsync: (...rest: unknown[]) => {
          calls.push('roamingSettings.saveAsync');
          later(callbackOf(rest), succeeded(undefined));
        },
      },
    });
    office.MailboxEnums ??= { ItemType: { Message: 'message', Appointment: 'appointment' } };
  };

  (window as unknown as { __fakeOutlook: FakeOutlookControl }).__fakeOutlook = control;

  document.addEventListener(
    'load',
    (event) => {
      const target = event.target;
      if (
        !(target instanceof HTMLScriptElement) ||
        !/\/office(\.debug)?\.js(\?|$)/.test(target.src)
      )
        return;
      const office = (window as unknown as { Office: OfficeGlobal }).Office;
      const realOnReady = office.onReady.bind(office);
      const ready = realOnReady().then(() => {
        install(office);
        return { host: 'Outlook', platform: 'OfficeOnline' };
      });
      office.onReady = (callback) =>
        ready.then(async (info) => {
          if (callback) await callback(info);
          return info;
        });
    },
    true,
  );
}
