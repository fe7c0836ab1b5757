import type { Role } from './roles.js';

/** Who is asking: a signed-in staff member, an API token, or the operator at the terminal. */
export type Identity =
  | { kind: 'staff'; staffId: string; login: string; sessionId: string }
  | { kind: 'api_token'; staffId: string; login: string; tokenId: string }
  /** `estatecare admin` on the database's own host: no account, every estate. */
  | { kind: 'operator' };

/** A role held in one estate; buildingIds limits a housekeeper's role to those buildings (null: all). */
export interface Grant {
  estateId: string;
  role: Role;
  buildingIds: readonly string[] | null;
}

/**
 * The scope of every repository call: who asks and what they hold, loaded fresh for each request
 * (a role taken away or a session revoked counts at the next request). allEstates is the
 * installation's administrator: may create estates, and holds admin in every estate (listed in
 * grants, one per estate, when the caller was loaded).
 */
export interface Caller {
  identity: Identity;
  grants: readonly Grant[];
  allEstates: boolean;
}

/** How a change's actor is recorded: kind and id of the identity, never a name typed into a request. */
export interface Actor {
  kind: Identity['kind'];
  /** Staff id for a person or a token's owner; "operator" for the terminal. */
  id: string;
  /** The session or token the change came through; null for the operator. */
  via: string | null;
}

export function actorOf(caller: Caller): Actor {
  const { identity } = caller;
  switch (identity.kind) {
    case 'staff':
      return { kind: 'staff', id: identity.staffId, via: identity.sessionId };
    case 'api_token':
      return { kind: 'api_token', id: identity.staffId, via: identity.tokenId };
    case 'operator':
      return { kind: 'operator', id: 'operator', via: null };
  }
}

/** "staff:<id>", "api_token:<id>", "operator": the actor as one string, for trails that keep one. */
export function actorLabel(caller: Caller): string {
  const actor = actorOf(caller);
  return actor.kind === 'operator' ? 'operator' : `${actor.kind}:${actor.id}`;
}

/** Every estate the caller holds any role in, each once. */
export function estatesOf(caller: Caller): string[] {
  return [...new Set(caller.grants.map((grant) => grant.estateId))];
}
