import type { Request } from 'express';
import { Strategy } from 'passport-strategy';
import { buildActor } from './actor-factory';
import { findUserByApiToken } from './api-token.service';
import { invalidTokenChallenge, readRequestCredentials } from './bearer-token';

/** Personal API tokens (`Authorization: Bearer icrm_…`) as a passport strategy. */
export class ApiTokenStrategy extends Strategy {
  readonly name = 'api-token';

  /** `demoAccountsAllowed`: demo accounts authenticate only on the demo (in-process) database. */
  constructor(private readonly demoAccountsAllowed: boolean) {
    super();
  }

  override authenticate(req: Request): void {
    const credentials = readRequestCredentials(req);
    if (credentials.kind !== 'bearer') {
      this.fail(invalidTokenChallenge, 401);
      return;
    }
    findUserByApiToken(credentials.token)
      .then(async (found) => {
        if (!found || (found.user.isDemo && !this.demoAccountsAllowed)) {
          this.fail(invalidTokenChallenge, 401);
          return;
        }
        this.success(await buildActor(found.user, 'api-token', found.tokenId));
      })
      .catch((error: unknown) => this.error(error as Error));
  }
}
