import { useTestDatabase } from '../../db/test-database';
import { createTestContext } from '../../test-support/test-context';
import { generateApiToken } from '../auth/api-token-format';

useTestDatabase();

/** The only `/api/v1` routes that answer without credentials, by name. Adding one is a decision. */
const publicRoutes = new Set(['GET /auth/methods', 'GET /auth/csrf', 'POST /auth/login']);

const sampleId = '0123456789abcdef01234567';

/** `/leads/:id/won` → `/leads/0123…/won`; also `*splat` and `{optional}` segments. */
function concretePath(path: string): string {
  return path
    .replace(/\{[^}]*\}/g, '')
    .replace(/:[A-Za-z_]+/g, sampleId)
    .replace(/\*[A-Za-z_]+/g, 'x');
}

describe('route guard: every /api/v1 route of the fully built app requires credentials', () => {
  const context = createTestContext();
  const routes = context.apiRouter.routes.map((route) => ({
    name: `${route.method.toUpperCase()} ${route.path}`,
    method: route.method,
    url: `/api/v1${concretePath(route.path)}`,
    auth: route.auth ?? 'required',
  }));

  it('has routes to check, and only the allow-listed ones are public', () => {
    expect(routes.length).toBeGreaterThan(10);
    const declaredPublic = routes
      .filter((route) => route.auth === 'none')
      .map((route) => route.name);
    expect(declaredPublic.sort()).toEqual([...publicRoutes].sort());
  });

  const guarded = routes.filter((route) => !publicRoutes.has(route.name));

  it.each(guarded.map((route) => [route.name, route] as const))(
    '%s answers 401 without credentials',
    async (_name, route) => {
      const response = await context.request[route.method](route.url).send({});
      expect({ route: route.name, status: response.status }).toEqual({
        route: route.name,
        status: 401,
      });
      expect(response.body.error.code).toBe('unauthenticated');
    },
  );

  it.each(guarded.map((route) => [route.name, route] as const))(
    '%s answers 401 with an unknown API token',
    async (_name, route) => {
      const response = await context.request[route.method](route.url)
        .set('Authorization', `Bearer ${generateApiToken()}`)
        .send({});
      expect({ route: route.name, status: response.status }).toEqual({
        route: route.name,
        status: 401,
      });
    },
  );
});
