import { useEffect, useMemo, useState } from 'preact/hooks';
import { meSchema, type Me } from '@inbox-crm/shared/schemas';
import { ApiError } from '@inbox-crm/shared/api';
import { createConsoleApi } from './console-api';
import { ConsoleContext, useConsole, useTranslate } from './context';
import { languages, pickLanguage, type Language } from './i18n';
import { AuditPage } from './pages/audit-page';
import { ConflictsPage } from './pages/conflicts-page';
import { ContactPage } from './pages/contact-page';
import { DashboardPage } from './pages/dashboard-page';
import { LeadPage } from './pages/lead-page';
import { ListsPage } from './pages/lists-page';
import { PipelinePage } from './pages/pipeline-page';
import { SignInPage } from './pages/sign-in-page';
import { TeamPage } from './pages/team-page';
import { TeamsPage } from './pages/teams-page';
import { TokensPage } from './pages/tokens-page';
import { UsersPage } from './pages/users-page';
import { emptyResponse } from './resources';
import { navigate, useRoute, type Route } from './router';

const languageStorageKey = 'inbox-crm.language';

export function App() {
  const api = useMemo(() => createConsoleApi(window.location.origin), []);
  const [me, setMe] = useState<Me | null>(null);
  const [checked, setChecked] = useState(false);
  const [language, setLanguageState] = useState<Language>(() =>
    pickLanguage([window.localStorage.getItem(languageStorageKey) ?? '', ...navigator.languages]),
  );
  const setLanguage = (next: Language) => {
    window.localStorage.setItem(languageStorageKey, next);
    setLanguageState(next);
  };
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  useEffect(() => {
    api.client
      .request({ method: 'GET', path: '/me', response: meSchema })
      .then(async (user) => {
        await api.refreshCsrfToken();
        setMe(user);
      })
      .catch((error: unknown) => {
        if (!(error instanceof ApiError && error.code === 'unauthenticated')) console.error(error);
      })
      .finally(() => setChecked(true));
  }, [api]);

  const context = { api, me, setMe, language, setLanguage };
  return (
    <ConsoleContext.Provider value={context}>
      {checked ? me ? <Shell /> : <SignInPage /> : <p class="loading">…</p>}
    </ConsoleContext.Provider>
  );
}

function Shell() {
  const { api, me, setMe, language, setLanguage } = useConsole();
  const t = useTranslate();
  const route = useRoute();
  const links: Array<{ path: string; label: string; visible: boolean; active: Route['page'][] }> = [
    {
      path: '/pipeline',
      label: t('nav.pipeline'),
      visible: true,
      active: ['pipeline', 'lead', 'contact'],
    },
    { path: '/dashboard', label: t('nav.dashboard'), visible: true, active: ['dashboard'] },
    {
      path: '/teams',
      label: t('nav.teams'),
      visible: Boolean(me?.isAdmin || me?.accessLevel === 'manager'),
      active: ['teams', 'team'],
    },
    { path: '/users', label: t('nav.users'), visible: Boolean(me?.isAdmin), active: ['users'] },
    {
      path: '/lists/tags',
      label: t('nav.lists'),
      visible: me?.accessLevel === 'manager' || Boolean(me?.isAdmin),
      active: ['lists'],
    },
    { path: '/sync-conflicts', label: t('nav.conflicts'), visible: true, active: ['conflicts'] },
    { path: '/tokens', label: t('nav.tokens'), visible: true, active: ['tokens'] },
    { path: '/audit', label: t('nav.audit'), visible: Boolean(me?.isAdmin), active: ['audit'] },
  ];

  const signOut = async () => {
    try {
      await api.client.request({ method: 'POST', path: '/auth/logout', response: emptyResponse });
    } finally {
      setMe(null);
      navigate('/');
    }
  };

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top-bar">
        <span class="brand">inbox-crm</span>
        <nav aria-label="Main">
          <ul>
            {links
              .filter((link) => link.visible)
              .map((link) => (
                <li key={link.path}>
                  <a
                    href={link.path}
                    aria-current={link.active.includes(route.page) ? 'page' : undefined}
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(link.path);
                    }}
                  >
                    {link.label}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <div class="top-bar-end">
          <label class="inline-label">
            <span class="visually-hidden">{t('nav.language')}</span>
            <select
              value={language}
              onChange={(event) =>
                setLanguage((event.currentTarget as HTMLSelectElement).value as Language)
              }
            >
              {languages.map((code) => (
                <option key={code} value={code}>
                  {code === 'en' ? 'English' : code === 'zh-CN' ? '简体中文' : 'Română'}
                </option>
              ))}
            </select>
          </label>
          <span class="user-name">{me?.name}</span>
          <button type="button" class="button button-secondary" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main">
        <CurrentPage route={route} />
      </main>
    </div>
  );
}

function CurrentPage(props: { route: Route }) {
  const { route } = props;
  switch (route.page) {
    case 'sign-in':
    case 'pipeline':
      return <PipelinePage teamId={route.page === 'pipeline' ? route.teamId : undefined} />;
    case 'dashboard':
      return <DashboardPage teamId={route.teamId} />;
    case 'teams':
      return <TeamsPage />;
    case 'team':
      return <TeamPage teamId={route.teamId} />;
    case 'users':
      return <UsersPage />;
    case 'lists':
      return <ListsPage list={route.list} />;
    case 'tokens':
      return <TokensPage />;
    case 'audit':
      return <AuditPage />;
    case 'lead':
      return <LeadPage key={route.leadId} leadId={route.leadId} />;
    case 'contact':
      return <ContactPage key={route.partnerId} partnerId={route.partnerId} />;
    case 'conflicts':
      return <ConflictsPage />;
    case 'not-found':
      return <p>404</p>;
  }
}
