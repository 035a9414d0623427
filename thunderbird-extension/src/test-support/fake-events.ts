import type { Events } from 'webextension-polyfill';

// An Events.Event that tests can fire, with the same add/remove contract as the real one.
export interface FakeEvent<T extends (...args: never[]) => void> extends Events.Event<T> {
  fire(...args: Parameters<T>): void;
}

export function createFakeEvent<T extends (...args: never[]) => void>(): FakeEvent<T> {
  const listeners = new Set<T>();
  return {
    addListener: (listener: T) => void listeners.add(listener),
    removeListener: (listener: T) => void listeners.delete(listener),
    hasListener: (listener: T) => listeners.has(listener),
    fire: (...args: Parameters<T>) => {
      for (const listener of listeners) listener(...args);
    },
  };
}
