import { useEffect, useState } from 'preact/hooks';

/** The console's pages. Paths are real URLs (the server answers every one with the console). */
export type Route =
  | { page: 'sign-in' }
  | { page: 'pipeline'; teamId?: string }
  | { page: 'dashboard'; teamId?: string }
  | { page: 'teams' }
  | { page: 'team'; teamId: string }
  | { page: 'users' }
  | { page: 'lists'; list: ListKind }
  | { page: 'tokens' }
  | { page: 'audit' }
  | { page: 'lead'; leadId: string }
  | { page: 'contact'; partnerId: string }
  | { page: 'conflicts' }
  | { page: 'not-found' };

export const listKinds = ['tags', 'lost-reasons', 'activity-types', 'stages', 'products'] as const;
export type ListKind = (typeof listKinds)[number];

export function parseRoute(pathname: string, search = ''): Route {
  const parts = pathname.split('/').filter(Boolean);
  const query = new URLSearchParams(search);
  const teamId = query.get('team') ?? undefined;
  const [first, second] = parts;
  switch (first) {
    case undefined:
    case 'pipeline':
      return { page: 'pipeline', teamId };
    case 'sign-in':
      return { page: 'sign-in' };
    case 'dashboard':
      return { page: 'dashboard', teamId };
    case 'teams':
      return second ? { page: 'team', teamId: second } : { page: 'teams' };
    case 'users':
      return { page: 'users' };
    case 'lists': {
      const list = listKinds.find((kind) => kind === second) ?? 'tags';
      return { page: 'lists', list };
    }
    case 'tokens':
      return { page: 'tokens' };
    case 'audit':
      return { page: 'audit' };
    case 'sync-conflicts':
      return { page: 'conflicts' };
    // The add-ins' "Open in CRM" links: /leads/:id and /contacts/:id (partners).
    case 'leads':
      return second ? { page: 'lead', leadId: second } : { page: 'not-found' };
    case 'contacts':
      return second ? { page: 'contact', partnerId: second } : { page: 'not-found' };
    default:
      return { page: 'not-found' };
  }
}

export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** onClick of an in-console `<a href>`: client-side navigation, except when the user asks for a new tab. */
export function followLink(event: MouseEvent): void {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  )
    return;
  const anchor = event.currentTarget as HTMLAnchorElement;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
}

export function useRoute(): Route {
  const read = () => parseRoute(window.location.pathname, window.location.search);
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('popstate', onChange);
    return () => window.removeEventListener('popstate', onChange);
  }, []);
  return route;
}
