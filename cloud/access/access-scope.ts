import type { SqlParams } from '../db/sql-params.js';
import { AppError, notFound } from '../platform/app-error.js';
import type { Caller, Grant } from './caller.js';
import { roleMay, type Permission } from './permissions.js';

/** Columns of a table that place a row: its estate, and its building where it has one. */
export interface PlaceColumns {
  estate: string;
  building?: string;
}

/** Where a thing is: its estate, and its building when it has one. */
export interface Place {
  estateId: string;
  buildingId?: string | null;
}

function grantsFor(caller: Caller, permission: Permission): Grant[] {
  return caller.grants.filter((grant) => roleMay(grant.role, permission));
}

/**
 * A SQL condition true exactly for rows the caller may see under the permission: in an estate where
 * they hold a role that grants it, and, for a building-limited grant, in one of its buildings. A row
 * with no building column counts as the estate's own (a limited grant covers it). Scoping is in the
 * query itself, not row-level security: PostgreSQL skips RLS for superusers and table owners, and
 * PGlite runs as superuser. "FALSE" when the caller holds nothing that grants it.
 */
export function scopeCondition(caller: Caller, permission: Permission, params: SqlParams, columns: PlaceColumns): string {
  const whole = new Set<string>();
  const limited = new Map<string, Set<string>>();
  for (const grant of grantsFor(caller, permission)) {
    if (grant.buildingIds === null || columns.building === undefined) whole.add(grant.estateId);
    else for (const building of grant.buildingIds) limited.set(grant.estateId, (limited.get(grant.estateId) ?? new Set()).add(building));
  }
  const parts: string[] = [];
  if (whole.size) parts.push(`${columns.estate} = ANY(${params.add([...whole])}::text[])`);
  for (const [estateId, buildings] of limited) {
    if (whole.has(estateId)) continue;
    parts.push(`(${columns.estate} = ${params.add(estateId)} AND ${columns.building} = ANY(${params.add([...buildings])}::text[]))`);
  }
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}

/** True when a grant of the caller gives the permission at this place (scopeCondition's rule, in memory). */
export function callerMay(caller: Caller, permission: Permission, place: Place): boolean {
  return grantsFor(caller, permission).some(
    (grant) =>
      grant.estateId === place.estateId &&
      (grant.buildingIds === null || place.buildingId === undefined || (place.buildingId !== null && grant.buildingIds.includes(place.buildingId))),
  );
}

/**
 * Throws forbidden unless the caller may do this here. Call it on something the caller was allowed
 * to see (found through scopeCondition), so a stranger to the estate gets not_found first.
 */
export function demand(caller: Caller, permission: Permission, place: Place): void {
  if (!callerMay(caller, permission, place)) {
    throw new AppError('forbidden', 'forbidden', `your roles in estate ${place.estateId} do not allow ${permission}`, {
      details: { permission, estate_id: place.estateId },
    });
  }
}

/**
 * Throws not_found unless the caller holds some role in the estate: to a stranger, an estate of
 * someone else reads exactly like one that does not exist. (Grants only ever name existing estates.)
 */
export function requireEstate(caller: Caller, estateId: string): void {
  if (!caller.grants.some((grant) => grant.estateId === estateId)) throw notFound('estate', estateId);
}

/** Every estate where a role of the caller grants the permission, each once. */
export function estatesGranting(caller: Caller, permission: Permission): string[] {
  return [...new Set(grantsFor(caller, permission).map((grant) => grant.estateId))];
}

/**
 * True when some role of the caller grants the permission in some estate. The installation's
 * administrator holds admin in every estate, those still to be created included: on an
 * installation without estates they have no grant yet, and still create the first one.
 */
export function callerHolds(caller: Caller, permission: Permission): boolean {
  return grantsFor(caller, permission).length > 0 || (caller.allEstates && roleMay('admin', permission));
}
