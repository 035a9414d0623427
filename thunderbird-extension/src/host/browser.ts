import polyfilledBrowser from 'webextension-polyfill';
import type { ThunderbirdBrowser } from './thunderbird-api';

// The polyfill is a no-op in Thunderbird (native promise-based `browser`); it keeps shared UI
// code on one `browser` namespace. Only entry points import this module, so adapters stay
// testable with a fake passed in.
export const browser = polyfilledBrowser as unknown as ThunderbirdBrowser;
