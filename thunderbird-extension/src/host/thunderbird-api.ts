import type { Browser, Events } from 'webextension-polyfill';

// The Thunderbird MV3 namespaces inbox-crm calls, typed from the schemas shipped in
// Thunderbird 153's omni.ja (webextension-api.thunderbird.net is generated from them).
// @types/thunderbird-webext-browser only describes MV2, so only the calls we make are here.

export interface MailFolder {
  id: string;
  accountId: string;
  name?: string;
  path: string;
}

export interface MessageHeader {
  id: number;
  /** The Message-ID without angle brackets; Thunderbird invents `md5:…` when the mail has none. */
  headerMessageId: string;
  subject: string;
  author: string;
  recipients: string[];
  ccList: string[];
  date: Date;
  folder?: MailFolder;
  size: number;
  read?: boolean;
}

/** A page of messages; `id` is non-null while more pages wait behind `messages.continueList`. */
export interface MessageList {
  id: string | null;
  messages: MessageHeader[];
}

export interface MessagePart {
  contentType?: string;
  headers?: Record<string, string[]>;
  parts?: MessagePart[];
}

export interface MessageAttachment {
  contentType: string;
  name: string;
  partName: string;
  size: number;
  contentDisposition?: string;
}

export interface MessagesApi {
  get(messageId: number): Promise<MessageHeader>;
  continueList(messageListId: string): Promise<MessageList>;
  getRaw(messageId: number, options?: { data_format?: 'File' | 'BinaryString' }): Promise<File>;
  getFull(messageId: number): Promise<MessagePart>;
  listAttachments(messageId: number): Promise<MessageAttachment[]>;
  query(queryInfo: { headerMessageId?: string; folderId?: string }): Promise<MessageList>;
}

export interface MenusOnClickData {
  menuItemId: string | number;
  selectedMessages?: MessageList;
  displayedFolder?: MailFolder;
}

export interface MenusApi {
  create(properties: {
    id: string;
    title: string;
    contexts: string[];
    icons?: Record<string, string>;
  }): string | number;
  update(
    id: string,
    properties: { title?: string; enabled?: boolean; visible?: boolean },
  ): Promise<void>;
  refresh(): Promise<void>;
  removeAll(): Promise<void>;
  onClicked: Events.Event<(info: MenusOnClickData, tab?: { id?: number }) => void>;
  onShown: Events.Event<
    (info: MenusOnClickData & { menuIds: (string | number)[]; contexts: string[] }) => void
  >;
}

export interface MessageDisplayApi {
  getDisplayedMessages(tabId: number): Promise<MessageList>;
  onMessagesDisplayed: Events.Event<(tab: { id?: number }, displayedMessages: MessageList) => void>;
}

export interface MessageDisplayActionApi {
  setBadgeText(details: { text: string | null; tabId?: number }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string; tabId?: number }): Promise<void>;
  setTitle(details: { title: string | null; tabId?: number }): Promise<void>;
}

export interface AddressBookNode {
  id: string;
  name: string;
  type: 'addressBook' | 'contact' | 'mailingList';
  readOnly?: boolean;
  remote?: boolean;
}

export interface ContactNode {
  id: string;
  parentId: string;
  type: 'contact';
  vCard: string;
}

export interface AddressBooksApi {
  list(complete?: boolean): Promise<AddressBookNode[]>;
  get(id: string, complete?: boolean): Promise<AddressBookNode>;
  create(properties: { name: string }): Promise<string>;
  contacts: {
    list(parentId: string): Promise<ContactNode[]>;
    get(id: string): Promise<ContactNode>;
    create(parentId: string, vCard: string): Promise<string>;
    update(id: string, vCard: string): Promise<void>;
    delete(id: string): Promise<void>;
    onCreated: Events.Event<(node: ContactNode) => void>;
    onUpdated: Events.Event<(node: ContactNode, changedProperties: unknown) => void>;
    onDeleted: Events.Event<(parentId: string, id: string) => void>;
    /** Thunderbird 153+: replaces many onCreated events after a bulk import; feature-test it. */
    onManyCreated?: Events.Event<(node: AddressBookNode) => void>;
  };
}

export interface IdentityApi {
  getRedirectURL(path?: string): string;
  launchWebAuthFlow(details: { url: string; interactive?: boolean }): Promise<string>;
}

/** `browser` as Thunderbird provides it: the WebExtension core plus the mail namespaces. */
export interface WindowsApi {
  create: Browser['windows']['create'];
  /** Thunderbird: opens an http(s) URL in the system's default browser. */
  openDefaultBrowser(url: string): Promise<void>;
}

export type ThunderbirdBrowser = Omit<Browser, 'menus' | 'identity' | 'windows'> & {
  windows: WindowsApi;
  messages: MessagesApi;
  menus: MenusApi;
  messageDisplay: MessageDisplayApi;
  messageDisplayAction: MessageDisplayActionApi;
  addressBooks: AddressBooksApi;
  identity: IdentityApi;
};
