import type { Actor } from '../../http/actor';
import type { UserRecord } from '../users/user.model';
import { findTeamIdsForUser } from '../teams/team.service';

/** The request's identity, built the same way for sessions, API tokens and Entra tokens. */
export async function buildActor(
  user: UserRecord,
  via: Actor['via'],
  tokenId?: string,
): Promise<Actor> {
  const userId = user._id.toString();
  return {
    userId,
    partnerId: user.partnerId?.toString(),
    login: user.login,
    name: user.name,
    accessLevel: user.accessLevel,
    isAdmin: user.isAdmin,
    teamIds: await findTeamIdsForUser(userId),
    via,
    tokenId,
  };
}
