import mongoose, { Types } from 'mongoose';

/**
 * Teams the user belongs to (active member or leader), for `actor.teamIds`.
 * TODO(identity): switch to `findTeamIdsForUser` from `../teams/team.service` once it lands; this
 * reads the `teams` collection with the same semantics so the actor is right until then.
 */
export async function findTeamIdsForUser(userId: string): Promise<string[]> {
  const id = new Types.ObjectId(userId);
  const teams = await mongoose.connection
    .collection('teams')
    .find(
      {
        active: { $ne: false },
        $or: [
          { leaderId: id },
          { members: { $elemMatch: { userId: id, active: { $ne: false } } } },
        ],
      },
      { projection: { _id: 1 } },
    )
    .toArray();
  return teams.map((team) => String(team._id));
}
